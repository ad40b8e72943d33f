// The workers of a study, all running worker.ts: Node's worker threads (node.ts) or Web
// Workers (browser.ts). Each worker is sent up to DEPTH cells ahead, the way
// concurrent.futures keeps its call queue a little fuller than its workers: the next cell
// waits in the worker's port while it runs one, so a worker never idles for the round trip
// to the main thread. A worker that fails (it exits, or throws outside a cell) fails every
// cell it holds, and any sent to it later.
import type { RunConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Answer, Task } from './worker.js';

/** Cells a worker holds unanswered: the one it runs and the next. */
export const DEPTH = 2;

/** The `workers` option, an integer ≥ 1, or `available` when it is not given; a bad one throws ConfigError naming it. */
export function workerCount(workers: number | undefined, available: number): number {
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new ConfigError('workers', 'must be an integer ≥ 1', workers);
  return workers ?? available;
}

/** Starts one worker whose answers and failure go to `answer` and `fail`. */
export type Spawn = (answer: (a: Answer) => void, fail: (e: unknown) => void) => { post(task: Task): void; terminate(): unknown };

interface Thread {
  worker: ReturnType<Spawn>;
  waiting: Map<number, { resolve(a: Answer): void; reject(e: unknown): void }>;
  failure?: unknown;
}

export class Pool {
  private readonly threads: Thread[];
  private id = 0;
  private closing = false;

  constructor(readonly size: number, spawn: Spawn) {
    this.threads = Array.from({ length: size }, () => {
      const thread = { waiting: new Map() } as Thread;
      thread.worker = spawn((a) => {
        const w = thread.waiting.get(a.id)!;
        thread.waiting.delete(a.id);
        w.resolve(a);
      }, (e) => this.fail(thread, e));
      return thread;
    });
  }

  /** True when a worker holds fewer than DEPTH cells. */
  get room(): boolean {
    return this.threads.some((t) => t.waiting.size < DEPTH);
  }

  /** Runs a cell on the worker that holds the fewest; the text of its result file and the worker's milliseconds on it. */
  run(config: RunConfig): Promise<Answer> {
    const thread = this.threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    if ('failure' in thread) return Promise.reject(thread.failure);
    const task: Task = { id: this.id++, config };
    return new Promise((resolve, reject) => {
      thread.waiting.set(task.id, { resolve, reject });
      thread.worker.post(task);
    });
  }

  /** Stops every worker at once; cells still held fail. */
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
