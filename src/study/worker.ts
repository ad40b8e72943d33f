// A Node worker thread of the study pool (workerpool): one Wasm instance per thread, made
// from the module the main thread compiled (workerData), and cells run in chunks. The
// chunks come on a lane (lanes.ts): a MessagePort that one pool task (serve) holds for the
// whole study, on which the main thread queues the next chunk while this thread runs one.
// Each cell's outcome and the text of its result file go back to the main thread, which
// writes the file (node.ts) while this thread runs the next chunk. The configs come
// validated (plan.ts checked every cell before any ran): they run without a second check
// (runParsed), and this thread never loads the config schema.
//
// What a chunk holds until it ends outlives several of this heap's young-generation
// collections (a chunk is up to CHUNK_MS of work; at YOUNG_MB = 8 a collection came every ~70 tiny
// cells), and V8 then moves it to the old generation, which grows until a full collection.
// So a config is dropped as soon as its cell has run, and each text goes at once, as UTF-8,
// into one byte buffer outside the heap (text-bytes.ts). The buffer is handed to the main
// thread without a copy, and comes back with a later chunk to be filled again: the texts
// of 20 000 tiny cells (1.7 kB each) were 35 MB of strings in this heap and again in the
// main thread's, and are now a few buffers of ~0.5 MB, the same ones throughout.
import { deserialize } from 'node:v8';
import { type MessagePort, workerData } from 'node:worker_threads';
import workerpool from 'workerpool';
import type { RunConfig } from '../config.js';
import { type Core, loadCore } from '../wasm/loader.js';
import { runCellText, type CellOutcome } from './cell.js';
import { TextBytes } from './text-bytes.js';

/** A chunk as the main thread posts it on a lane. */
export interface ChunkRequest {
  /** The configs, as v8.serialize wrote them (transferred). */
  configs: Uint8Array;
  /** A buffer to write the texts into (a new one is made if it is missing or fills up). */
  spare?: Uint8Array;
}

export interface ChunkDone {
  outcomes: CellOutcome[];
  /** The UTF-8 text of each cell's result file (DIR/runs/<key>.json), one after another in the chunk's order: a view of a buffer transferred, not copied. */
  bytes: Uint8Array;
  /** Where each text ends in `bytes` (the first starts at 0). */
  ends: number[];
  /** Milliseconds this thread spent on the chunk, from taking it up to its answer (the main thread sizes the next chunks from it). */
  ms: number;
}

const data = workerData as { module?: WebAssembly.Module; variant?: 'simd' | 'scalar' | 'relaxed' } | null;
let core: Promise<Core> | undefined;
const theCore = () => core ??= data?.module && data.variant ? loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }) : loadCore();

/** Runs a chunk's configs (each dropped once run), writing their texts into `spare` or a new buffer. */
async function runChunk({ configs: serialized, spare }: ChunkRequest): Promise<ChunkDone> {
  const t0 = performance.now();
  const configs = deserialize(serialized) as (RunConfig | undefined)[];
  const c = await theCore();
  const outcomes: CellOutcome[] = [];
  const texts = new TextBytes(spare);
  for (let k = 0; k < configs.length; k++) {
    const config = configs[k]!;
    configs[k] = undefined;
    const { outcome, text } = await runCellText(c, config);
    outcomes.push(outcome);
    texts.add(text);
  }
  return { outcomes, bytes: texts.bytes(), ends: texts.ends, ms: performance.now() - t0 };
}

/**
 * The pool task that holds a lane: runs the chunks posted on `port` one after another, in
 * order, answering each on the port, until the pool is terminated. A chunk that fails (its
 * cells do not throw: runCellText records their errors) fails the task, and with it the study.
 */
function serve(port: MessagePort): Promise<never> {
  return new Promise((_, reject) => {
    let queue = Promise.resolve();
    port.on('message', (request: ChunkRequest) => {
      queue = queue.then(async () => {
        const done = await runChunk(request);
        port.postMessage(done, [done.bytes.buffer as ArrayBuffer]);
      }).catch((e: unknown) => {
        port.close();
        reject(e);
      });
    });
  });
}

workerpool.worker({ serve });
