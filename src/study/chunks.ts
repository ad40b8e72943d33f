// How many cells go to a worker in one pool message. A message costs its round trip
// (the worker posts its answer, the main thread wakes, sends the next task): about
// 0.2–0.3 ms here, idle time of the worker between tasks, which is a quarter of a small
// cell (m = 4, 1.2 ms). So cells go in chunks of about CHUNK_MS of work, sized from the
// times the workers report; cells of unknown cost go one at a time, and near the end of
// the study chunks shrink so that the workers finish together rather than one waiting for
// another's long chunk.

/** Work per chunk, in milliseconds: the message's round trip is then below 1% of it. */
export const CHUNK_MS = 40;
/** Most cells per chunk. */
export const MAX_CHUNK = 256;

export class ChunkSizer {
  private cells = 0;
  private ms = 0;

  constructor(private readonly workers: number) {}

  /** A chunk of `cells` cells took `ms` milliseconds in a worker. */
  observe(cells: number, ms: number): void {
    this.cells += cells;
    this.ms += ms;
  }

  /** Cells in the next chunk, with `remaining` cells (this one included) still to send. */
  size(remaining: number): number {
    if (this.cells === 0) return 1;
    const perCell = Math.max(this.ms / this.cells, 1e-3);
    // At most a quarter of a fair share of what is left per worker, so the tail is spread out.
    return Math.max(1, Math.min(MAX_CHUNK, Math.floor(CHUNK_MS / perCell), Math.floor(remaining / (4 * this.workers))));
  }
}
