// A worker of a study, the same script for a Node worker thread (pool.ts) and a Web Worker
// (browser.ts): one Wasm instance, made from the module the main thread compiled when it
// sends one (Node's workerData), runs the cells posted to it one after another, in order,
// and answers each with the text of its result file. A failure other than a cell's own
// (which runCell records) ends the worker, and the main thread then stops the study.
import type { RunConfig } from '../config.js';
import { loadCore } from '../wasm/loader.js';
import { runCell } from './cell.js';

/** A cell as the main thread posts it, and the answer. */
export interface Task { id: number; config: RunConfig }
export interface Answer { id: number; text: string; ms: number }

// reached at run time, so that a browser loads this file as it is
const threads = globalThis.process?.getBuiltinModule?.('node:worker_threads');
const port = (threads?.parentPort ?? globalThis) as Pick<MessagePort, 'addEventListener' | 'postMessage'>;
const data = threads?.workerData as { module?: WebAssembly.Module; variant?: 'simd' | 'scalar' | 'relaxed' } | null | undefined;
const core = data?.module && data.variant ? loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }) : loadCore();

let queue = Promise.resolve();
port.addEventListener('message', ({ data: { id, config } }: MessageEvent<Task>) => {
  // chained: a cell posted while another runs waits for it
  queue = queue.then(async () => {
    const t0 = performance.now();
    const document = await runCell(await core, config);
    const answer: Answer = { id, text: `${JSON.stringify(document)}\n`, ms: performance.now() - t0 };
    port.postMessage(answer);
  });
});
