// A Node worker thread of a study (pool.ts): one Wasm instance, made from the module the
// main thread compiled (workerData), runs the cells posted to it one after another, in
// order, and answers each with the text of its result file. A failure other than a cell's
// own (which runCell records) ends the thread, and the main thread then stops the study.
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../config.js';
import { loadCore } from '../wasm/loader.js';
import { runCell } from './cell.js';

/** A cell as the main thread posts it, and the answer. */
export interface Task { id: number; config: RunConfig }
export interface Answer { id: number; text: string; ms: number }

const data = workerData as { module?: WebAssembly.Module; variant?: 'simd' | 'scalar' | 'relaxed' } | null;
const core = data?.module && data.variant ? loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }) : loadCore();

let queue = Promise.resolve();
parentPort!.on('message', ({ id, config }: Task) => {
  // chained: a cell posted while another runs waits for it
  queue = queue.then(async () => {
    const t0 = performance.now();
    const { document } = await runCell(await core, config);
    const answer: Answer = { id, text: `${JSON.stringify(document)}\n`, ms: performance.now() - t0 };
    parentPort!.postMessage(answer);
  });
});
