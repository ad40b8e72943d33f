// What the commands print about runs: a one-line report per run, and Markdown tables
// of learning times across a sweep and their scaling.
import { fmt } from '../format.js';
import type { RunResult } from '../run.js';
import type { TimeScaleRow } from '../analysis/sweep.js';

/** A learning time for people: '—' when not reached. */
export const fmtTime = (t: number | null) => (t === null ? '—' : fmt(t));

/** How a run ended, its method, steps and wall time, on one line. */
export function runLine(r: RunResult): string {
  return `${r.retcode}, ${r.stats.method}, ${r.stats.steps} steps, ${fmt(r.stats.wallMs / 1000)} s`;
}

/**
 * One row per ε with t_0..t_D, then one row per degree with the predicted and measured
 * exponents (fitted over the `decades` smallest decades of ε, as the table was made).
 */
export function timeScaleTables(epsilon: number[], table: TimeScaleRow[], decades = 2): string[] {
  const span = decades === 1 ? 'smallest decade' : `${decades === 2 ? 'two' : fmt(decades)} smallest decades`;
  return [
    `| ε | ${table.map((r) => `t_${r.degree}`).join(' | ')} |`,
    `| --- | ${table.map(() => '---').join(' | ')} |`,
    ...epsilon.map((e, i) => `| ${fmt(e)} | ${table.map((r) => fmtTime(r.times[i])).join(' | ')} |`),
    '',
    `| degree k | predicted exponent | fitted (${span}) | local slopes, large ε → small ε |`,
    '| --- | --- | --- | --- |',
    ...table.map(({ degree, predicted, fit, localSlopes }) =>
      `| ${degree} | ${fmt(predicted)} | ${fit ? fmt(fit.slope) : '—'} | ${localSlopes.slice().reverse().map((s) => fmt(s.slope)).join(', ')} |`),
  ];
}
