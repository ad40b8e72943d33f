// What the theory predicts for a run, from σ, φ, the noise and the initial state alone, and
// the same quantities read off its trajectory. Every rule is derived in docs/theory.md (the
// section is named beside it) from the flow of MODEL.md §4:
//   ε ȧ_i = Σ_k σ_k r_k s_i^k,   ṡ_i = (1 − s_i²) a_i Σ_{k≥1} k σ_k r_k s_i^{k−1},
//   r_k = φ_k − σ_k M_k,   M_k = (1/m) Σ_i a_i s_i^k,   R_k = ½ r_k².
import { log } from './log.js';

export interface TheoryInput {
  sigma: Float64Array;
  phi: Float64Array;
  /** ‖φ‖² (the target beyond the truncation included). */
  phiNorm2: number;
  /** Degrees with σ_k exactly 0 by parity or degree, and those within the projection's error of 0. */
  sigmaZeros: number[];
  sigmaUnresolved: number[];
  noise: number;
  a0: Float64Array;
  /** s_i(0) of the mean-field flow; null for the network and SGD models (s(0) = ⟨w_i(0), u_*⟩ ≠ 0). */
  s0: Float64Array | null;
  degrees: number;
  threshold: number;
}

export interface Unlearnable {
  k: number;
  reason: string;
}

export interface Theory {
  /** Predicted risk once components 0..k are learnt, k = 0..degrees (theory.md §2). */
  plateaus: number[];
  /** Predicted risk as t → ∞ (theory.md §2). */
  floor: number;
  /** Components with φ_k ≠ 0, k ≤ degrees, that the flow cannot learn from this start (theory.md §3). */
  unlearnable: Unlearnable[];
  /** Predicted ε-exponent of each t_k, k = 0..degrees; null where the theory gives none (theory.md §4, §6). */
  exponents: (number | null)[];
  /**
   * Leading-order time scales as ε → 0 (theory.md §4, §5): t_0 ≈ c ε and
   * t_1 ≈ √ε (A + B ln(1/ε)); null where they do not apply.
   */
  timeScales: { t0: { c: number } | null; t1: { A: number; B: number } | null };
}

export interface MeasuredTheory {
  /** Risk on the plateau after components 0..k are learnt, read off the trajectory (null: not reached). */
  plateaus: (number | null)[];
  /** Risk at the last output time. */
  final: number;
}

/** Why σ_k = 0, in words. */
function zeroReason(k: number, input: TheoryInput): string {
  const why = input.sigmaUnresolved.includes(k) ? 'cannot be told from 0 within the projection\'s error'
    : input.sigmaZeros.includes(k) ? 'is 0 by the activation\'s parity (or degree)' : 'is 0';
  return `σ_${k} ${why}: the activation has no degree-${k} part, so R_${k} = ½φ_${k}² whatever the weights`;
}

/**
 * The predictions of docs/theory.md for one run. The flow's own rules (overlaps that never
 * move, the sign condition, the time scales) need s(0) = 0 and are skipped when s0 is null
 * or not all zero; the rest holds for every model.
 */
export function predictTheory(input: TheoryInput): Theory {
  const { sigma, phi, degrees } = input;
  const K = sigma.length - 1;
  const noise = 0.5 * input.noise * input.noise;
  const fromZero = input.s0 !== null && input.s0.every((s) => s === 0);
  const still = fromZero && sigma[1] * phi[1] === 0;
  const c1 = K >= 1 ? sigma[1] * phi[1] : 0;
  // the reason component k cannot be learnt, or null; k in order, so `gap` knows the degrees below
  const reasons: (string | null)[] = [];
  let gap = false; // since degree 1, no degree ≥ 2 learnt yet
  for (let k = 0; k <= K; k++) {
    let reason: string | null = null;
    if (sigma[k] === 0) reason = zeroReason(k, input);
    else if (k >= 1 && still) {
      reason = `the overlaps never move: with s(0) = 0 and σ_1 φ_1 = 0, ṡ_i = a_i σ_1 φ_1 = 0 at s = 0, so s stays 0, M_${k} = 0 and R_${k} = ½φ_${k}²`;
    } else if (fromZero && k >= 3 && k % 2 === 1 && gap && phi[k] !== 0 && c1 * sigma[k] * phi[k] < 0) {
      reason = `sign condition (leading order, theory.md §5): after the linear phase every a_i s_i has the sign of σ_1 φ_1, and d|s_i|/dt ≈ ${k} σ_${k} φ_${k} (a_i s_i) |s_i|^${k - 2} < 0 because σ_1 φ_1 · σ_${k} φ_${k} < 0; the overlaps shrink and M_${k} stays near 0`;
    }
    reasons.push(reason);
    if (k >= 2 && phi[k] !== 0 && reason === null) gap = false;
    if (k === 1) gap = true;
  }
  const learnable = (k: number) => reasons[k] === null;
  const half2 = (k: number) => 0.5 * phi[k] * phi[k];
  // the target beyond K is not learnt on any plateau up to `degrees`, and is assumed learnt at the floor
  const beyond = 0.5 * Math.max(0, input.phiNorm2 - phi.reduce((s, p) => s + p * p, 0));
  let above = beyond; // ½ Σ_{j>k} φ_j²
  for (let j = 0; j <= K; j++) above += half2(j);
  let stuck = 0; // ½ Σ_{j≤k} φ_j² over the unlearnable j
  const plateaus: number[] = [];
  for (let k = 0; k <= K; k++) {
    above -= half2(k);
    if (!learnable(k)) stuck += half2(k);
    if (k <= degrees) plateaus.push(noise + stuck + Math.max(0, above));
  }
  const floor = noise + stuck;

  // t_0 ≍ ε when there is a constant to fit; t_k ≍ ε^{1/(2k)} while every degree 1..k−1 is
  // present and learnable; t_3 right after the linear phase (degree 2 absent) does not scale with ε
  const r0 = phi[0] - sigma[0] * mean(input.a0);
  const exponents: (number | null)[] = [sigma[0] !== 0 && r0 !== 0 ? 1 : null];
  let inOrder = true;
  for (let k = 1; k <= degrees; k++) {
    const present = learnable(k) && phi[k] !== 0;
    let p: number | null = null;
    if (present && inOrder) p = 1 / (2 * k);
    else if (present && fromZero && k === 3 && exponents[1] !== null && sigma[2] * phi[2] === 0) p = 0;
    exponents.push(p);
    if (!present) inOrder = false;
  }

  const theta = input.threshold;
  const t0 = fromZero && exponents[0] === 1 ? { c: log(1 / theta) / (2 * sigma[0] * sigma[0]) } : null;
  let t1: Theory['timeScales']['t1'] = null;
  if (fromZero && c1 !== 0) {
    // V: the spread of a(0) that the linear phase amplifies (theory.md §5)
    const abar = mean(input.a0);
    const V = input.a0.reduce((s, a) => s + (sigma[0] !== 0 ? (a - abar) ** 2 : a * a), 0) / input.a0.length;
    if (V > 0) {
      const c = Math.abs(c1);
      const rt = Math.sqrt(theta);
      t1 = { B: 1 / (4 * c), A: (log((4 * Math.abs(phi[1] / sigma[1])) / V) + log((1 - rt) / rt)) / (2 * c) };
    }
  }
  const unlearnable: Unlearnable[] = [];
  for (let k = 0; k <= Math.min(degrees, K); k++) if (!learnable(k) && phi[k] !== 0) unlearnable.push({ k, reason: reasons[k]! });
  return { plateaus, floor, unlearnable, exponents, timeScales: { t0, t1 } };
}

