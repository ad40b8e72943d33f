// The discrete-time models (population GD, SGD) as models of the output loop (loop.ts):
// output time t falls at step count round(t/η); the steps between two outputs run inside
// Wasm, in chunks small enough to report progress and honour an abort signal; a non-finite
// weight stops the run with retcode 'blowup' and keeps the trajectory so far.
import { ConfigError } from '../errors.js';
import type { Model } from './loop.js';
import type { Observation } from './rows.js';

/** What a discrete model provides; its state lives in Wasm memory. */
export interface Stepper {
  /** Runs n steps from step `start`; returns how many completed (fewer: the next one produced a non-finite weight). */
  advance(n: number, start: number): number;
  /** The current state's risks (population R, R_mf, components R_0..R_D), a, s and loss. */
  observe(): Observation;
  /** After a failed advance: which variable is non-finite, e.g. 'a[3]' or 'w[0]'. */
  culprit(): string;
  /** After a restore: why the state cannot be continued (e.g. a dead generator), or null. */
  check?(): string | null;
}

/** Work per Wasm call, in a model's per-step cost units (SGD m·d·B, GD m²·(r + 50)): StepRun.chunk is this over the cost. */
export const CHUNK_WORK = 3e7;

export interface StepRun {
  eta: number;
  m: number;
  degrees: number;
  keepWeights?: boolean;
  /** Whether observe() returns a loss (multi-pass SGD). */
  loss: boolean;
  /** Largest number of steps per Wasm call (keeps progress and abort responsive). */
  chunk: number;
  method: string;
  /** The arena range holding the whole state (from the model's first reservation to its last). */
  arena: { start: number; end: number };
}

/** Step counts round(t/η) of the output times; they must be finite, ≥ 0 and non-decreasing. */
export function outputSteps(times: Float64Array, eta: number): Float64Array {
  return times.map((t, i) => {
    if (!Number.isFinite(t) || t < 0 || (i > 0 && t < times[i - 1])) {
      throw new ConfigError(`time[${i}]`, 'output times must be finite, ≥ 0 and non-decreasing', t);
    }
    return Math.round(t / eta);
  });
}

/** `stepper` as a model of the output loop, reporting at the output times `times`. */
export function steppingModel(stepper: Stepper, times: Float64Array, run: StepRun): Model {
  const targets = outputSteps(times, run.eta);
  let step = 0;
  return {
    method: run.method, times: targets.map((n) => n * run.eta), m: run.m, degrees: run.degrees,
    keepWeights: run.keepWeights, mfRisk: true, loss: run.loss, arena: run.arena,
    advance(k, budget) {
      const n = Math.min(targets[k] - step, run.chunk, budget);
      if (n <= 0) return 'reached';
      const done = stepper.advance(n, step);
      step += done;
      if (done < n) return { retcode: 'blowup', message: `non-finite ${stepper.culprit()} at t = ${(step + 1) * run.eta} (step ${step + 1})` };
      return step >= targets[k] ? 'reached' : 'paused';
    },
    observe: () => stepper.observe(),
    steps: () => step,
    time: () => step * run.eta,
    where: () => `t = ${step * run.eta} (step ${step})`,
    resumeAt(saved, rows) {
      const T = targets.length;
      if (saved > targets[T - 1]) return `step ${saved} is past the run's end (step ${targets[T - 1]})`;
      if ((rows > 0 && saved < targets[rows - 1]) || (rows < T && saved > targets[rows])) {
        return `step ${saved} does not lie between output ${rows - 1} (step ${targets[rows - 1] ?? 0}) and output ${rows} (step ${targets[rows] ?? targets[T - 1]})`;
      }
      step = saved;
      return stepper.check?.() ?? null;
    },
    stats: () => ({ method: run.method, steps: step, rejectedSteps: 0, rhsEvaluations: step, jacobianEvaluations: 0, linearSolves: 0 }),
  };
}
