// A worker of a study, the same script for a Node worker thread (node.ts) and a Web Worker
// (browser.ts): one Wasm instance, made from the module the main thread compiled when it
// sends one (Node's workerData), runs the cells posted to it one after another, in order,
// and answers each with the text of its result document. A cell that throws is recorded in
// its document; any other failure ends the worker, and the main thread then stops the study.
// Cells come validated (plan.ts), so they run through run-validated.ts and this script never
// loads the schema (zod).
import type { RunConfig } from '../config.js';
import { resultToJSON, RESULT_FORMAT } from '../io/result.js';
import { runParsed } from '../run-validated.js';
import { loadCore } from '../wasm/loader.js';

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
    const options = { core: await core };
    let document: object;
    try {
      // what `timescales run` writes
      document = resultToJSON(await runParsed(config, options));
    } catch (e) {
      document = { format: RESULT_FORMAT, config, retcode: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
    const answer: Answer = { id, text: `${JSON.stringify(document)}\n`, ms: performance.now() - t0 };
    port.postMessage(answer);
  });
});
