// A Web Worker of a browser study (browser.ts): one Wasm instance, loaded on the first
// cell. Receives { id, config }, answers { id, outcome }; the outcome goes through JSON, as
// a Node study's row comes from its result file (NaN and ±Infinity become null alike).
import type { RunConfig } from '../config.js';
import { loadCore } from '../wasm/loader.js';
import { runCell } from './cell.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: { id: number; config: RunConfig } }) => void) | null; postMessage(message: unknown): void };

scope.onmessage = ({ data }) => {
  void loadCore().then((core) => runCell(core, data.config)).then(({ outcome }) => scope.postMessage({ id: data.id, outcome: JSON.parse(JSON.stringify(outcome)) }));
};
