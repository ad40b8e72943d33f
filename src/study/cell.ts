// One cell of a study: its config run, and the row the table keeps of the result. The
// same runner serves Node's worker threads and Web Workers, and the row is read from the
// text of the result document in both, so every way of running a study gives the same
// rows. Cells come validated (plan.ts), so it runs them through run-validated.ts and a
// worker that imports it never loads the schema (zod).
import type { Theory } from '../analysis/theory.js';
import { resultToJSON, RESULT_FORMAT } from '../io/result.js';
import { runParsed } from '../run-validated.js';
import type { RunConfig } from '../config.js';
import type { Core } from '../wasm/loader.js';

/** What the table keeps of a run. `retcode` is the run's, or "error" for a cell that threw. */
export interface CellOutcome {
  retcode: string;
  /** The risk at the last output time reached (null: none reached, or the cell threw). */
  risk: number | null;
  /** t_0..t_degrees (null: not reached). */
  learningTimes: (number | null)[];
  /** The theory's leading-order t_0 and t_1 (docs/theory.md §4–5), for the summary's fits; absent for a cell that threw. */
  timeScales?: Theory['timeScales'];
  steps: number | null;
  wallMs: number | null;
  message?: string;
}

/**
 * Runs a config that planStudy (or parseConfig) made, without checking it again; never
 * throws. Returns the result document: what `timescales run` writes, or for a cell that
 * threw, its config, retcode "error" and the message.
 */
export async function runCell(core: Core, config: RunConfig): Promise<object> {
  try {
    return resultToJSON(await runParsed(config, { core }));
  } catch (e) {
    return { format: RESULT_FORMAT, config, retcode: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** The row fields of a result document (as `timescales run` writes it, or a cell's error record). */
export function outcomeOf(doc: object): CellOutcome {
  const d = doc as { retcode: string; risk?: number[]; learningTimes?: (number | null)[]; theory?: Theory; stats?: { steps: number; wallMs: number }; message?: string };
  const risk = d.risk && d.risk.length ? d.risk[d.risk.length - 1] : null;
  return {
    retcode: d.retcode, risk, learningTimes: d.learningTimes ?? [],
    ...(d.theory === undefined ? {} : { timeScales: d.theory.timeScales }),
    steps: d.stats?.steps ?? null, wallMs: d.stats?.wallMs ?? null,
    ...(d.message === undefined ? {} : { message: d.message }),
  };
}
