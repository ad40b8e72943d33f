// One chart per learning time t_k: t_k against the first numeric axis (other than seed
// when there is another), one line per value of the remaining axes (seed excepted); with
// a seed axis, each point is the mean over the seeds that reached t_k. At most MAX_LINES
// lines are drawn, the first in grid order, and the title says how many there were: the
// palette has that many colours, and more lines could not be told apart.
import { lineChart, palette, type Series } from '../plot/line-chart.js';
import { fmt } from '../format.js';
import type { StudyPoints } from './summary.js';

/** Lines drawn per chart: one per colour of the palette (src/plot/line-chart.ts). */
export const MAX_LINES = palette.length;

/** An axis as a chart names it: ε for epsilon, else its path. */
const label = (path: string) => (path === 'epsilon' ? 'ε' : path);

/** SVG documents t_0..t_D (file names `t_k.svg`); none when no axis is numeric. */
export function studyCharts(p: StudyPoints): { name: string; svg: string }[] {
  const { axes, maxDegree } = p;
  const numeric = axes.map((a, i) => [a, i] as const).filter(([a]) => a.values.every((v) => typeof v === 'number'));
  const x = (numeric.find(([a]) => a.path !== 'seed') ?? numeric[0])?.[1];
  if (x === undefined) return [];
  const lineAxes = axes.map((_, a) => a).filter((a) => a !== x && axes[a].path !== 'seed');
  // per line, in the order first seen: per x value, the sum and count of each t_k reached
  const lines = new Map<string, { name: string; points: Map<number, { sum: number[]; n: number[] }> }>();
  const dropped = new Set<string>();
  for (let i = 0; i < p.size; i++) {
    const key = lineAxes.map((a) => p.valueIndex(i, a)).join(',');
    let line = lines.get(key);
    if (!line) {
      if (lines.size === MAX_LINES) {
        dropped.add(key);
        continue;
      }
      const show = (v: unknown) => (typeof v === 'number' ? fmt(v) : typeof v === 'string' ? v : JSON.stringify(v));
      lines.set(key, line = { name: lineAxes.map((a) => `${label(axes[a].path)} = ${show(p.value(i, a))}`).join(', '), points: new Map() });
    }
    const xv = p.value(i, x) as number;
    if (!line.points.has(xv)) line.points.set(xv, { sum: new Array(maxDegree + 1).fill(0), n: new Array(maxDegree + 1).fill(0) });
    const point = line.points.get(xv)!;
    for (let k = 0; k <= maxDegree; k++) {
      const t = p.time(i, k);
      if (t !== null) { point.sum[k] += t; point.n[k]++; }
    }
  }
  const xAxis = axes[x];
  const xs = xAxis.values as number[];
  const xLog = xs.every((v) => v > 0) && Math.max(...xs) / Math.min(...xs) >= 100;
  const seeds = axes.some((a) => a.path === 'seed') && xAxis.path !== 'seed';
  const notes = [seeds ? 'mean over seeds' : '', dropped.size ? `first ${MAX_LINES} of ${MAX_LINES + dropped.size} lines` : ''].filter(Boolean);
  return Array.from({ length: maxDegree + 1 }, (_, k) => {
    const series: Series[] = [...lines.values()].map(({ name, points }) => {
      const sorted = [...points].sort((a, b) => a[0] - b[0]);
      return { name: name || undefined, x: sorted.map(([v]) => v), y: sorted.map(([, s]) => (s.n[k] ? s.sum[k] / s.n[k] : NaN)) };
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
