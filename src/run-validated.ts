// runParsed(config): a config that parseConfig returned, run. It turns the config into a
// numeric problem (Hermite coefficients, initial state, output times), hands it to the
// model's solver, and reads the time scales off the solution. run() (run.ts) validates
// first; a study validates each cell up front, and its workers start here, without
// loading the config schema (zod), the larger part of a worker's start (docs/design.md).
import { type Activation, resolveActivation } from './hermite/activation.js';
import { learningTimes } from './analysis/learning-times.js';
import { departures, measurePlateaus, predictTheory, type MeasuredTheory, type Theory } from './analysis/theory.js';
import type { RunConfig } from './config.js';
import { outputTimes } from './time-grid.js';
import { ConfigError } from './errors.js';
import { extend } from './extend.js';
import { initialState, type InitialState } from './models/init.js';
import { project } from './hermite/projection.js';
import { crossKernel, dotKernel } from './hermite/kernels.js';
import { nodeFs } from './io/node-fs.js';
import { CheckpointError, configHash, differingFields, readCheckpoint, type Checkpoint } from './io/checkpoint.js';
import { checkMeanfieldSteps, truncationOf } from './limits.js';
import { checkMemory, type RunShape } from './memory.js';
import { meanfieldModel, resolveMethod } from './models/meanfield.js';
import { type NetworkProblem, networkModel } from './models/network.js';
import { sgdModel } from './models/sgd.js';
import { drive, driveAsync, outputLoop, type Model, type Persistence } from './solvers/loop.js';
import { type Frame, keepsWeights, type RunHooks, type Trajectory } from './solvers/solution.js';
import { type Core, loadCore } from './wasm/loader.js';

/** Activation and target, resolved and projected on h_0..h_K (the fields the network problem takes, plus error bounds). */
export interface Coefficients extends Pick<NetworkProblem, 'activation' | 'target' | 'sigma' | 'phi' | 'sigmaNorm2' | 'phiNorm2'> {
  /** A-priori bounds on what truncation at K leaves out of U (|ρ| ≤ 1) and V. */
  kernelTail: number;
  crossTail: number;
  /** Error estimate of the projections themselves. */
  projectionError: number;
  /** Degrees with σ_k or φ_k exactly 0 by parity or degree (hermite/symmetry.ts). */
  zeros: { sigma: number[]; phi: number[] };
  /** Other degrees whose coefficient is within its error bound of 0, reported (and used) as 0. */
  unresolved: { sigma: number[]; phi: number[] };
}

export interface RunResult extends Trajectory {
  config: RunConfig;
  m: number;
  degrees: number;
  coefficients: Coefficients;
  /** R and R_0..R_D at t = 0. */
  initial: { risk: number; components: Float64Array };
  /** t_k = first t with R_k(t) ≤ threshold·R_k(0), k = 0..degrees; null if not reached. */
  learningTimes: (number | null)[];
  /** What the theory predicts for this run (docs/theory.md), and the plateaus measured beside it. */
  theory: Theory & { measured: MeasuredTheory };
}

/** Projects activation and target on h_0..h_K, K from the config (or a default that covers the target). */
export function hermiteCoefficients(core: Core, config: RunConfig): Coefficients {
  const { activation, target, K } = resolved(config);
  const s = project(core, activation, K);
  const p = project(core, target, K);
  return {
    activation, target, sigma: s.coefficients, phi: p.coefficients, sigmaNorm2: s.norm2, phiNorm2: p.norm2,
    kernelTail: dotKernel(activation, s).tail, crossTail: crossKernel(target, p, activation, s).tail,
    projectionError: Math.max(s.errorBound, p.errorBound),
    zeros: { sigma: s.zeros, phi: p.zeros }, unresolved: { sigma: s.unresolved, phi: p.unresolved },
  };
}

/** Activation and target resolved, and the truncation K of the run. */
function resolved(config: RunConfig): { activation: Activation; target: Activation; K: number } {
  const activation = resolveActivation(config.activation, 'activation');
  const target = resolveActivation(config.target, 'target');
  return { activation, target, K: truncationOf(config.solver.truncation, finiteDegree(activation), finiteDegree(target), config.degrees) };
}

