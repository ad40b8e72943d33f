// Chunks reach the pool's threads through a lane each: a MessagePort handed to the thread
// by one long pool task (worker.ts: serve), on which the main thread posts chunks ahead of
// the thread's work. The thread finds its next chunk already queued in its port when it
// answers one, and goes on at once. Sent as pool tasks, a chunk went to a thread only once
// the thread had answered the one before and the main thread had read that answer (the
// pool holds its queue on the main thread): the thread waited for the round trip each
// time, 0.5–5 ms (a wake-up on each side, and whatever the main thread was doing: writing
// a chunk's files, making the next chunk's cells, a collection of its heap). Measured at
// one worker on 1000 cells of 0.6 ms in memory, those waits summed to 25–40 ms.
//
// The pool still starts, owns and stops the threads: a thread that dies fails its task,
// which fails its lane's chunks; terminating the pool ends every lane (node.ts terminates
// it once every chunk is answered, or to stop).
import type { MessagePort } from 'node:worker_threads';
import type { Pool } from 'workerpool';
import type { ChunkDone } from './worker.js';

/** Chunks a lane holds unanswered: the one its thread runs and the next, queued. */
export const DEPTH = 2;

interface Waiting {
  resolve(done: ChunkDone): void;
  reject(e: unknown): void;
}

interface Lane {
  port: MessagePort;
  /** Unanswered chunks, oldest first: a lane answers in the order it was sent. */
  waiting: Waiting[];
  /** Why the lane's thread is gone, once it is: chunks sent to it fail with this. */
  error?: unknown;
}

export class Lanes {
  private readonly lanes: Lane[] = [];
  private wake: (() => void) | undefined;
  private woken: Promise<void> | undefined;

  /** `count` lanes, each taken up by a thread of `pool` as one starts. */
  constructor(pool: Pool, count: number) {
    const { MessageChannel } = globalThis.process.getBuiltinModule('node:worker_threads');
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const lane: Lane = { port: port1, waiting: [] };
      port1.on('message', (done: ChunkDone) => {
        lane.waiting.shift()?.resolve(done);
        this.woke();
      });
      // The port alone does not keep the process alive (its thread does, while it runs); it is
      // never closed here: the pool may still hand it to a thread that is being terminated.
      port1.unref();
      // The thread's task runs until the pool is terminated, or fails with the thread. (A native
      // promise: workerpool's own never settles a finally() here.)
      void Promise.resolve(pool.exec('serve', [port2], { transfer: [port2] }) as PromiseLike<never>).catch((e: unknown) => this.fail(lane, e));
      this.lanes.push(lane);
    }
  }

  /** True when some lane holds fewer than DEPTH unanswered chunks. */
  get room(): boolean {
    return this.lanes.some((l) => l.waiting.length < DEPTH);
  }

  /** Settles at the next answer or failure of any lane. */
  arrival(): Promise<void> {
    return this.woken ??= new Promise((resolve) => { this.wake = resolve; });
  }

  /**
   * Posts a chunk (the serialized configs, and a buffer for its texts) on the lane with the
   * fewest unanswered chunks; its answer, or the failure of the lane's thread.
   */
  send(configs: Uint8Array, spare: Uint8Array | undefined, transfer: ArrayBufferLike[]): Promise<ChunkDone> {
    const lane = this.lanes.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
    if ('error' in lane) return Promise.reject(lane.error);
    return new Promise<ChunkDone>((resolve, reject) => {
      lane.waiting.push({ resolve, reject });
      lane.port.postMessage({ configs, spare }, transfer as ArrayBuffer[]);
    });
  }

  private fail(lane: Lane, e: unknown): void {
    lane.error = e;
    for (const w of lane.waiting.splice(0)) w.reject(e);
    this.woke();
  }

  private woke(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.woken = undefined;
    wake?.();
  }
}
