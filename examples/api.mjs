// The README's API example, runnable: `node examples/api.mjs` (after `npm run build`).
import { loadCore, project, resolveActivation, run, sweepEpsilon } from 'timescales';

const config = { m: 10, epsilon: 1e-6, seed: 1, time: { end: 100, points: 200 }, degrees: 2 };
const result = await run(config, {
  onFrame: (f) => f.index % 50 === 0 && console.log(`t = ${f.t.toExponential(2)}  R_mf = ${f.risk.toFixed(4)}`),
  onProgress: () => {}, // called now and then on long runs
});
console.log('learning times t_0..t_2:', result.learningTimes.map((t) => t?.toExponential(2)));
console.log(`${result.stats.method}: ${result.stats.steps} steps in ${result.stats.wallMs.toFixed(0)} ms`);

const core = await loadCore(); // SIMD when the engine validates it, else scalar
const { coefficients, errorBound } = project(core, resolveActivation('gelu'), 4);
console.log('GELU σ_0..σ_4:', Array.from(coefficients, (c) => c.toFixed(12)), 'error ≤', errorBound);

const sweep = await sweepEpsilon(config, [1e-4, 1e-6, 1e-8]);
for (const row of sweep.table) console.log(`t_${row.degree} ∝ ε^${row.fit?.slope.toFixed(3)} (predicted ${row.predicted})`);