/** What the memory check needs beyond the config (src/memory.ts): K and the activation's closed-form kernel. */
export function runShape(config: RunConfig): RunShape {
  const { activation, K } = resolved(config);
  return { K, kernel: activation.kernel };
}

/** Degree of a polynomial (shifted and scaled or not), Hermite-list or polynomial-expression activation; null for the others. */
function finiteDegree(a: Activation): number | null {
  if (a.expression) return a.expression.compiled.degree;
  return a.params.length > 0 ? a.params.length - 1 : null;
}

export interface RunOptions extends RunHooks {
  /** The loaded core to use (default: loadCore()). */
  core?: Core;
  /**
   * Node only: save the run's whole state, with the output rows so far, every `everySteps`
   * steps (integrator steps for the mean-field flow, updates for GD and SGD) and when the
   * run is aborted; files are replaced whole (atomic rename).
   */
  checkpoint?: { path: string; everySteps: number };
  /**
   * Node only: continue from a checkpoint written by a run of the same config. The result
   * is the whole trajectory from t = 0, identical to an uninterrupted run's; a checkpoint of
   * another config, build or layout, or a corrupt one, is refused (CheckpointError).
   */
  resume?: string;
}

/**
 * run() of a config that parseConfig returned (or an equal one), without checking it
 * again: a study validates each cell once, up front, and its workers run them from here.
 */
export async function runParsed(config: RunConfig, hooks: RunOptions = {}): Promise<RunResult> {
  const every = hooks.checkpoint?.everySteps;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) throw new ConfigError('checkpoint.everySteps', 'must be an integer ≥ 1', every);
  if (hooks.checkpoint) checkWritableFolder(hooks.checkpoint.path);
  // a corrupt or mismatched checkpoint is refused before any work
  const saved = hooks.resume === undefined ? undefined : { ...resumable(hooks.resume, config), path: hooks.resume };
  const core = hooks.core ?? (await loadCore());
  return takeTurn(core, async () => {
    checkMemory(core, config, runShape(config));
    const coefficients = hermiteCoefficients(core, config);
    const requested = outputTimes(core, config.time);
    // The models also report t = 0 (prepended when not asked for): learning times need R_k(0).
    const withZero = requested[0] === 0 ? requested : prependZero(requested);
    const shift = withZero.length - requested.length;
    const init = initialState(core, config);
    if (config.model === 'meanfield') checkMeanfieldSteps(config, resolveMethod(config.solver, config.epsilon), coefficients.sigma, init.s0);
    // keepWeights' default counts the output times asked for (m·points ≤ 1e7), not the added t = 0.
    const keepWeights = config.keepWeights ?? keepsWeights(undefined, config.m, requested.length);
    const shifted: RunHooks = extend(hooks, {
      onFrame: hooks.onFrame && ((f: Frame) => f.index >= shift && hooks.onFrame!({ ...f, index: f.index - shift })),
    });
    const persist: Persistence = {
      checkpoint: hooks.checkpoint && { ...hooks.checkpoint, config },
      resume: saved,
    };
    const traj = await core.scopedAsync(() => driveAsync(outputLoop(core, buildModel(core, config, coefficients, init, withZero, keepWeights), shifted, persist)));
    // A run stopped before t = 0 was reported: the initial risk comes from a run of zero steps.
    const started = traj.t.length > 0;
    const first = started ? traj : core.scoped(() => drive(outputLoop(core, buildModel(core, config, coefficients, init, Float64Array.of(0), false))));
    const D1 = config.degrees + 1;
    const initial = { risk: first.risk[0], components: first.components.slice(0, D1) };
    const out = started ? dropRows(traj, shift, D1, config.m) : traj;
    const times = learningTimes(core, out.t, out.components, initial.components, config.threshold);
    const theory = theoryOf(config, coefficients, init, out, times, initial.components);
    const departed = out.t.length > 0 ? departures(theory, theory.measured, times, initial.risk) : undefined;
    const note = [out.note, departed].filter((x) => x !== undefined).join('; ') || undefined;
    return extend(out, {
      note, config, m: config.m, degrees: config.degrees, coefficients, initial, learningTimes: times, theory,
    });
  });
}

