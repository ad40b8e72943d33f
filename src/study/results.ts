// The study folder: DIR/runs/<key>.json per cell (the result document that
// `timescales run` writes, or a cell's error record), the table, the summaries and the
// charts. A result file counts as done when it parses, has the current format and holds
// the very config of its cell; anything else (a file from an older format, a foreign
// file) is computed again.
import { nodeFs } from '../io/atomic.js';
import { RESULT_FORMAT } from '../io/result.js';
import { canonicalJSON, cellKey } from './canonical.js';
import type { Cell } from './plan.js';

export const RUNS_DIR = 'runs';

/** `runs/<key>.json`, relative to the study folder. */
export function resultFile(cell: Cell): string {
  return `${RUNS_DIR}/${cellKey(cell.canonical)}.json`;
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
