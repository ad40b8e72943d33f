// Markdown tables the commands print: learning times across a sweep and their scaling.
import { fmt } from '../format.js';
import type { TimeScaleRow } from '../sweep.js';

const time = (t: number | null) => (t === null ? '—' : fmt(t));

/** One row per ε with t_0..t_D, then one row per degree with the predicted and measured exponents. */
export function timeScaleTables(epsilon: number[], table: TimeScaleRow[]): string[] {
  return [
    `| ε | ${table.map((r) => `t_${r.degree}`).join(' | ')} |`,
    `| --- | ${table.map(() => '---').join(' | ')} |`,
    ...epsilon.map((e, i) => `| ${fmt(e)} | ${table.map((r) => time(r.times[i])).join(' | ')} |`),
    '',
    '| degree k | predicted exponent | fitted (two smallest decades) | local slopes, large ε → small ε |',
    '| --- | --- | --- | --- |',
    ...table.map(({ degree, predicted, fit, localSlopes }) =>
      `| ${degree} | ${fmt(predicted)} | ${fit ? fmt(fit.slope) : '—'} | ${localSlopes.slice().reverse().map((s) => fmt(s.slope)).join(', ')} |`),
  ];
}
