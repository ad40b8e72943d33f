// Runs for the page's <timescales-sim> elements: on one Web Worker that they all share,
// started on the first run, or on the page itself where no worker starts (a
// Content-Security-Policy without blob:, or a build of this module without the worker).
// The page compiles each Wasm build once (loadCore caches it per source) and posts the
// compiled module to the worker, so the worker fetches and compiles nothing.
import type { RunConfig } from '../config.js';
import { type Core, loadCore } from '../wasm/loader.js';
import { type ElementResult, type ErrorDetail, type FrameData, type FromWorker, runForElement, type ToWorker } from './protocol.js';

/** worker.ts bundled into one script; the build (scripts/build.mjs) puts it here. */
declare const TIMESCALES_WORKER_SOURCE: string | undefined;

export interface RunHandle {
  /** The result, partial with retcode 'aborted' when stopped; rejects with an Error for a failed run. */
  done: Promise<ElementResult>;
  stop(): void;
}

/** An error from the worker, carried back as an Error with its name and field. */
export class RunError extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message);
    this.name = detail.name;
  }
}

/** One compiled core per Wasm folder ('' for the files beside this module), numbered for the worker. */
const cores = new Map<string, { key: number; core: Promise<Core> }>();

function coreFor(wasmBase: string | null): { key: number; core: Promise<Core> } {
  const base = wasmBase ? new URL(wasmBase.endsWith('/') ? wasmBase : `${wasmBase}/`, document.baseURI).href : '';
  let entry = cores.get(base);
  if (!entry) {
    const modules = base ? { simd: new URL('timescales.simd.wasm', base), scalar: new URL('timescales.scalar.wasm', base) } : undefined;
    entry = { key: cores.size, core: loadCore(modules ? { modules } : {}) };
    entry.core.catch(() => cores.delete(base)); // a failed load is tried again by the next run
    cores.set(base, entry);
  }
  return entry;
}

export interface Shared {
  worker: Worker;
  /** Core keys already posted to this worker. */
  sent: Set<number>;
  runs: Map<number, { onFrame(f: FrameData): void; resolve(r: ElementResult): void; reject(e: Error): void }>;
}

/** The shared worker once it has said it started, or null where none can start. */
let shared: Promise<Shared | null> | null = null;
let nextId = 0;

function startWorker(): Promise<Shared | null> {
  if (typeof TIMESCALES_WORKER_SOURCE !== 'string' || typeof Worker !== 'function') return Promise.resolve(null);
  return new Promise((resolve) => {
    let worker: Worker;
    const url = URL.createObjectURL(new Blob([TIMESCALES_WORKER_SOURCE], { type: 'text/javascript' }));
    try {
      worker = new Worker(url, { type: 'module', name: 'timescales-sim' });
    } catch {
      URL.revokeObjectURL(url);
      resolve(null);
      return;
    }
    const state: Shared = { worker, sent: new Set(), runs: new Map() };
    let started = false;
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (data.type === 'ready') {
        started = true;
        URL.revokeObjectURL(url);
        resolve(state);
        return;
      }
      const run = state.runs.get(data.id);
      if (!run) return;
      if (data.type === 'frame') {
        run.onFrame(data);
        return;
      }
      state.runs.delete(data.id);
      if (data.type === 'done') run.resolve(data.result);
      else run.reject(new RunError(data.error));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (!started) {
        URL.revokeObjectURL(url);
        worker.terminate();
        resolve(null); // it never ran: the page runs instead
        return;
      }
      // It died under a run (out of memory, say): those runs fail; the next run starts a fresh worker.
      shared = null;
      worker.terminate();
      const error = new RunError({ name: 'Error', message: `the simulation worker stopped: ${e.message || 'unknown error'}`, field: null });
      for (const run of state.runs.values()) run.reject(error);
      state.runs.clear();
    };
  });
}

/**
 * Starts the shared worker and the compile of the Wasm build, and hands the core to the
 * worker as soon as both are ready: an element calls this when it joins the page, so that
 * its first run finds them waiting. Resolves to the worker (null: runs go on the page) and core.
 */
export function prepare(wasmBase: string | null): Promise<[Core, Shared | null, number]> {
  const { key, core } = coreFor(wasmBase);
  shared ??= startWorker();
  return Promise.all([core, shared]).then(([core, state]) => {
    if (state && !state.sent.has(key)) {
      state.worker.postMessage({ type: 'core', key, variant: core.variant, module: core.module! } satisfies ToWorker);
      state.sent.add(key);
    }
    return [core, state, key];
  });
}

/** Starts `config` (already validated); frames go to `onFrame` as they are computed. */
export function startRun(config: RunConfig, wasmBase: string | null, onFrame: (f: FrameData) => void): RunHandle {
  const controller = new AbortController();
  const done = prepare(wasmBase).then(([core, state, key]) => {
    if (!state) return runForElement(core, config, onFrame, controller.signal);
    const id = nextId++;
    return new Promise<ElementResult>((resolve, reject) => {
      state.runs.set(id, { onFrame, resolve, reject });
      state.worker.postMessage({ type: 'run', id, key, config } satisfies ToWorker);
      const stop = () => state.worker.postMessage({ type: 'stop', id } satisfies ToWorker);
      if (controller.signal.aborted) stop();
      else controller.signal.addEventListener('abort', stop, { once: true });
    });
  });
  return { done, stop: () => controller.abort() };
}
