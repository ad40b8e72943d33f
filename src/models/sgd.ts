// Stochastic gradient descent of the finite network in full dimension d (MODEL.md §5),
// online on fresh Gaussian samples or cycling over a fixed set. Everything random comes
// from the Wasm generator seeded with problem.seed, drawn in this order: W (when w0 is
// null), the fixed samples, then the samples and label noise of the steps. The state
// (generator, a, ‖w_i‖², W, fixed samples) is one block of Wasm memory, which is what a
// checkpoint stores; a resumed run therefore continues to the same bits.
import type { Activation } from '../hermite/activation.js';
import { readCheckpoint, writeCheckpoint, type CheckpointHeader } from '../io/checkpoint.js';
import { ConfigError } from '../errors.js';
import { blowupVariable, checkProblem, riskEvaluator, unitDirection, type NetworkProblem } from './network.js';
import type { RunHooks, Trajectory } from '../solvers/solution.js';
import { CHUNK_WORK, runSteps } from '../solvers/stepping.js';
import type { Core } from '../wasm/loader.js';

export interface SgdAlgorithm {
  eta: number;
  batch: number;
  /** Number of fixed samples for multi-pass SGD (step k uses samples kB … kB+B−1 mod n); 0 = online. */
  samples: number;
  /** Store a and s at every output time (default: when m·points ≤ 1e7). */
  keepWeights?: boolean;
  /** Write the whole state to `path` every `everySteps` steps (Node only). */
  checkpoint?: { path: string; everySteps: number };
  /** Continue from this checkpoint; output times before its step are skipped. */
  resume?: string;
}

/** Wasm memory is 32-bit: the state must fit well inside 4 GiB. */
const MAX_STATE_BYTES = 3 * 2 ** 30;

function checkAlgorithm(p: NetworkProblem, alg: SgdAlgorithm): void {
  const { batch, samples } = alg;
  if (!Number.isInteger(batch) || batch < 1) throw new ConfigError('batch', 'must be an integer ≥ 1', batch);
  if (!Number.isInteger(samples) || samples < 0) throw new ConfigError('samples', 'must be an integer ≥ 0 (0 = online)', samples);
  if (samples > 0 && batch > samples) throw new ConfigError('batch', `must be ≤ samples = ${samples}`, batch);
  // the state (W, X) and the scratch, which holds two batches (sgdSteps draws one ahead)
  if (8 * p.d * (p.m + samples + 2 * batch) > MAX_STATE_BYTES) {
    throw new ConfigError('d', `(m + samples + 2·batch)·d doubles must fit in Wasm memory (≤ ${MAX_STATE_BYTES / 2 ** 30} GiB)`, p.d);
  }
  const every = alg.checkpoint?.everySteps;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) throw new ConfigError('checkpoint.everySteps', 'must be an integer ≥ 1', every);
}

/** What a checkpoint must agree on to be resumed by this run. */
function fingerprint(p: NetworkProblem, alg: SgdAlgorithm): CheckpointHeader {
  return {
    format: 'timescales-sgd/1', m: p.m, d: p.d, samples: alg.samples, batch: alg.batch, eta: alg.eta,
    epsilon: p.epsilon, noise: p.noise, seed: p.seed, activation: p.activation.label, target: p.target.label,
  };
}

/** An activation's arguments for the Wasm kernels: code, shift, scale, coefficients, count. */
function actArgs(core: Core, f: Activation): [number, number, number, number, number] {
  return [f.code, f.shift, f.scale, core.put(f.params), f.params.length];
}

/**
 * Runs SGD: per step, B samples x ~ N(0, I_d), y = φ(⟨u_*, x⟩) + τξ; then
 * a_i += (η/ε) mean(r σ(z_i)), w_i ← normalize(w_i + η mean(r a_i σ'(z_i)(x − z_i w_i))),
 * t = η·steps (output time t at step round(t/η)). Reports the exact population risk
 * R(a, W), R_mf(a, s) and, with fixed samples, the empirical loss ½·mean (y − f(x))².
 * Throws ConfigError for a bad problem, an unstable η (η ≥ 2ε/‖σ‖²), or a checkpoint
 * written for another run.
 */
export function solveSgd(core: Core, problem: NetworkProblem, algorithm: SgdAlgorithm, times: Float64Array, hooks?: RunHooks): Trajectory {
  const { m, epsilon, noise } = problem;
  const { eta, batch: B, samples: n } = algorithm;
  checkProblem(problem, eta);
  checkAlgorithm(problem, algorithm);
  const d = problem.d;
  const ex = core.exports;
  return core.scoped(() => {
    const risk = riskEvaluator(core, problem);
    const sig = actArgs(core, problem.activation);
    const tgt = actArgs(core, problem.target);
    const u = core.put(unitDirection(problem));
    const work = core.allocF64(ex.sgdWorkLength(m, d, B));
    const fail = core.allocF64(1);
    const rho = core.allocF64(m * m);
    const s = core.allocF64(m);
    // the state block: generator (4 words), a, ‖w_i‖², W, Y, X
    const doubles = 4 + 2 * m + m * d + n + n * d;
    const rng = core.allocF64(doubles);
    const a = rng + 32;
    const wn2 = a + 8 * m;
    const W = wn2 + 8 * m;
    const Y = W + 8 * m * d;
    const X = Y + 8 * n;
    const block = () => new Uint8Array(ex.memory.buffer, rng, 8 * doubles);
    const header = fingerprint(problem, algorithm);
    let step = 0;
    if (algorithm.resume) {
      const saved = readCheckpoint(algorithm.resume);
      const differs = Object.keys(header).find((k) => saved.header[k] !== header[k]);
      if (differs !== undefined || saved.state.length !== 8 * doubles) {
        throw new ConfigError('resume', `must be a checkpoint of this run (${differs ?? 'state size'} differs)`, algorithm.resume);
      }
      block().set(saved.state);
      step = Number(saved.header.step);
    } else {
      ex.rngSeed(rng, problem.seed);
      core.f64(a, m).set(problem.a0);
      if (problem.w0) core.f64(W, m * d).set(problem.w0);
      else ex.rngNormals(rng, W, m * d);
      ex.normalizeRows(W, m, d, wn2);
      if (n > 0) ex.sgdSamples(rng, n, d, u, noise, ...tgt, X, Y, work);
    }
    const { checkpoint } = algorithm;
    return runSteps({
      advance(count) {
        const done = ex.sgdSteps(count, step, eta, epsilon, noise, a, W, wn2, m, d, u, rng, X, Y, n, B, ...sig, ...tgt, work, fail);
        step += done;
        return done;
      },
      observe() {
        ex.gram(W, m, d, rho);
        core.f64(s, m).set(Array.from({ length: m }, (_, i) => ex.dot(W + 8 * i * d, u, d)));
        const o = risk.evaluate(a, s, rho);
        return n > 0 ? { ...o, loss: ex.sgdLoss(a, W, m, d, X, Y, n, ...sig) } : o;
      },
      culprit: () => blowupVariable(core, fail),
      ...(checkpoint ? { persist: { everySteps: checkpoint.everySteps, save: (k: number) => writeCheckpoint(checkpoint.path, { ...header, step: k }, block()) } } : {}),
    }, times, {
      eta, m, degrees: problem.degrees, keepWeights: algorithm.keepWeights, startStep: step,
      chunk: Math.max(1, Math.floor(CHUNK_WORK / (m * d * B))), method: 'sgd',
    }, hooks);
  });
}