/** The theory's predictions for the run (analysis/theory.ts) and the plateaus of its trajectory. */
function theoryOf(config: RunConfig, c: Coefficients, { a0, s0 }: InitialState, traj: Trajectory, times: (number | null)[], initial: Float64Array): RunResult['theory'] {
  const predicted = predictTheory({
    sigma: c.sigma, phi: c.phi, phiNorm2: c.phiNorm2, sigmaZeros: c.zeros.sigma, sigmaUnresolved: c.unresolved.sigma,
    noise: config.noise, a0, s0: config.model === 'meanfield' ? s0 : null, degrees: config.degrees, threshold: config.threshold,
  });
  // a component is expected to be learnt when it has something to learn and no rule forbids it
  const expected = times.map((_, k) => initial[k] > 0 && !predicted.unlearnable.some((u) => u.k === k));
  const measured = traj.t.length > 0 ? measurePlateaus(traj.t, traj.risk, times, expected) : { plateaus: times.map(() => null), final: NaN };
  return extend(predicted, { measured });
}

/** The checkpoint at `path`, if it was written for `config`; CheckpointError naming the fields that differ otherwise. */
function resumable(path: string, config: RunConfig): Checkpoint {
  const saved = readCheckpoint(path);
  if (saved.configHash !== configHash(config)) {
    const fields = differingFields(saved.config, config);
    const named = fields.length > 8 ? `${fields.slice(0, 8).join(', ')} and ${fields.length - 8} more` : fields.join(', ');
    throw new CheckpointError(path, `was written for another config: ${named || 'the config'} ${fields.length === 1 ? 'differs' : 'differ'}`);
  }
  return saved;
}

/** A checkpoint that could not be written would lose the run's protection: its folder is checked first. */
function checkWritableFolder(path: string): void {
  const fs = nodeFs();
  const folder = path.slice(0, path.lastIndexOf('/') + 1) || '.';
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    if (!fs.statSync(folder).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new ConfigError('checkpoint.path', `the folder ${folder} must exist and be writable`, path);
  }
}

/** The arena is a stack: runs on one core take turns (each awaits between chunks of work). */
const turns = new WeakMap<Core, Promise<unknown>>();

function takeTurn<T>(core: Core, fn: () => Promise<T>): Promise<T> {
  const mine = (turns.get(core) ?? Promise.resolve()).then(fn);
  turns.set(core, mine.catch(() => undefined));
  return mine;
}

/** The config's model, its memory reserved in the current scope. */
function buildModel(core: Core, config: RunConfig, c: Coefficients, { a0, s0, w0, direction }: InitialState, times: Float64Array, keepWeights: boolean | undefined): Model {
  if (config.model === 'meanfield') {
    return meanfieldModel(core, {
      sigma: c.sigma, phi: c.phi, kernel: c.activation.kernel, noise: config.noise, epsilon: config.epsilon,
      a0, s0, degrees: config.degrees,
    }, extend(config.solver, { keepWeights }), times);
  }
  const problem = {
    activation: c.activation, target: c.target, sigma: c.sigma, phi: c.phi, sigmaNorm2: c.sigmaNorm2, phiNorm2: c.phiNorm2,
    noise: config.noise, epsilon: config.epsilon, d: config.d!, m: config.m, a0, w0, direction, seed: config.seed, degrees: config.degrees,
  };
  if (config.model === 'network') return networkModel(core, problem, { eta: config.eta!, keepWeights }, times);
  return sgdModel(core, problem, { eta: config.eta!, batch: config.batch, samples: config.samples, keepWeights }, times);
}

function prependZero(t: Float64Array): Float64Array {
  const out = new Float64Array(t.length + 1);
  out.set(t, 1);
  return out;
}

/** The trajectory without its first `n` output rows. */
function dropRows(traj: Trajectory, n: number, D1: number, m: number): Trajectory {
  if (n === 0) return traj;
  const rows = (x: Float64Array | undefined, width: number) => x?.subarray(n * width);
  return extend(traj, {
    t: traj.t.subarray(n), risk: traj.risk.subarray(n), mfRisk: rows(traj.mfRisk, 1), loss: rows(traj.loss, 1),
    components: traj.components.subarray(n * D1), a: rows(traj.a, m), s: rows(traj.s, m),
  });
}
