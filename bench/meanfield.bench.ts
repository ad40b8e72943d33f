// The d→∞ neuron flow: our BDF and RODAS4 (in Wasm) against scipy's stiff solvers on the same
// equations (bench/peers/meanfield_scipy.py), step counts as ε → 0, and the cost of many particles.
// SUNDIALS CVODE is the peer of bench/cvode.bench.ts.
import { readFileSync } from 'node:fs';
import { solveMeanfield, type MeanfieldAlgorithm, type MeanfieldProblem } from '../src/models/meanfield.js';
import { loadCore } from '../src/wasm/loader.js';
import { normals, reluCoefficients } from '../test/support/network.js';
import { fmt, python, table, time, type Row } from './lib.js';

const RTOL = 1e-8;
const ATOL = 1e-10;
const T = 100;

/** ReLU (closed-form kernel), φ = h_0 + h_1 + h_2, a(0) ~ N(0,1) from seedrandom('1'), s(0) = 0 (MODEL.md §6). */
function paper(epsilon: number, m = 10, K = 2, kernel = true): MeanfieldProblem {
  const phi = new Float64Array(K + 1);
  phi.set([1, 1, 1]);
  const g = normals('1');
  return {
    sigma: reluCoefficients(K), phi, kernel: kernel ? { kind: 1, gain: 1 } : null, noise: 0, epsilon,
    a0: Float64Array.from({ length: m }, g), s0: new Float64Array(m), degrees: 2,
  };
}

interface Peer { seconds: number; steps: number; nfev: number; njev: number; nlu: number; risk: number; error?: string }

