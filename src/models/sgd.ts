// Stochastic gradient descent of the finite network in full dimension d (MODEL.md §5),
// online on fresh Gaussian samples or cycling over a fixed set. Everything random comes
// from the Wasm generator seeded with problem.seed, drawn in this order: W (when w0 is
// null), the fixed samples, then the samples and label noise of the steps. The state
// (generator, a, ‖w_i‖², W, fixed samples; its layout comes from assembly/sgd.ts) is one
// block of Wasm memory inside the run's arena range, which is what a checkpoint stores
// (src/solvers/loop.ts); a resumed run therefore continues to the same bits.
import type { Activation } from '../hermite/activation.js';
import { ConfigError } from '../errors.js';
import { blowupVariable, checkProblem, riskEvaluator, unitDirection, type NetworkProblem } from './network.js';
import { drive, outputLoop, type Model } from '../solvers/loop.js';
import type { RunHooks, Trajectory } from '../solvers/solution.js';
import { CHUNK_WORK, steppingModel } from '../solvers/stepping.js';
import { type Core, WASM_MEMORY_LIMIT } from '../wasm/loader.js';
import { formatBytes } from '../limits.js';

export interface SgdAlgorithm {
  eta: number;
  batch: number;
  /** Number of fixed samples for multi-pass SGD (step k uses samples kB … kB+B−1 mod n); 0 = online. */
  samples: number;
  /** Store a and s at every output time (default: keepsWeights, src/solvers/solution.ts). */
  keepWeights?: boolean;
}

function checkAlgorithm(core: Core, p: NetworkProblem, alg: SgdAlgorithm): void {
  const { batch, samples } = alg;
  if (!Number.isInteger(batch) || batch < 1) throw new ConfigError('batch', 'must be an integer ≥ 1', batch);
  if (!Number.isInteger(samples) || samples < 0) throw new ConfigError('samples', 'must be an integer ≥ 0 (0 = online)', samples);
  if (samples > 0 && batch > samples) throw new ConfigError('batch', `must be ≤ samples = ${samples}`, batch);
  const bytes = core.exports.sgdBytes(p.m, p.d, batch, samples);
  if (bytes > WASM_MEMORY_LIMIT) throw new ConfigError('d', `the state and scratch (W, samples, two batches) need ${formatBytes(bytes)}, more than 32-bit Wasm memory holds`, p.d);
}

/** An activation's arguments for the Wasm kernels: code, shift, scale, coefficients, count. */
function actArgs(core: Core, f: Activation): [number, number, number, number, number] {
  return [f.code, f.shift, f.scale, core.put(f.params), f.params.length];
}

/** The SGD state block's parts (SGD_* codes of assembly/sgd.ts) and size, as the module lays them out. */
export function sgdStateLayout(core: Core, m: number, d: number, n: number) {
  const ex = core.exports;
  const at = (part: { value: number }) => ex.sgdStateOffset(part.value, m, d, n);
  return { rng: at(ex.SGD_RNG), a: at(ex.SGD_A), wn2: at(ex.SGD_WN2), W: at(ex.SGD_W), Y: at(ex.SGD_Y), X: at(ex.SGD_X), bytes: at(ex.SGD_END) };
}

/**
 * SGD as a model of the output loop; its memory is reserved in the current scope. Throws
 * ConfigError for a bad problem or an unstable η (η ≥ 2ε/‖σ‖²).
 */
export function sgdModel(core: Core, problem: NetworkProblem, algorithm: SgdAlgorithm, times: Float64Array): Model {
  const { m, epsilon, noise } = problem;
  const { eta, batch: B, samples: n } = algorithm;
  checkProblem(problem, eta);
  checkAlgorithm(core, problem, algorithm);
  const d = problem.d;
  const ex = core.exports;
  const start = core.mark();
  const risk = riskEvaluator(core, problem);
  const sig = actArgs(core, problem.activation);
  const tgt = actArgs(core, problem.target);
  const u = core.put(unitDirection(problem));
  const scratch = core.alloc(ex.sgdScratchOffset(ex.SGDS_END.value, m, d, B));
  const [work, rho, s, fail] = [ex.SGDS_WORK, ex.SGDS_RHO, ex.SGDS_S, ex.SGDS_FAIL].map((part) => scratch + ex.sgdScratchOffset(part.value, m, d, B));
  const layout = sgdStateLayout(core, m, d, n);
  const state = core.alloc(layout.bytes);
  const [rng, a, wn2, W, Y, X] = [layout.rng, layout.a, layout.wn2, layout.W, layout.Y, layout.X].map((o) => state + o);
  ex.rngSeed(rng, problem.seed);
  core.f64(a, m).set(problem.a0);
  if (problem.w0) core.f64(W, m * d).set(problem.w0);
  else ex.rngNormals(rng, W, m * d);
  ex.normalizeRows(W, m, d, wn2);
  if (n > 0) ex.sgdSamples(rng, n, d, u, noise, ...tgt, X, Y, work);
  return steppingModel({
    advance: (count, step) => ex.sgdSteps(count, step, eta, epsilon, noise, state, m, d, n, u, B, ...sig, ...tgt, work, fail),
    observe() {
      ex.gram(W, m, d, rho);
      core.f64(s, m).set(Array.from({ length: m }, (_, i) => ex.dot(W + 8 * i * d, u, d)));
      const o = risk.evaluate(a, s, rho);
      return n > 0 ? { ...o, loss: ex.sgdLoss(a, W, m, d, X, Y, n, ...sig) } : o;
    },
    culprit: () => blowupVariable(core, fail),
    // the all-zero generator state is the one xoshiro256** never leaves
    check: () => (ex.rngValid(rng) ? null : 'its random generator state is all zero'),
  }, times, {
    eta, m, degrees: problem.degrees, keepWeights: algorithm.keepWeights, loss: n > 0, arena: { start, end: core.mark() },
    chunk: Math.max(1, Math.floor(CHUNK_WORK / (m * d * B))), method: 'sgd',
  });
}

/**
 * Runs SGD: per step, B samples x ~ N(0, I_d), y = φ(⟨u_*, x⟩) + τξ; then
 * a_i += (η/ε) mean(r σ(z_i)), w_i ← normalize(w_i + η mean(r a_i σ'(z_i)(x − z_i w_i))),
 * t = η·steps (output time t at step round(t/η)). Reports the exact population risk
 * R(a, W), R_mf(a, s) and, with fixed samples, the empirical loss ½·mean (y − f(x))².
 * Throws ConfigError for a bad problem or an unstable η (η ≥ 2ε/‖σ‖²). Checkpoints and
 * resume: run() (they belong to a config).
 */
export function solveSgd(core: Core, problem: NetworkProblem, algorithm: SgdAlgorithm, times: Float64Array, hooks?: RunHooks): Trajectory {
  return core.scoped(() => drive(outputLoop(core, sgdModel(core, problem, algorithm, times), hooks)));
}
