// The output loop every model runs through (mean-field flow, network GD, SGD). A model
// advances toward the next output time in bounded chunks; between chunks the loop reports
// progress, honours an abort, writes checkpoints; at each output time it observes the model
// and hands the row to onFrame. It stops early, keeping the rows so far, on a failure or an
// abort, so frames, progress, abort, partial results, checkpoints and resume are written once.
//
// A checkpoint is model-agnostic: every model keeps its whole state (integrator and system
// blocks, weights, generator, samples) in one range of the Wasm arena, reserved in the same
// order for the same config, so the raw bytes of that range, the step count and the rows so
// far are all there is to save. Restoring checks what makes the bytes meaningful: the same
// config (the caller's job, before any work), build variant and arena range.
//
// The loop is a generator that yields after every chunk: drive() runs it to the end in one
// go; driveAsync() gives the host's event loop a turn now and then, so that a signal handler
// (Ctrl-C in the CLI) can abort it.
import { extend } from '../extend.js';
import { CheckpointError, type Checkpoint, writeCheckpoint } from '../io/checkpoint.js';
import type { Core } from '../wasm/loader.js';
import { Rows, type Observation } from './rows.js';
import type { ReturnCode, RunHooks, SolverStats, Trajectory } from './solution.js';

export type { Observation } from './rows.js';

/** What advance() reached: the output time, a pause (budget spent), or a failure. */
export type Advance = 'reached' | 'paused' | { retcode: Exclude<ReturnCode, 'success' | 'aborted'>; message: string };

/** A model as the loop sees it. Create it inside a core scope: its memory lives there. */
export interface Model {
  method: string;
  /** The output times it reports at (GD and SGD: rounded to their step grid), increasing. */
  times: Float64Array;
  m: number;
  degrees: number;
  keepWeights?: boolean;
  /** Which optional quantities observe() returns. */
  mfRisk: boolean;
  loss: boolean;
  /** The arena range [start, end) that holds all of the run's state (what a checkpoint saves). */
  arena: { start: number; end: number };
  /** Works toward output time k for at most `budget` steps (and its own chunk of work). */
  advance(k: number, budget: number): Advance;
  /** The quantities at the output time just reached (arrays may be views into the core: read them before the next call into it). */
  observe(): Observation;
  /** Steps done since t = 0. */
  steps(): number;
  /** Time reached, for progress. */
  time(): number;
  /** Where the run is, for messages: 't = 0.5 (step 500)'. */
  where(): string;
  /**
   * After the arena has been restored: takes up `step` and `rows` (output rows done) as its
   * position; returns why this state cannot be continued, or null.
   */
  resumeAt(step: number, rows: number): string | null;
  stats(): Omit<SolverStats, 'wallMs'>;
  note?: string;
}

export interface Persistence {
  /** Where to write checkpoints, how often (in steps), and the config they belong to. A final one is written on abort. */
  checkpoint?: { path: string; everySteps: number; config: unknown };
  /** A checkpoint to continue from, already read and matched to this run's config. */
  resume?: Checkpoint & { path: string };
}

/** Progress is reported at pauses, at most this often (the first always), and at the last output. */
const PROGRESS_MS = 100;

