// Every quantitative statement the project makes about the theory, each computed from runs:
// where it comes from, the predicted value, the measured value, the config and the tolerance.
// `npm run fidelity` writes them to docs/fidelity.md (scripts/fidelity.ts); test/fidelity.test.ts
// computes the same statements at the 'quick' size and asserts each agreement.
import { extrapolateInM } from './extrapolate.js';
import { logCorrectedFit } from './learning-times.js';
import { resolveActivation } from '../hermite/activation.js';
import { project } from '../hermite/projection.js';
import { symmetryZeros } from '../hermite/symmetry.js';
import type { RunConfigInput } from '../config.js';
import { run, type RunResult } from '../run.js';
import type { Core } from '../wasm/loader.js';

export interface Statement {
  /** Short name, e.g. 'plateaus: tanh, φ = h_0 + h_1 + h_2 − h_3'. */
  name: string;
  /** Where the prediction comes from: a section of the paper (MODEL.md) or of docs/theory.md. */
  source: string;
  predicted: string;
  measured: string;
  /** The agreement asked for, in words. */
  tolerance: string;
  ok: boolean;
  /** The config (or configs) that measured it, as JSON. */
  config: string;
}

/** 'quick': small runs for the test (a few seconds in all); 'full': the runs of docs/fidelity.md. */
export type FidelitySize = 'quick' | 'full';

export interface FidelityData {
  statements: Statement[];
  /** Inputs of the figures of docs/fidelity.md. */
  plateauRuns: { label: string; result: RunResult }[];
  t1Sweeps: { label: string; epsilon: number[]; t1: number[]; A: number; B: number; logFit: { A: number; B: number } | null }[];
  mExtrapolation: { epsilon: number; m: number[]; ratio: number[]; value: number; error: number }[];
}

/** Output times dense enough (200 per decade around the drop) that learning times are read to ~1e-4. */
function denseTimes(from: number, to: number, perDecade = 200): { at: number[] } {
  const n = Math.round(Math.log10(to / from) * perDecade);
  return { at: Array.from({ length: n + 1 }, (_, i) => from * (to / from) ** (i / n)) };
}

/** Five significant digits: the statements compare to 1e-3. */
export const fmt = (v: number): string => (Number.isFinite(v) ? (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(4) : Number(v.toPrecision(5)).toString()) : String(v));

/** ε as people write it: 1e-6, 1e-10. */
const eps = (e: number) => e.toExponential();

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const json = (c: RunConfigInput) => JSON.stringify(c, (k, v) => (k === 'at' ? `[${v.length} times from ${fmt(v[0])} to ${fmt(v[v.length - 1])}]` : v));

/** The plateau and floor cases: four components each, ε = 1e-8 (plateaus a decade apart or more), m = 10, seed 1, s(0) = 0. */
const PLATEAU_CASES: { label: string; activation: RunConfigInput['activation']; target: number[] }[] = [
  { label: 'ReLU, φ = h_0 + h_1 + h_2 + h_3', activation: 'relu', target: [1, 1, 1, 1] },
  { label: 'gelu(z + 0.5), φ = h_0 + h_1 + h_3', activation: { name: 'gelu', shift: 0.5 }, target: [1, 1, 0, 1] },
  { label: 'gelu(z + 0.5), φ = h_0 + h_1 − h_3', activation: { name: 'gelu', shift: 0.5 }, target: [1, 1, 0, -1] },
  { label: 'tanh, φ = h_0 + h_1 + h_2 + h_3', activation: 'tanh', target: [1, 1, 1, 1] },
  { label: 'tanh, φ = h_0 + h_1 + h_2 − h_3', activation: 'tanh', target: [1, 1, 1, -1] },
  { label: 'erf, φ = h_1 − h_3', activation: 'erf', target: [0, 1, 0, -1] },
];

/** Plateau tolerance: 2% of the prediction plus 2e-3 (the next drop has begun on a finite plateau). */
const plateauOk = (measured: number | null, predicted: number) => measured !== null && Math.abs(measured - predicted) <= 0.02 * predicted + 2e-3;

