// The conformance suite: a fixed set of runs whose results must be the same bits in every
// engine within one build. A plain ES module over dist/index.js, so Node, Deno, Bun and the
// browsers (in a Web Worker) run the very same code; bench/runtimes/engine-run.mjs runs
// `main` in each engine, and test/conformance.test.ts compares the hashes with expected.json.
//
// Every result array is hashed (FNV-1a over its bytes, hash.js), and so are the learning
// times, whose interpolation runs in the core (assembly/analysis/learning-times.ts) so that
// they are fixed too. The relaxed-SIMD build is not covered: its multiply-adds may be fused
// or not depending on the hardware, so its bits are not fixed; for it `main` reports only
// the largest difference from the SIMD build.
import { ACTIVATION_NAMES, loadCore, project, resolveActivation, run, timeScaleTable } from '../../dist/index.js';
import { fnv1a64 } from './hash.js';

const paper = { activation: 'relu', target: { hermite: [1, 1, 1] }, seed: 1, degrees: 2 };

/** The runs, by name. Small enough for every engine in a few seconds. */
export const CONFIGS = {
  'meanfield stiff kernel (m = 10, ε = 1e-6)': {
    ...paper, model: 'meanfield', m: 10, epsilon: 1e-6, time: { end: 100, points: 40 },
    solver: { method: 'stiff', form: 'kernel', rtol: 1e-8, atol: 1e-10 },
  },
  'meanfield dopri5 moment (m = 300, tanh)': {
    ...paper, activation: 'tanh', model: 'meanfield', m: 300, epsilon: 1, time: { end: 5, points: 20 },
    solver: { method: 'dopri5', form: 'moment', truncation: 12, rtol: 1e-7, atol: 1e-9 },
  },
  'meanfield rk4 kernel (m = 16, gelu, s(0) random)': {
    ...paper, activation: 'gelu', model: 'meanfield', m: 16, epsilon: 0.1, init: { a: { law: 'uniform', scale: 1 }, s: { d: 50 } },
    time: { end: 2, points: 10, spacing: 'linear' }, solver: { method: 'rk4', dt: 1e-3 },
  },
  'network GD (d = 200, m = 10)': {
    ...paper, model: 'network', d: 200, m: 10, epsilon: 1, eta: 1e-2, time: { end: 5, points: 12 },
  },
  'SGD online (d = 100, m = 10, batch 4, noise 0.1)': {
    ...paper, model: 'sgd', d: 100, m: 10, eta: 1e-3, batch: 4, noise: 0.1, samples: 0, time: { end: 2, points: 10 },
  },
  'SGD online, expressions (d = 40, m = 6, σ = tanh(z) + 0.1·z³, φ = sigmoid(2z) + z²/3)': {
    ...paper, activation: { expr: 'tanh(z) + 0.1*z^3' }, target: { expr: 'sigmoid(2*z) + z^2/3' },
    model: 'sgd', d: 40, m: 6, eta: 2e-3, batch: 2, time: { end: 1, points: 5 },
  },
  'SGD multi-pass (d = 50, m = 8, 200 samples, batch 5)': {
    ...paper, model: 'sgd', d: 50, m: 8, eta: 2e-3, batch: 5, samples: 200, epsilon: 0.5, time: { end: 2, points: 10, spacing: 'linear' },
  },
};

const ARRAYS = ['t', 'risk', 'mfRisk', 'components', 'a', 's', 'loss'];

/** The result arrays of every run and of the Hermite projection of each activation (K = 40). */
async function results(core) {
  const out = {};
  for (const [name, config] of Object.entries(CONFIGS)) {
    const r = await run(config, { core });
    if (r.retcode !== 'success') throw new Error(`${name}: ${r.retcode} ${r.message ?? ''}`);
    out[name] = Object.fromEntries(ARRAYS.filter((k) => r[k]).map((k) => [k, r[k]]));
    // t_k as doubles, −1 where not reached: a NaN's bits are the engine's choice, a −1's are not
    out[name].learningTimes = Float64Array.from(r.learningTimes, (t) => t ?? -1);
  }
  out['time-scale fits of 200 synthetic sweeps'] = timeScaleFits();
  for (const name of ACTIVATION_NAMES) {
    const p = project(core, resolveActivation(name), 40);
    out[`Hermite projection: ${name}`] = { coefficients: p.coefficients, bounds: Float64Array.of(p.norm2, p.errorBound) };
  }
  return out;
}

/**
 * Fitted exponents and local slopes (logarithms in plain arithmetic, src/analysis/log.ts) of
 * 200 sweeps over 6 values of ε with t_0, t_1 drawn by a linear congruential generator: only
 * adds, multiplies and divides make the inputs, so they are the same in every engine.
 */
function timeScaleFits() {
  let state = 12345;
  const uniform = () => (state = (state * 69069 + 1) % 4294967296) / 4294967296;
  const epsilon = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4];
  const slopes = [];
  for (let sweep = 0; sweep < 200; sweep++) {
    const times = epsilon.map((e) => [e * (1 + uniform()), 0.1 + 10 * uniform()]);
    for (const row of timeScaleTable(epsilon, times, 2)) {
      slopes.push(row.fit ? row.fit.slope : -1, row.fit ? row.fit.intercept : -1, ...row.localSlopes.map((s) => s.slope));
    }
  }
  return { slopes: Float64Array.from(slopes) };
}

/** max over arrays of max_i |x_i − y_i| / max_i |x_i|: the normwise relative difference. */
export function maxRelativeDifference(x, y) {
  let worst = 0;
  for (const k of Object.keys(x)) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x[k].length; i++) {
      diff = Math.max(diff, Math.abs(x[k][i] - y[k][i]));
      scale = Math.max(scale, Math.abs(x[k][i]));
    }
    if (diff > 0) worst = Math.max(worst, diff / scale);
  }
  return worst;
}

/**
 * Runs the suite in each of `variants` ('simd', 'scalar', 'relaxed'). Returns, per variant,
 * `{ hashes: { run: { array: hex } } }` (simd, scalar), `{ relativeToSimd: { run: number } }`
 * (relaxed, and scalar too), or `{ error }` when the engine cannot load that build.
 */
export async function main({ variants = ['simd', 'scalar', 'relaxed'] } = {}) {
  const out = {};
  let simd;
  for (const variant of variants) {
    let core;
    try {
      core = await loadCore(variant);
    } catch (e) {
      out[variant] = { error: e.message };
      continue;
    }
    const r = await results(core);
    if (variant === 'simd') simd = r;
    const entry = {};
    if (variant !== 'relaxed') {
      entry.hashes = Object.fromEntries(Object.entries(r).map(([name, arrays]) =>
        [name, Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, fnv1a64(v)]))]));
    }
    if (variant !== 'simd' && simd) {
      entry.relativeToSimd = Object.fromEntries(Object.keys(r).map((name) => [name, maxRelativeDifference(simd[name], r[name])]));
    }
    out[variant] = entry;
  }
  return out;
}
