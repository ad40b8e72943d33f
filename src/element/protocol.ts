// The messages between the page's <timescales-sim> elements and the worker they share,
// and the run that both sides execute the same way (the page does so where no worker starts).
import type { RunConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { runParsed, type RunResult } from '../run-validated.js';
import type { Frame } from '../solvers/solution.js';
import type { Core, Variant } from '../wasm/loader.js';

/** Page → worker. A core is sent once per key (one per Wasm source) before the runs that use it. */
export type ToWorker =
  | { type: 'core'; key: number; variant: Variant; module: WebAssembly.Module }
  | { type: 'run'; id: number; key: number; config: RunConfig }
  | { type: 'stop'; id: number };

/** Worker → page. `ready` is the worker's first message: a worker that errs before it never started. */
export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'frame'; id: number } & FrameData)
  | { type: 'done'; id: number; result: ElementResult }
  | { type: 'error'; id: number; error: ErrorDetail };

/** One output time as the element draws it: a run's Frame, its arrays copies, never views into Wasm memory. */
export type FrameData = Frame;

/**
 * run()'s result as structured clone carries it: every field but the resolved
 * activation and target objects in `coefficients` (their specs stay in `config`).
 */
export type ElementResult = Omit<RunResult, 'coefficients'> & { coefficients: Omit<RunResult['coefficients'], 'activation' | 'target'> };

/** The `error` event's detail: the message, the field a bad config names (else null), and the error's name ('ConfigError', …). */
export interface ErrorDetail {
  message: string;
  field: string | null;
  name: string;
}

export function errorDetail(e: unknown): ErrorDetail {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  return { name, message, field: e instanceof ConfigError ? e.field : null };
}

const copy = (x: Float64Array | undefined) => (x ? Float64Array.from(x) : undefined);

export function frameData(f: Frame): FrameData {
  return { index: f.index, t: f.t, risk: f.risk, components: Float64Array.from(f.components), a: copy(f.a), s: copy(f.s) };
}

/** Runs a validated config, handing each frame to `onFrame`; resolves to the cloneable result. */
export async function runForElement(core: Core, config: RunConfig, onFrame: (f: FrameData) => void, signal: AbortSignal): Promise<ElementResult> {
  const { coefficients, ...rest } = await runParsed(config, { core, signal, onFrame: (f) => onFrame(frameData(f)) });
  const { activation: _a, target: _t, ...kept } = coefficients;
  return { ...rest, coefficients: kept };
}

/** The buffers of a message's arrays, to transfer rather than copy. */
export function transferables(...arrays: (Float64Array | undefined)[]): ArrayBuffer[] {
  return arrays.filter((a): a is Float64Array => a !== undefined).map((a) => a.buffer as ArrayBuffer);
}
