// The study folder: DIR/runs/<key>.json per cell (the result document that `timescales
// run` writes, or a cell's error record), the table, the summaries and the charts. A
// result file counts as done when it parses, has the current format and holds the very
// config of its cell; anything else (an older format, a foreign or torn file) is computed
// again. Result files are renamed into place whole but not fsync'ed one by one: that
// check already catches a file a power cut tore, and an fsync per cell costs more than a
// small cell does.
import { nodeFs } from '../io/node-fs.js';
import { RESULT_FORMAT } from '../io/result.js';
import { canonicalJSON, cellKey } from './canonical.js';
import { temporaryName } from './leftovers.js';
import type { Cell } from './plan.js';

export const RUNS_DIR = 'runs';

/** `runs/<key>.json`, relative to the study folder. */
export function resultFile(cell: Cell): string {
  return `${RUNS_DIR}/${cellKey(cell.canonical)}.json`;
}

/**
 * Writes a cell's result document: a temporary file beside `path` (leftovers.ts), then
 * renamed over it (one thread, the study's main thread, writes a given cell, so the name is its own).
 */
export function writeResult(path: string, text: string | Uint8Array): void {
  const fs = nodeFs();
  const slash = path.lastIndexOf('/');
  const tmp = `${path.slice(0, slash + 1)}${temporaryName(path.slice(slash + 1), 'part')}`;
  try {
    fs.writeFileSync(tmp, text, { flag: 'w' });
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The cell's result document if `path` holds a valid one, else null. */
export function readResult(path: string, cell: Cell): Record<string, unknown> | null {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return doc.format === RESULT_FORMAT && typeof doc.retcode === 'string' && canonicalJSON(doc.config) === cell.canonical ? doc : null;
  } catch {
    return null;
  }
}