/** Runs `model` through its output times; yields after every chunk of work. */
export function* outputLoop(core: Core, model: Model, hooks: RunHooks = {}, persist: Persistence = {}): Generator<void, Trajectory, void> {
  const started = performance.now();
  const { times } = model;
  const T = times.length;
  const rows = new Rows(T, model);
  if (persist.resume) restore(core, model, rows, persist.resume);
  for (let k = 0; k < rows.count; k++) hooks.onFrame?.(rows.frame(k));
  const target = persist.checkpoint;
  /** Writes a checkpoint; returns why it failed (the previous file is then intact), or null. */
  const save = (): string | null => {
    if (!target) return null;
    try {
      writeCheckpoint(target.path, {
        config: target.config, variant: core.variant, arena: { start: model.arena.start, bytes: model.arena.end - model.arena.start },
        step: model.steps(), rows: rows.count, columns: rows.columns(),
        state: new Uint8Array(core.exports.memory.buffer, model.arena.start, model.arena.end - model.arena.start),
      });
      return null;
    } catch (e) {
      return `the checkpoint ${target.path} could not be written (${e instanceof Error ? e.message : String(e)})`;
    }
  };
  const every = persist.checkpoint?.everySteps ?? Infinity;
  const tEnd = T ? times[T - 1] : 0;
  let lastProgress = -Infinity;
  const progress = (force: boolean) => {
    const now = performance.now();
    if (hooks.onProgress && (force || now - lastProgress >= PROGRESS_MS)) {
      hooks.onProgress(tEnd > 0 ? Math.min(1, model.time() / tEnd) : 1, model.time());
      lastProgress = now;
    }
  };
  let retcode: ReturnCode = 'success';
  let message: string | undefined;
  while (rows.count < T) {
    if (hooks.signal?.aborted) {
      retcode = 'aborted';
      const failed = save();
      message = `aborted at ${model.where()}${failed ? `; ${failed}` : ''}`;
      break;
    }
    // Steps are read only for checkpoints: at 361 output times a run pauses at least 361
    // times, and before its JS is optimized each read is a measurable part of a small solve.
    const done = target ? model.steps() : 0;
    const nextSave = (Math.floor(done / every) + 1) * every; // Infinity without checkpoints
    const status = model.advance(rows.count, nextSave - done);
    if (typeof status === 'object') {
      retcode = status.retcode;
      message = status.message;
      break;
    }
    const failed = target && model.steps() >= nextSave ? save() : null;
    if (status === 'reached') {
      const k = rows.count;
      rows.push(times[k], model.observe());
      if (hooks.onFrame) hooks.onFrame(rows.frame(k));
      if (k === T - 1) progress(true);
    } else {
      progress(false);
    }
    if (failed && rows.count < T) {
      // a run that can no longer be saved stops, keeping its rows (a full disk, a removed folder)
      retcode = 'aborted';
      message = `stopped at ${model.where()}: ${failed}`;
      break;
    }
    yield;
  }
  return extend(rows.trajectory(), {
    retcode, message, note: model.note,
    stats: extend(model.stats(), { wallMs: performance.now() - started }),
  });
}

/** Puts a checkpoint's rows and arena bytes back; CheckpointError when they do not fit this run. */
function restore(core: Core, model: Model, rows: Rows, saved: Checkpoint & { path: string }): void {
  const refuse = (why: string) => new CheckpointError(saved.path, why);
  const bytes = model.arena.end - model.arena.start;
  if (saved.variant !== core.variant) throw refuse(`was written by the ${saved.variant} build; this run uses the ${core.variant} build`);
  if (saved.arena.start !== model.arena.start || saved.arena.bytes !== bytes) {
    throw refuse(`holds the arena range ${saved.arena.start} + ${saved.arena.bytes} bytes; this run lays out ${model.arena.start} + ${bytes} bytes (another build of the core?)`);
  }
  const bad = rows.load(saved.columns, saved.rows);
  if (bad) throw refuse(`is corrupt: ${bad}`);
  const t = rows.columns()[0].data;
  const off = t.findIndex((x, k) => x !== model.times[k]);
  if (off >= 0) throw refuse(`is corrupt: its row ${off} is at t = ${t[off]}, not ${model.times[off]}`);
  new Uint8Array(core.exports.memory.buffer, model.arena.start, bytes).set(saved.state);
  const wrong = model.resumeAt(saved.step, saved.rows);
  if (wrong) throw refuse(`is corrupt: ${wrong}`);
}

/** Runs a loop to its end without giving the host a turn. */
export function drive<T>(loop: Generator<void, T, void>): T {
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
  }
}

/** Lets the host run its pending tasks (signal handlers, messages) in the middle of a run. */
const hostTurn = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Runs a loop to its end, giving the host a turn at least every `sliceMs` of work. */
export async function driveAsync<T>(loop: Generator<void, T, void>, sliceMs = 50): Promise<T> {
  let last = performance.now();
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
    if (performance.now() - last >= sliceMs) {
      await hostTurn();
      last = performance.now();
    }
  }
}
