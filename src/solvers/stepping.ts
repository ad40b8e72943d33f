// The output loop shared by the discrete-time models (population GD, SGD): output time
// t falls at step count round(t/η); the steps between two outputs run inside Wasm, in
// chunks small enough to report progress and honour an abort signal; a non-finite weight
// stops the run with retcode 'blowup' and keeps the trajectory so far.
import { ConfigError } from '../errors.js';
import { keepsWeights, type ReturnCode, type RunHooks, type Trajectory } from './solution.js';

/** What the loop needs from a model whose state lives in Wasm memory. */
export interface Stepper {
  /** Runs n steps; returns how many completed (fewer: the next one produced a non-finite weight). */
  advance(n: number): number;
  /** The current state's risks (population R, R_mf, components R_0..R_D), a, s and loss. */
  observe(): Observation;
  /** After a failed advance: which variable is non-finite, e.g. 'a[3]' or 'w[0]'. */
  culprit(): string;
  /** Called after every completed step count divisible by `everySteps` (checkpoints). */
  persist?: { everySteps: number; save(step: number): void };
}

export interface Observation {
  risk: number;
  mfRisk: number;
  components: Float64Array;
  a: Float64Array;
  s: Float64Array;
  loss?: number;
}

/** Work per Wasm call, in a model's per-step cost units (SGD m·d·B, GD m²·(r + 50)): StepRun.chunk is this over the cost. */
export const CHUNK_WORK = 3e7;

export interface StepRun {
  eta: number;
  m: number;
  degrees: number;
  keepWeights?: boolean;
  /** Steps already done (a resumed run): earlier output times are skipped. */
  startStep: number;
  /** Largest number of steps per Wasm call (keeps progress and abort responsive). */
  chunk: number;
  method: string;
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

/** Runs `stepper` through the output times and collects the trajectory. */
export function runSteps(stepper: Stepper, times: Float64Array, run: StepRun, hooks: RunHooks = {}): Trajectory {
  const started = performance.now();
  const targets = outputSteps(times, run.eta);
  const first = targets.findIndex((n) => n >= run.startStep);
  const todo = first < 0 ? [] : Array.from(targets.subarray(first));
  const T = todo.length;
  const D = run.degrees + 1;
  const keep = keepsWeights(run.keepWeights, run.m, T);
  const out = {
    t: new Float64Array(T), risk: new Float64Array(T), mfRisk: new Float64Array(T),
    components: new Float64Array(T * D), a: keep ? new Float64Array(T * run.m) : undefined,
    s: keep ? new Float64Array(T * run.m) : undefined, loss: undefined as Float64Array | undefined,
  };
  const total = T ? todo[T - 1] - run.startStep : 0;
  let step = run.startStep;
  let reached = 0;
  let retcode: ReturnCode = 'success';
  let message: string | undefined;
  outer: for (let k = 0; k < T; k++) {
    while (step < todo[k]) {
      if (hooks.signal?.aborted) {
        retcode = 'aborted';
        message = `aborted at t = ${step * run.eta} (step ${step})`;
        break outer;
      }
      const every = stepper.persist?.everySteps;
      const nextSave = every ? (Math.floor(step / every) + 1) * every : Infinity;
      const n = Math.min(todo[k] - step, run.chunk, nextSave - step);
      const done = stepper.advance(n);
      step += done;
      if (done < n) {
        retcode = 'blowup';
        message = `non-finite ${stepper.culprit()} at t = ${(step + 1) * run.eta} (step ${step + 1})`;
        break outer;
      }
      if (step === nextSave) stepper.persist!.save(step);
      hooks.onProgress?.(total ? (step - run.startStep) / total : 1, step * run.eta);
    }
    const o = stepper.observe();
    out.t[k] = todo[k] * run.eta;
    out.risk[k] = o.risk;
    out.mfRisk[k] = o.mfRisk;
    out.components.set(o.components.subarray(0, D), k * D);
    out.a?.set(o.a, k * run.m);
    out.s?.set(o.s, k * run.m);
    if (o.loss !== undefined) (out.loss ??= new Float64Array(T))[k] = o.loss;
    reached = k + 1;
    hooks.onFrame?.({
      index: k, t: out.t[k], risk: o.risk, components: o.components.slice(0, D),
      ...(keep ? { a: o.a.slice(), s: o.s.slice() } : {}),
    });
  }
  const trim = (x: Float64Array | undefined, width: number) => x?.slice(0, reached * width);
  return {
    t: out.t.slice(0, reached), risk: out.risk.slice(0, reached), mfRisk: out.mfRisk.slice(0, reached),
    components: out.components.slice(0, reached * D), a: trim(out.a, run.m), s: trim(out.s, run.m),
    loss: trim(out.loss, 1), retcode, ...(message === undefined ? {} : { message }),
    stats: {
      method: run.method, steps: step - run.startStep, rejectedSteps: 0, rhsEvaluations: step - run.startStep,
      jacobianEvaluations: 0, linearSolves: 0, wallMs: performance.now() - started,
    },
  };
}
