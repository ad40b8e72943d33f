// A Node worker thread of the study pool (workerpool): one Wasm instance per thread, made
// from the module the main thread compiled (workerData), and cells run in chunks — one
// pool message per chunk, not per cell. Each cell's outcome and the text of its result
// file go back to the main thread, which writes the file (node.ts) while this thread runs
// the next chunk. The configs come validated (plan.ts checked every cell before any ran):
// they run without a second check (runParsed), and this thread never loads the config
// schema.
import { workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import type { RunConfig } from '../config.js';
import { type Core, loadCore } from '../wasm/loader.js';
import { runCellText, type CellOutcome } from './cell.js';

export interface ChunkDone {
  outcomes: CellOutcome[];
  /** The text of each cell's result file (DIR/runs/<key>.json), in the chunk's order. */
  texts: string[];
  /** Milliseconds this thread spent on the chunk (the main thread sizes the next chunks from it). */
  ms: number;
}

const data = workerData as { module?: WebAssembly.Module; variant?: 'simd' | 'scalar' | 'relaxed' } | null;
let core: Promise<Core> | undefined;
const theCore = () => core ??= data?.module && data.variant ? loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }) : loadCore();

async function runChunk(configs: RunConfig[]): Promise<ChunkDone> {
  const t0 = performance.now();
  const c = await theCore();
  const outcomes: CellOutcome[] = [];
  const texts: string[] = [];
  for (const config of configs) {
    const { outcome, text } = await runCellText(c, config);
    outcomes.push(outcome);
    texts.push(text);
  }
  return { outcomes, texts, ms: performance.now() - t0 };
}

workerpool.worker({ runChunk });