export async function fidelityStatements(core: Core, size: FidelitySize): Promise<FidelityData> {
  const statements: Statement[] = [];
  const add = (s: Statement) => statements.push(s);

  // 1. Exact zeros by parity (docs/theory.md §1)
  for (const name of ['tanh', 'erf', 'relu', 'gelu', 'abs', 'sigmoid']) {
    const a = resolveActivation(name);
    const zeros = symmetryZeros(a, 12);
    const p = project(core, a, 12);
    const worst = Math.max(...zeros.map((k) => Math.abs(p.coefficients[k])));
    add({
      name: `parity zeros of ${name}, k ≤ 12`, source: 'theory.md §1 (parity of h_k)', predicted: `σ_k = 0 exactly at k ∈ {${zeros.join(', ')}}`,
      measured: `max |σ_k| there = ${worst}`, tolerance: 'exactly 0', ok: worst === 0, config: JSON.stringify({ activation: name, degree: 12 }),
    });
  }

  // 2. erf with target h_1 − h_3: nothing constant to learn, so no t_0 (theory.md §1)
  {
    const config: RunConfigInput = { activation: 'erf', target: { hermite: [0, 1, 0, -1] }, epsilon: 1e-6, m: 10, seed: 1, time: { start: 1e-9, end: 1, points: 91 }, degrees: 3 };
    const r = await run(config, { core });
    add({
      name: 'erf, φ = h_1 − h_3, ε = 1e-6: no constant learning time', source: 'theory.md §1 (σ_0 = φ_0 = 0 ⇒ R_0 ≡ 0)',
      predicted: 't_0 = null (R_0(0) = 0)', measured: `t_0 = ${r.learningTimes[0]}, R_0(0) = ${r.initial.components[0]}`,
      tolerance: 'null and exactly 0', ok: r.learningTimes[0] === null && r.initial.components[0] === 0, config: json(config),
    });
  }

  // 3. Plateaus and floors (theory.md §2, §3, §5)
  const plateauRuns: FidelityData['plateauRuns'] = [];
  for (const c of PLATEAU_CASES) {
    const config: RunConfigInput = {
      activation: c.activation, target: { hermite: c.target }, epsilon: 1e-8, m: 10, seed: 1,
      time: { start: 1e-11, end: 1000, points: size === 'full' ? 561 : 281 }, degrees: 3,
    };
    const r = await run(config, { core });
    plateauRuns.push({ label: c.label, result: r });
    const th = r.theory;
    const ok = th.plateaus.every((p, k) => plateauOk(th.measured.plateaus[k], p));
    add({
      name: `plateaus: ${c.label}`, source: 'theory.md §2–3, §5', predicted: th.plateaus.map(fmt).join(', '),
      measured: th.measured.plateaus.map((v) => (v === null ? '—' : fmt(v))).join(', '),
      tolerance: '|measured − predicted| ≤ 2% + 2e-3 each', ok, config: json(config),
    });
    const unl = th.unlearnable.map((u) => u.k);
    add({
      name: `floor: ${c.label}`, source: 'theory.md §2–3, §5',
      predicted: `${fmt(th.floor)}${unl.length ? ` (unlearnable: ${unl.join(', ')})` : ''}`, measured: `R(t = ${fmt(r.t[r.t.length - 1])}) = ${fmt(th.measured.final)}`,
      tolerance: '|R(end) − floor| ≤ 2% + 2e-3', ok: plateauOk(th.measured.final, th.floor), config: json(config),
    });
  }

  // 4. t_0 ≈ ε ln(1/θ)/(2σ_0²) (theory.md §4)
  {
    const config: RunConfigInput = { activation: 'relu', target: { hermite: [0, 1] }, epsilon: 1e-8, m: 10, seed: 1, time: denseTimes(1e-10, 1e-6), degrees: 1, solver: { rtol: 1e-10, atol: 1e-14 } };
    const r = await run(config, { core });
    const pred = r.theory.timeScales.t0!.c * 1e-8;
    const t0 = r.learningTimes[0]!;
    add({
      name: 't_0, ReLU, φ = h_1, ε = 1e-8', source: 'theory.md §4: t_0 ≈ ε ln(1/θ)/(2σ_0²)', predicted: fmt(pred), measured: fmt(t0),
      tolerance: 'relative 1e-3', ok: relDiff(t0, pred) < 1e-3, config: json(config),
    });
  }

  // 5. t_1 ≈ √ε (A + B ln(1/ε)) at one ε, and B fitted across ε at three σ_1 φ_1 (theory.md §5)
  const t1Sweeps: FidelityData['t1Sweeps'] = [];
  const epsilons = size === 'full' ? [1e-6, 1e-7, 1e-8, 1e-9, 1e-10] : [1e-6, 1e-8, 1e-10];
  for (const phi1 of [0.5, 1, 2]) {
    const t1: number[] = [];
    let A = 0;
    let B = 0;
    let config: RunConfigInput | null = null;
    for (const epsilon of epsilons) {
      const pre = Math.sqrt(epsilon);
      config = {
        activation: 'relu', target: { hermite: [0, phi1] }, epsilon, m: 10, seed: 1, degrees: 1,
        time: denseTimes(pre * 0.5, pre * 40, size === 'full' ? 400 : 200), solver: { rtol: 1e-10, atol: 1e-14 },
      };
      const r = await run(config, { core });
      t1.push(r.learningTimes[1]!);
      ({ A, B } = r.theory.timeScales.t1!);
    }
    const logFit = logCorrectedFit(epsilons, t1, 0.5, 10);
    t1Sweeps.push({ label: `σ_1 φ_1 = ${fmt(0.5 * phi1)}`, epsilon: epsilons, t1, A, B, logFit });
    const smallest = epsilons[epsilons.length - 1];
    const pred = Math.sqrt(smallest) * (A + B * Math.log(1 / smallest));
    add({
      name: `t_1, ReLU, φ = ${fmt(phi1)} h_1 (σ_1 φ_1 = ${fmt(0.5 * phi1)}), ε = ${eps(smallest)}`, source: 'theory.md §5: t_1 ≈ √ε (A + B ln(1/ε))',
      predicted: fmt(pred), measured: fmt(t1[t1.length - 1]), tolerance: 'relative 1e-3', ok: relDiff(t1[t1.length - 1], pred) < 1e-3,
      config: json(config!),
    });
    add({
      name: `B fitted over ε = ${epsilons.map(eps).join(', ')}, σ_1 φ_1 = ${fmt(0.5 * phi1)}`, source: 'theory.md §5: B = 1/(4 |σ_1 φ_1|)',
      predicted: fmt(B), measured: logFit ? `${fmt(logFit.B)} (A = ${fmt(logFit.A)}, predicted ${fmt(A)})` : '—',
      tolerance: 'relative 1%', ok: logFit !== null && relDiff(logFit.B, B) < 0.01, config: `${json(config!)} at each ε`,
    });
  }

  // 6. The plain power law misreads the exponent of t_1: its local slope is ½ − B/(A + B ln(1/ε)) (theory.md §5)
  {
    const [e1, e2] = [1e-4, 1e-6];
    const times: number[] = [];
    let A = 0;
    let B = 0;
    let config: RunConfigInput | null = null;
    for (const epsilon of [e1, e2]) {
      config = { activation: 'relu', target: { hermite: [0, 1] }, epsilon, m: 10, seed: 1, degrees: 1, time: denseTimes(Math.sqrt(epsilon) * 0.5, Math.sqrt(epsilon) * 40), solver: { rtol: 1e-10, atol: 1e-14 } };
      const r = await run(config, { core });
      times.push(r.learningTimes[1]!);
      ({ A, B } = r.theory.timeScales.t1!);
    }
    const slope = Math.log(times[1] / times[0]) / Math.log(e2 / e1);
    const law = (e: number) => Math.sqrt(e) * (A + B * Math.log(1 / e));
    const predicted = Math.log(law(e2) / law(e1)) / Math.log(e2 / e1);
    add({
      name: 'apparent exponent of t_1 between ε = 1e-4 and 1e-6, ReLU, φ = h_1', source: 'theory.md §5 (the log term; the paper, MODEL.md §6, gives ½)',
      predicted: fmt(predicted), measured: fmt(slope), tolerance: 'absolute 0.005', ok: Math.abs(slope - predicted) < 0.005, config: `${json(config!)} at ε = 1e-4 and 1e-6`,
    });
  }

  // 7. t_2 at m = ∞ by Richardson extrapolation in 1/m, a(0) at the normal quantiles (MODEL.md §6: m → ∞ before ε → 0)
  const mExtrapolation: FidelityData['mExtrapolation'] = [];
  const mCases = size === 'full'
    ? [{ epsilon: 1e-4, m: [160, 320, 640, 1280] }, { epsilon: 1e-6, m: [640, 1280, 2560] }]
    : [{ epsilon: 1e-4, m: [40, 80, 160] }];
  for (const { epsilon, m } of mCases) {
    const ratio: number[] = [];
    let config: RunConfigInput | null = null;
    for (const mi of m) {
      config = {
        activation: 'relu', target: { hermite: [1, 1, 1] }, epsilon, m: mi, init: { a: { law: 'normal', quantiles: true } }, degrees: 2,
        time: denseTimes(epsilon ** 0.25 * 0.1, epsilon ** 0.25 * 20, 150), solver: { rtol: 1e-9, atol: 1e-12 },
      };
      const r = await run(config, { core });
      ratio.push(r.learningTimes[2]! / epsilon ** 0.25);
    }
    const x = extrapolateInM(m, ratio);
    mExtrapolation.push({ epsilon, m, ratio, value: x.value, error: x.error });
    // the extrapolation from all but the largest m, against the largest m's value
    const fewer = extrapolateInM(m.slice(0, -1), ratio.slice(0, -1));
    const last = ratio[ratio.length - 1];
    add({
      name: `t_2/ε^{1/4} at m = ∞, ReLU, φ = h_0 + h_1 + h_2, ε = ${eps(epsilon)}`, source: 'MODEL.md §6 (m → ∞ first; t_2 ≍ ε^{1/4}); Richardson in 1/m',
      predicted: `${fmt(x.value)} ± ${fmt(x.error)} (from m = ${m.join(', ')}); at m = ${m[m.length - 1]}: ${fmt(last)}`,
      measured: `m = ${m.join(', ')}: ${ratio.map(fmt).join(', ')}`,
      tolerance: 'the estimate from the smaller m lies within 3× its error + 5% of the largest m\'s value',
      ok: Math.abs(fewer.value - last) <= 3 * fewer.error + 0.05 * last, config: `${json(config!)} at each m`,
    });
  }
  return { statements, plateauRuns, t1Sweeps, mExtrapolation };
}

