// What the commands print about a run: a one-line report.
import { fmt } from '../format.js';
import type { RunResult } from '../run.js';

/** How a run ended, its method, steps and wall time, on one line. */
export function runLine(r: RunResult): string {
  return `${r.retcode}, ${r.stats.method}, ${r.stats.steps} steps, ${fmt(r.stats.wallMs / 1000)} s`;
}