export async function run(): Promise<string> {
  const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
  const stiff: MeanfieldAlgorithm = { method: 'stiff', form: 'kernel', rtol: RTOL, atol: ATOL, keepWeights: false };
  const end = Float64Array.of(T);
  const p6 = paper(1e-6);
  const solve = (core = simd, p = p6) => solveMeanfield(core, p, stiff, end);
  const ours = solve();
  const rows: Row[] = [];
  const ourRow = (name: string, seconds: number) => ({
    solver: name, 'time (ms)': seconds * 1e3, steps: ours.stats.steps, 'f evals': ours.stats.rhsEvaluations,
    jacobians: ours.stats.jacobianEvaluations, LUs: ours.stats.linearSolves, 'R_mf(T)': ours.risk[0].toExponential(9), 'rel. ΔR': 0,
  });
  const tSimd = time(() => solve(simd)).seconds;
  const tScalar = time(() => solve(scalar)).seconds;
  rows.push({ ...ourRow('ours: RODAS4, SIMD Wasm', tSimd), 'time / ours': 1 });
  rows.push({ ...ourRow('ours: RODAS4, scalar Wasm', tScalar), 'time / ours': tScalar / tSimd });
  const bdfAlg: MeanfieldAlgorithm = { ...stiff, method: 'bdf' };
  const bdf = solveMeanfield(simd, p6, bdfAlg, end);
  const tBdf = time(() => solveMeanfield(simd, p6, bdfAlg, end)).seconds;
  rows.push({
    solver: 'ours: BDF (auto), SIMD Wasm', 'time (ms)': tBdf * 1e3, steps: bdf.stats.steps, 'f evals': bdf.stats.rhsEvaluations,
    jacobians: bdf.stats.jacobianEvaluations, LUs: bdf.stats.linearSolves, 'R_mf(T)': bdf.risk[0].toExponential(9),
    'rel. ΔR': Math.abs(bdf.risk[0] - ours.risk[0]) / ours.risk[0], 'time / ours': tBdf / tSimd,
  });
  const script = readFileSync(new URL('./peers/meanfield_scipy.py', import.meta.url), 'utf8');
  const job = (p: MeanfieldProblem, methods: string[], limit: number) => ({
    sigma: Array.from(p.sigma), phi: Array.from(p.phi), epsilon: p.epsilon, a0: Array.from(p.a0), s0: Array.from(p.s0),
    T, rtol: RTOL, atol: ATOL, methods, limit,
  });
  const peers = python(script, job(p6, ['LSODA', 'BDF', 'Radau'], 600));
  let note = '';
  if ('skipped' in peers) note = `scipy peers skipped: ${peers.skipped}\n\n`;
  else {
    for (const [name, r] of Object.entries(peers.value as Record<string, Peer>)) {
      rows.push(r.error ? { solver: `scipy ${name}`, 'time (ms)': r.error } : {
        solver: `scipy solve_ivp ${name}`, 'time (ms)': r.seconds * 1e3, steps: r.steps, 'f evals': r.nfev, jacobians: r.njev,
        LUs: r.nlu, 'R_mf(T)': r.risk.toExponential(9), 'rel. ΔR': Math.abs(r.risk - ours.risk[0]) / ours.risk[0],
        'time / ours': r.seconds / tSimd,
      });
    }
  }

  // Step counts as ε → 0 (same problem, same tolerances); LSODA given a minute each.
  const sweep: Row[] = [];
  for (const epsilon of [1e-3, 1e-6, 1e-9, 1e-12]) {
    const started = performance.now();
    const tr = solve(simd, paper(epsilon));
    const ms = performance.now() - started;
    const b = solveMeanfield(simd, paper(epsilon), { ...stiff, method: 'bdf' }, end);
    const lsoda = 'skipped' in peers ? null : python(script, job(paper(epsilon), ['LSODA'], 60));
    const peer = lsoda && !('skipped' in lsoda) ? (lsoda.value as Record<string, Peer>).LSODA : null;
    sweep.push({
      ε: epsilon, 'RODAS4 steps': tr.stats.steps, rejected: tr.stats.rejectedSteps, 'RODAS4 ms (one run)': ms,
      'BDF steps': b.stats.steps, 'BDF Jacobians': b.stats.jacobianEvaluations, 'BDF f evals': b.stats.rhsEvaluations,
      'LSODA steps': peer ? (peer.error ?? peer.steps) : 'skipped', 'LSODA s': peer && !peer.error ? peer.seconds : '—',
      'R_mf(T) rel. Δ': peer && !peer.error ? Math.abs(peer.risk - tr.risk[0]) / tr.risk[0] : '—',
    });
  }

  // Many particles: moment form (K = 8), ε = 1e-3, t ∈ [0, 0.1], one run each.
  const scale: Row[] = [];
  const span = 0.1;
  const perUnit: number[] = [];
  const sizes = [1e3, 1e4, 1e5, 1e6];
  for (const m of sizes) {
    const p = paper(1e-3, m, 8, false);
    const started = performance.now();
    const tr = solveMeanfield(simd, p, { ...stiff, form: 'moment' }, Float64Array.of(span));
    const ms = performance.now() - started;
    perUnit.push(ms / span);
    scale.push({ m, steps: tr.stats.steps, 'ms / step': ms / tr.stats.steps, 'ms per unit t': ms / span, 'ns / (step·m)': (ms * 1e6) / (tr.stats.steps * m) });
  }
  const slope = Math.log(perUnit[perUnit.length - 1] / perUnit[0]) / Math.log(sizes[sizes.length - 1] / sizes[0]);

  return `## Stiff mean-field flow against scipy

ReLU, φ = h_0 + h_1 + h_2, m = 10, ε = 1e-6, t ∈ [0, ${T}], rtol = ${RTOL}, atol = ${ATOL}, the same kernel-form equations everywhere; ours: median whole \`solveMeanfield\` calls, scipy: one \`solve_ivp\` call (finite-difference Jacobian). "time / ours" is against RODAS4. Dormand–Prince would need ~1e7 steps here.

${note}${table(rows)}
## Steps as ε → 0

The same problem and tolerances, one whole solve each; LSODA given 60 s.

${table(sweep)}
## Many particles (moment form)

ReLU series to K = 8, ε = 1e-3, t ∈ [0, ${span}], SIMD Wasm, one run each, weights not kept. Log–log slope of time per unit t against m from 1e3 to 1e6: ${fmt(slope)}.

${table(scale)}`;
}
