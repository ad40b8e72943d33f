// How many cells go to a worker in one message. Chunks used to go as pool tasks, and each
// cost its round trip (the worker posts its answer, the main thread wakes, sends the next
// task) in idle time of the worker: 1–2.5 ms a chunk here, mostly waking (a thread that
// waited wakes in 0.4–0.6 ms on this virtual machine). The chunks were made large for that:
// about CHUNK_MS of work, sized from the time the last chunk took per cell (the first
// chunks run cold code, whose cells cost 2–10× a warm one's, and a mean over all chunks
// kept that for dozens of them); cells of unknown cost go one at a time. Measured on 1000
// cells of 0.63 ms at one worker, the worker's idle time between chunks summed to 42–56 ms
// with 40 ms chunks sized from the mean, 27–32 ms with 100 ms chunks sized from the last,
// and about half that with chunks of 200 ms. Now the next chunk waits in the thread's lane
// (lanes.ts) and the round trip costs the worker nothing (6–12 ms in all over those 1000
// cells, against 20–35 ms as pool tasks); chunks stay this large because each still costs
// the main thread a message and a wake-up, and what a chunk holds is bounded by MAX_CHUNK.
//
// Near the end of the study chunks shrink, to half of each worker's share of what is left
// but not below TAIL_MS of work. With several workers, they then finish together rather
// than one waiting for another's long chunk. With any number, the last answer is small:
// the main thread handles an answer (a result file and a row per cell, ~0.15 ms per cell in
// memory, up to 0.5 ms on a disk) after the worker has run its chunk, and the last one's
// is time when every worker is done. Measured at one worker on 1000 cells of 0.6 ms, the
// study ended 23–38 ms after the last answer when that chunk held ~170 cells, against a
// few extra round trips of about a millisecond each.
/** Work per chunk, in milliseconds. */
export const CHUNK_MS = 200;
/** Least work per chunk when chunks shrink near the end (above). */
export const TAIL_MS = 10;

/** Most cells per chunk. */
export const MAX_CHUNK = 256;

export class ChunkSizer {
  /** Milliseconds per cell of the chunk answered last (undefined: none yet). */
  private perCell: number | undefined;

  constructor(private readonly workers: number) {}

  /** A chunk of `cells` cells took `ms` milliseconds in a worker. */
  observe(cells: number, ms: number): void {
    this.perCell = Math.max(ms / cells, 1e-3);
  }

  /** Cells in the next chunk, with `remaining` cells (this one included) still to send. */
  size(remaining: number): number {
    if (this.perCell === undefined) return 1;
    const cells = Math.min(MAX_CHUNK, Math.floor(CHUNK_MS / this.perCell));
    const share = Math.floor(remaining / (2 * this.workers));
    return Math.max(1, Math.min(cells, Math.max(share, Math.floor(TAIL_MS / this.perCell))));
  }
}
