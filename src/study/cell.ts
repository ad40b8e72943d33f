// One cell of a study: run its config and reduce the result to a table row. The same
// code runs in a Node worker thread (which also writes the result file), in a Web
// Worker and in-process, so every way of running a study gives the same rows. Its cells
// come validated (plan.ts): it runs them from run-validated.ts, so a worker that imports
// it never loads the config schema.
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
  steps: number | null;
  wallMs: number | null;
  message?: string;
}

/** The result document of a cell that threw: its config, retcode "error" and the message. */
export interface CellErrorRecord {
  format: number;
  config: RunConfig;
  retcode: 'error';
  message: string;
}

/**
 * Runs a config that planStudy (or parseConfig) made, without checking it again; never
 * throws (a throw becomes retcode "error" with its message). Returns the outcome and the
 * result document.
 */
export async function runCell(core: Core, config: RunConfig): Promise<{ outcome: CellOutcome; document: object }> {
  try {
    const result = await runParsed(config, { core });
    const document = resultToJSON(result);
    return { outcome: outcomeOf(document), document };
  } catch (e) {
    const document = errorRecord(config, e);
    return { outcome: outcomeOf(document), document };
  }
}

/**
 * A cell whose config plan.ts validated, as a study's worker runs it: the text of its
 * result file and its outcome as read back from that text. JSON turns NaN and ±Infinity
 * into null, so the outcome goes through JSON too: outcomeOf only picks fields, so
 * picking then JSON gives what JSON then picking gives — the row a later run reads from
 * the file, bit for bit (the table is streamed from these outcomes, node.ts).
 */
export async function runCellText(core: Core, config: RunConfig): Promise<{ outcome: CellOutcome; text: string }> {
  let document: object;
  try {
    document = resultToJSON(await runParsed(config, { core }));
  } catch (e) {
    document = errorRecord(config, e);
  }
  return { outcome: JSON.parse(JSON.stringify(outcomeOf(document))) as CellOutcome, text: `${JSON.stringify(document)}\n` };
}

function errorRecord(config: RunConfig, e: unknown): CellErrorRecord {
  return { format: RESULT_FORMAT, config, retcode: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/** The row fields of a result document (as `timescales run` writes it, or a cell's error record). */
export function outcomeOf(doc: Record<string, unknown> | object): CellOutcome {
  const d = doc as { retcode: string; risk?: number[]; learningTimes?: (number | null)[]; stats?: { steps: number; wallMs: number }; message?: string };
  const risk = d.risk && d.risk.length ? d.risk[d.risk.length - 1] : null;
  return {
    retcode: d.retcode, risk, learningTimes: d.learningTimes ?? [],
    steps: d.stats?.steps ?? null, wallMs: d.stats?.wallMs ?? null,
    ...(d.message === undefined ? {} : { message: d.message }),
  };
}
