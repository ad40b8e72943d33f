// summary.md: the study's summary for people (summary.json holds the same numbers in full).
import { fmt } from '../format.js';
import { timeScaleTables } from '../cli/tables.js';
import type { SampleStats } from './stats.js';
import { FIT_DECADES, type StudySummary } from './summary.js';

const show = (v: unknown) => (typeof v === 'number' ? fmt(v) : typeof v === 'string' ? v : JSON.stringify(v));
const pointText = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k} = ${show(v)}`).join(', ') || 'all cells';

/** "mean ± sd [lo, hi] (n)" or "—". */
function statsText(s: SampleStats, of: number): string {
  if (s.mean === null) return '—';
  return `${fmt(s.mean)}${s.sd === null ? '' : ` ± ${fmt(s.sd)}`}${s.interval95 ? ` [${fmt(s.interval95[0])}, ${fmt(s.interval95[1])}]` : ''}${s.n < of ? ` (${s.n}/${of})` : ''}`;
}

export function summaryMarkdown(s: StudySummary): string {
  const lines = [
    '# Study summary', '',
    `${s.cells} cells over ${s.axes.map((a) => `${a.path} (${a.values.length})`).join(' × ')}: ${Object.entries(s.retcodes).map(([r, n]) => `${n} ${r}`).join(', ')}.`,
  ];
  if (s.seed?.length) {
    const D1 = s.seed[0].times.length;
    const others = Object.keys(s.seed[0].point);
    lines.push('', '## Over seeds', '',
      'Mean ± standard deviation [2.5%, 97.5% quantiles] over seeds; the final risk of successful runs, and each learning time where reached (count shown when not every seed reached it).', '',
      `| ${[...others, 'seeds', 'risk', ...Array.from({ length: D1 }, (_, k) => `t_${k}`)].join(' | ')} |`,
      `| ${[...others, 'seeds', 'risk', ...Array.from({ length: D1 }, () => '')].map(() => '---').join(' | ')} |`,
      ...s.seed.map((g) => `| ${[...others.map((p) => show(g.point[p])), String(g.seeds), statsText(g.risk, g.seeds), ...g.times.map((t) => statsText(t, g.seeds))].join(' | ')} |`));
  }
  if (s.epsilon?.length) {
    lines.push('', '## Scaling with ε', '', `Learning times t_k against ε, and exponents fitted over the ${FIT_DECADES} smallest decades of ε (as \`timescales sweep\` fits them).`);
    for (const g of s.epsilon) lines.push('', `### ${pointText(g.point)}`, '', ...timeScaleTables(g.epsilon, g.table, FIT_DECADES));
  }
  return `${lines.join('\n')}\n`;
}
