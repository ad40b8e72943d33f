// A Node worker thread of the study pool (workerpool): one Wasm instance per thread, made
// from the module the main thread compiled (workerData), and cells run in chunks — one
// pool message per chunk, not per cell. Each cell's result is written here, whole or not
// at all (results.ts), so only small outcomes cross back to the main thread. The configs
// come validated (plan.ts checked every cell before any ran): they run without a second
// check (runParsed).
import { workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import type { RunConfig } from '../config.js';
import { type Core, loadCore } from '../wasm/loader.js';
import { runCellText, type CellOutcome } from './cell.js';
import { writeResult } from './results.js';

export interface ChunkCell {
  config: RunConfig;
  /** Where its result goes (DIR/runs/<key>.json). */
  path: string;
}

export interface ChunkDone {
  outcomes: CellOutcome[];
  /** Milliseconds this thread spent on the chunk (the main thread sizes the next chunks from it). */
  ms: number;
}

const data = workerData as { module?: WebAssembly.Module; variant?: 'simd' | 'scalar' | 'relaxed' } | null;
let core: Promise<Core> | undefined;
const theCore = () => core ??= data?.module && data.variant ? loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }) : loadCore();

async function runChunk(cells: ChunkCell[]): Promise<ChunkDone> {
  const t0 = performance.now();
  const c = await theCore();
  const outcomes: CellOutcome[] = [];
  // Written here, synchronously: writing on libuv's pool while the next cell runs
  // (fs.promises) measured slower, 87% against 63% overhead per cell (500 cells of
  // 1.2 ms, medians of 7, side by side), the file's creation being CPU in the kernel either way.
  for (const { config, path } of cells) {
    const { outcome, text } = await runCellText(c, config);
    writeResult(path, text);
    outcomes.push(outcome);
  }
  return { outcomes, ms: performance.now() - t0 };
}

workerpool.worker({ runChunk });
