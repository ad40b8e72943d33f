// Learning times as Markdown: one row per ε with t_0..t_D, then how each t_k scales with
// ε. The sweep command, the figures and a study's summary.md print the same tables.
import { fmt } from '../format.js';
import type { TimeScaleRow } from './sweep.js';

/** A Markdown table: the header row, its rule, then the rows. */
export function markdownTable(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** A learning time for people: '—' when not reached. */
export const fmtTime = (t: number | null) => (t === null ? '—' : fmt(t));

/**
 * One row per ε with t_0..t_D, then one row per degree with the predicted and measured
 * exponents (fitted over the `decades` smallest decades of ε, as the table was made).
 */
export function timeScaleTables(epsilon: number[], table: TimeScaleRow[], decades = 2): string[] {
  const span = decades === 1 ? 'smallest decade' : `${decades === 2 ? 'two' : fmt(decades)} smallest decades`;
  return [
    ...markdownTable(['ε', ...table.map((r) => `t_${r.degree}`)], epsilon.map((e, i) => [fmt(e), ...table.map((r) => fmtTime(r.times[i]))])),
    '',
    ...markdownTable(['degree k', 'predicted exponent', `fitted (${span})`, 'local slopes, large ε → small ε'], table.map(({ degree, predicted, fit, localSlopes }) =>
      [String(degree), fmt(predicted), fit ? fmt(fit.slope) : '—', localSlopes.slice().reverse().map((s) => fmt(s.slope)).join(', ')])),
    '',
    `t_k = ε^p (A + B ln(1/ε)), p the predicted exponent, fitted over the same ε; predicted A, B from docs/theory.md:`,
    '',
    ...markdownTable(['degree k', 'p', 'fitted A', 'predicted A', 'fitted B', 'predicted B'], table.filter((r) => r.logFit || r.predictedB !== null).map(({ degree, predicted, logFit, predictedA, predictedB }) =>
      [String(degree), fmt(predicted), logFit ? fmt(logFit.A) : '—', predictedA === null ? '—' : fmt(predictedA), logFit ? fmt(logFit.B) : '—', predictedB === null ? '—' : fmt(predictedB)])),
  ];
}