function mean(x: Float64Array): number {
  return x.reduce((s, v) => s + v, 0) / x.length;
}

/**
 * The plateau after components 0..k, read off a trajectory: the risk where it is flattest
 * against log t, between the last learning time among t_0..t_k and the next one after
 * (from the first output time before any). With no learning time after k, the risk at the
 * last output time. null where a component that `expected` says will be learnt was not learnt
 * by the end of the run, at or (on the last stretch) after k: the run ended first.
 */
export function measurePlateaus(t: Float64Array, risk: Float64Array, times: (number | null)[], expected: boolean[] = []): MeasuredTheory {
  const T = t.length;
  const final = risk[T - 1];
  const plateaus: (number | null)[] = [];
  for (let k = 0; k < times.length; k++) {
    if (times.some((x, j) => j <= k && x === null && expected[j])) {
      plateaus.push(null); // a component up to k that should have been learnt was not: no plateau to read
      continue;
    }
    const before = times.slice(0, k + 1).filter((x): x is number => x !== null);
    const after = times.slice(k + 1).filter((x): x is number => x !== null);
    if (after.length === 0) {
      const ended = times.some((x, j) => j > k && x === null && expected[j]);
      plateaus.push(ended ? null : final);
      continue;
    }
    const lo = before.length ? Math.max(...before) : 0;
    const hi = Math.min(...after);
    let best = Infinity;
    let value: number | null = null;
    for (let j = 0; j + 1 < T; j++) {
      if (t[j] < lo || t[j + 1] > hi || !(t[j] > 0)) continue;
      const slope = Math.abs(risk[j + 1] - risk[j]) / log(t[j + 1] / t[j]);
      if (slope < best) [best, value] = [slope, 0.5 * (risk[j] + risk[j + 1])];
    }
    plateaus.push(value);
  }
  return { plateaus, final };
}

/** Relative tolerance of a measured plateau against its prediction before the note reports it. */
export const PLATEAU_TOLERANCE = 0.1;

/**
 * One line naming where a run departs from its own prediction, or undefined: a plateau more
 * than PLATEAU_TOLERANCE (relative, with an absolute floor of 1e-3 · the initial risk) off,
 * a component learnt that was predicted unlearnable, or a final risk below the floor.
 */
export function departures(theory: Theory, measured: MeasuredTheory, times: (number | null)[], initialRisk: number): string | undefined {
  const out: string[] = [];
  const slack = (x: number) => PLATEAU_TOLERANCE * Math.abs(x) + 1e-3 * initialRisk;
  measured.plateaus.forEach((v, k) => {
    const p = theory.plateaus[k];
    if (v !== null && Math.abs(v - p) > slack(p)) out.push(`plateau after degree ${k}: predicted ${fmt(p)}, measured ${fmt(v)}`);
  });
  for (const u of theory.unlearnable) if (times[u.k] !== null && times[u.k] !== undefined) out.push(`degree ${u.k} was learnt though predicted unlearnable`);
  if (measured.final < theory.floor - slack(theory.floor)) out.push(`final risk ${fmt(measured.final)} below the predicted floor ${fmt(theory.floor)}`);
  return out.length ? `departs from the theory: ${out.join('; ')}` : undefined;
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();
