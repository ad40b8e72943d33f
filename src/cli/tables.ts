// What the commands print about a run: a one-line report, and a short summary for a terminal.
import { fmt } from '../format.js';
import type { RunResult } from '../run.js';

/** How a run ended, its method, steps and wall time, on one line. */
export function runLine(r: RunResult): string {
  return `${r.retcode}, ${r.stats.method}, ${r.stats.steps} steps, ${fmt(r.stats.wallMs / 1000)} s`;
}

/**
 * What a person at a terminal wants of a run, in a few lines: how it ended, the risk at the
 * start and at the end, and the learning times t_k (the whole result is the JSON of --out).
 */
export function runSummary(r: RunResult): string {
  const last = r.risk.length - 1;
  const times = r.learningTimes.map((t, k) => `t_${k} = ${t === null ? 'not reached' : fmt(t)}`).join(', ');
  const lines = [
    `run: ${runLine(r)}`,
    `risk: ${fmt(r.initial.risk)} at t = 0 → ${last >= 0 ? `${fmt(r.risk[last])} at t = ${fmt(r.t[last])}` : 'no output time reached'}`,
    `learning times: ${times}`,
  ];
  return `${lines.join('\n')}\n`;
}
