// What people read of a study (src/study/): summary.md (summary.json holds the same numbers in full)
// and one chart per learning time.
import { fmt } from '../format.js';
import { fmtTime, markdownTable, timeScaleTables } from './markdown.js';
import { lineChart, palette, type Series } from '../plot/line-chart.js';
import { canonicalJSON } from '../io/checkpoint.js';
import { FIT_DECADES, groupCells, summarize, type SampleStats, type SeedMeanGroup, type StudyPoints, type StudySummary } from './study-summary.js';

const show = (v: unknown) => (typeof v === 'number' ? fmt(v) : typeof v === 'string' ? v : JSON.stringify(v));
const times = (n: number) => Array.from({ length: n }, (_, k) => `t_${k}`);
const pointText = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k} = ${show(v)}`).join(', ') || 'all cells';

/** summary.json's content, summary.md and the charts `t_k.svg`. */
export interface StudyReport { summary: StudySummary; markdown: string; charts: { name: string; svg: string }[] }

/** The report of a study from its finished cells. */
export function studyReport(p: StudyPoints): StudyReport {
  const summary = summarize(p);
  return { summary, markdown: summaryMarkdown(summary), charts: studyCharts(p, summary) };
}

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
    const others = Object.keys(s.seed[0].point);
    lines.push('', '## Over seeds', '',
      'Mean ± standard deviation [2.5%, 97.5% quantiles] over seeds; the final risk of successful runs, and each learning time where reached (count shown when not every seed reached it).', '',
      ...markdownTable([...others, 'seeds', 'risk', ...times(s.seed[0].times.length)],
        s.seed.map((g) => [...others.map((p) => show(g.point[p])), String(g.seeds), statsText(g.risk, g.seeds), ...g.times.map((t) => statsText(t, g.seeds))])));
  }
  if (s.seedMeans?.length) {
    lines.push('', '## Scaling with ε of the mean over seeds', '',
      `Each t_k averaged over seeds at each ε, where every seed reached it (otherwise — and the count that did), and its exponent fitted over the ${FIT_DECADES} smallest decades of ε; beside it, the exponents fitted seed by seed (mean ± standard deviation [2.5%, 97.5% quantiles] over seeds).`);
    for (const g of s.seedMeans) lines.push('', `### ${pointText(g.point)}`, '', ...seedMeanTables(g));
  }
  if (s.epsilon?.length && s.seedMeans?.length) {
    // one row per seed rather than a table each: a hundred seeds stay a page, and the times are in table.csv
    const others = Object.keys(s.epsilon[0].point);
    lines.push('', '## Scaling with ε, seed by seed', '',
      `The exponent of each t_k fitted over the ${FIT_DECADES} smallest decades of ε, seed by seed (the times are in table.csv; summary.json holds each seed's full table).`, '',
      ...markdownTable([...others, ...times(s.epsilon[0].table.length)], s.epsilon.map((g) => [...others.map((p) => show(g.point[p])), ...g.table.map((r) => (r.fit ? fmt(r.fit.slope) : '—'))])));
  } else if (s.epsilon?.length) {
    lines.push('', '## Scaling with ε', '', `Learning times t_k against ε, and exponents fitted over the ${FIT_DECADES} smallest decades of ε (as \`timescales sweep\` fits them).`);
    for (const g of s.epsilon) lines.push('', `### ${pointText(g.point)}`, '', ...timeScaleTables(g.epsilon, g.table, FIT_DECADES));
  }
  if (s.m?.length) {
    lines.push('', '## Learning times at m = ∞', '',
      'Each t_k against m and its Richardson extrapolation in 1/m (± the difference of its last two orders); with init.a.quantiles the times vary smoothly with m.');
    for (const g of s.m) {
      lines.push('', `### ${pointText(g.point)}`, '', ...markdownTable(['m', ...times(g.limit.length)], [
        ...g.m.map((m, j) => [String(m), ...g.times[j].map(fmtTime)]),
        ['∞', ...g.limit.map((x) => (x ? `${fmt(x.value)} ± ${fmt(x.error)}` : '—'))],
      ]));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The mean of t_k per ε (with the count reached where not all seeds did), then the exponents per degree. */
function seedMeanTables(g: SeedMeanGroup): string[] {
  const mean = (k: number, i: number) => {
    const t = g.table[k].times[i];
    return g.reached[k][i] < g.seeds[i] ? `${fmtTime(t)} (${g.reached[k][i]}/${g.seeds[i]})` : fmtTime(t);
  };
  return [
    ...markdownTable(['ε', 'seeds', ...g.table.map((r) => `mean t_${r.degree}`)], g.epsilon.map((e, i) => [fmt(e), String(g.seeds[i]), ...g.table.map((_, k) => mean(k, i))])),
    '',
    ...markdownTable(['degree k', 'predicted exponent', 'fitted to the mean', 'fitted per seed', 'local slopes of the mean, large ε → small ε'], g.table.map(({ degree, predicted, fit, localSlopes }) =>
      [String(degree), fmt(predicted), fit ? fmt(fit.slope) : '—', statsText(g.seedSlopes[degree], Math.max(...g.seeds)), localSlopes.slice().reverse().map((l) => fmt(l.slope)).join(', ')])),
  ];
}

/** Lines drawn per chart: one per colour of the palette (src/plot/line-chart.ts). */
export const MAX_LINES = palette.length;

/** An axis as a chart names it: ε for epsilon, else its path. */
const label = (path: string) => (path === 'epsilon' ? 'ε' : path);

/**
 * SVG documents t_0..t_D (file names `t_k.svg`); none when no axis is numeric. One chart per
 * learning time t_k: t_k against the first numeric axis (other than seed when there is
 * another), one line per value of the remaining axes (seed excepted); with a seed axis, each
 * point is the mean over the seeds that reached t_k. At most MAX_LINES lines are drawn, the
 * first in grid order, and the title says how many there were: the palette has that many
 * colours, and more lines could not be told apart.
 */
export function studyCharts(p: StudyPoints, summary: StudySummary): { name: string; svg: string }[] {
  const { axes, maxDegree } = p;
  const numeric = axes.filter((a) => a.values.every((v) => typeof v === 'number'));
  const xAxis = numeric.find((a) => a.path !== 'seed') ?? numeric[0];
  if (xAxis === undefined) return [];
  const lineAxes = axes.filter((a) => a !== xAxis && a.path !== 'seed').map((a) => a.path);
  const seeds = summary.seed !== undefined && xAxis.path !== 'seed';
  // the points: with seeds, the summary's means over them at each point of the other axes; else the cells
  const points = seeds
    ? summary.seed!.map((g) => ({ at: g.point, t: g.times.map((s) => s.mean) }))
    : groupCells(p, []).map(({ point, cells: [i] }) => ({ at: point, t: Array.from({ length: maxDegree + 1 }, (_, k) => p.time(i, k)) }));
  // per line, in the order first seen, its points
  const lines = new Map<string, { name: string; points: { x: number; t: (number | null)[] }[] }>();
  const dropped = new Set<string>();
  for (const { at, t } of points) {
    const key = lineAxes.map((path) => canonicalJSON(at[path])).join(',');
    let line = lines.get(key);
    if (!line) {
      if (lines.size === MAX_LINES) {
        dropped.add(key);
        continue;
      }
      lines.set(key, line = { name: lineAxes.map((path) => `${label(path)} = ${show(at[path])}`).join(', '), points: [] });
    }
    line.points.push({ x: at[xAxis.path] as number, t });
  }
  const xs = xAxis.values as number[];
  const xLog = xs.every((v) => v > 0) && Math.max(...xs) / Math.min(...xs) >= 100;
  const notes = [seeds ? 'mean over seeds' : '', dropped.size ? `first ${MAX_LINES} of ${MAX_LINES + dropped.size} lines` : ''].filter(Boolean);
  return Array.from({ length: maxDegree + 1 }, (_, k) => {
    const series: Series[] = [...lines.values()].map(({ name, points }) => {
      const sorted = [...points].sort((a, b) => a.x - b.x);
      return { name: name || undefined, x: sorted.map((q) => q.x), y: sorted.map((q) => q.t[k] ?? NaN) };
    });
    const ys = series.flatMap((s) => Array.from(s.y)).filter(Number.isFinite);
    const yLog = ys.length > 0 && ys.every((v) => v > 0);
    const svg = lineChart({
      series, title: `t_${k} against ${label(xAxis.path)}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      x: { label: label(xAxis.path), type: xLog ? 'log' : 'linear' }, y: { label: `t_${k}`, type: yLog ? 'log' : 'linear' },
      legend: series.length > 1 ? 'top-left' : 'none', width: 520, height: 360,
    });
    return { name: `t_${k}.svg`, svg };
  });
}
