// The worker threads of a Node study, on node:worker_threads. Each thread is sent up to
// DEPTH cells ahead, the way concurrent.futures keeps its call queue a little fuller than
// its workers: the next cell waits in the thread's port while it runs one, so a thread
// never idles for the round trip to the main thread. A thread that fails (it exits, or
// throws outside a cell) fails every cell it holds, and any sent to it later.
import type { Worker } from 'node:worker_threads';
import type { RunConfig } from '../config.js';
import { nodeFs } from '../io/node-fs.js';
import type { Core } from '../wasm/loader.js';
import type { Answer, Task } from './worker.js';

/** Cells a thread holds unanswered: the one it runs and the next. */
export const DEPTH = 2;

interface Thread {
  worker: Worker;
  waiting: Map<number, { resolve(a: Answer): void; reject(e: unknown): void }>;
  failure?: unknown;
}

export class Pool {
  private readonly threads: Thread[];
  private id = 0;
  private closing = false;

  /** `size` threads, each with a Wasm instance made from `core`'s compiled module. */
  constructor(readonly size: number, core: Core) {
    const { Worker } = globalThis.process.getBuiltinModule('node:worker_threads');
    // worker.ts and all it imports as one file (scripts/build.mjs): a thread starts sooner than from ~40 modules.
    const script = nodeFs().realpathSync(new URL('../../dist/study/worker.bundle.js', import.meta.url));
    // A WebAssembly.Module is shared with a thread, not copied: no thread compiles the core again.
    const workerData = core.module ? { module: core.module, variant: core.variant } : null;
    this.threads = Array.from({ length: size }, () => {
      // None of the host's Node flags: the thread runs one self-contained file, and some flags
      // (--input-type from `node -e`, --unhandled-rejections=warn) would stop or hang it.
      const thread: Thread = { worker: new Worker(script, { workerData, execArgv: [] }), waiting: new Map() };
      thread.worker.on('message', (a: Answer) => {
        const w = thread.waiting.get(a.id)!;
        thread.waiting.delete(a.id);
        w.resolve(a);
      });
      thread.worker.on('error', (e) => this.fail(thread, e));
      thread.worker.on('exit', (code) => this.fail(thread, new Error(`a study worker thread exited (code ${code})`)));
      return thread;
    });
  }

  /** True when a thread holds fewer than DEPTH cells. */
  get room(): boolean {
    return this.threads.some((t) => t.waiting.size < DEPTH);
  }

  /** Runs a cell on the thread that holds the fewest; the text of its result file and the thread's milliseconds on it. */
  run(config: RunConfig): Promise<Answer> {
    const thread = this.threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    if ('failure' in thread) return Promise.reject(thread.failure);
    const task: Task = { id: this.id++, config };
    return new Promise((resolve, reject) => {
      thread.waiting.set(task.id, { resolve, reject });
      thread.worker.postMessage(task);
    });
  }

  /** Stops every thread at once; cells still held fail. */
  async close(): Promise<void> {
    for (const t of this.threads) this.fail(t, new Error('the study\'s threads were stopped'));
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private fail(thread: Thread, e: unknown): void {
    if (this.closing || 'failure' in thread) return;
    thread.failure = e;
    for (const w of thread.waiting.values()) w.reject(e);
    thread.waiting.clear();
  }
}