/** docs/fidelity.md from the statements. */
export function fidelityMarkdown(data: FidelityData, command: string): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Fidelity: what the theory predicts against what the runs measure',
    '',
    `Generated by \`${command}\`; test/fidelity.test.ts asserts the same statements on shorter runs.`,
    'Sources: MODEL.md is the paper\'s story as this project states it; theory.md derives the rest.',
    '',
    '| statement | source | predicted | measured | tolerance | agrees | config |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...data.statements.map((s) => `| ${cell(s.name)} | ${cell(s.source)} | ${cell(s.predicted)} | ${cell(s.measured)} | ${cell(s.tolerance)} | ${s.ok ? 'yes' : '**no**'} | \`${cell(s.config)}\` |`),
    '',
    ...mSummary(data),
    '## Figures',
    '',
    '![plateaus: predicted (dashed) against measured](figures/fidelity-plateaus.svg)',
    '',
    '![t_1 / √ε against ln(1/ε): measured points, predicted line](figures/fidelity-t1.svg)',
    '',
    '![t_2 / ε^{1/4} against 1/m, with the Richardson estimate at m = ∞](figures/fidelity-m.svg)',
    '',
  ];
  return lines.join('\n');
}

/** What the m-extrapolation says about t_2/ε^{1/4} as ε falls, in two sentences. */
function mSummary(data: FidelityData): string[] {
  const x = data.mExtrapolation;
  if (x.length < 2) return [];
  const [a, b] = [x[0], x[x.length - 1]];
  const slope = 0.25 + Math.log(b.value / a.value) / Math.log(b.epsilon / a.epsilon);
  return [
    `**t_2 at m = ∞.** With a(0) at the normal quantiles, t_2(m) converges in m at each ε (Richardson error ${x.map((c) => fmt(c.error)).join(', ')}), `
    + `but t_2(∞)/ε^{1/4} goes from ${fmt(a.value)} at ε = ${eps(a.epsilon)} to ${fmt(b.value)} at ε = ${eps(b.epsilon)}: it has not settled, and over this range `
    + `t_2(∞) scales as ε^${fmt(slope)}, not yet ε^{1/4}. At smaller ε the m needed to converge grows (at ε = 1e-6, t_2(m) is not monotone below m ≈ 600).`,
    '',
  ];
}
