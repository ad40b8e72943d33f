// A Node worker thread of the study pool (workerpool): one Wasm instance per thread,
// loaded on its first cell; each cell's result is written here, whole or not at all
// (results.ts), so only a small outcome crosses back to the main thread.
import workerpool from 'workerpool';
import type { RunConfig } from '../config.js';
import { loadCore } from '../wasm/loader.js';
import { runCell, type CellOutcome } from './cell.js';
import { writeResult } from './results.js';

async function runAndWrite(config: RunConfig, path: string): Promise<CellOutcome> {
  const { outcome, document } = await runCell(await loadCore(), config);
  writeResult(path, `${JSON.stringify(document)}\n`);
  return outcome;
}

workerpool.worker({ runAndWrite });
