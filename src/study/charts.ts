// One chart per learning time t_k: t_k against the first numeric axis (other than seed
// when there is another), one line per value of the remaining axes (seed excepted);
// with a seed axis, each point is the mean over the seeds that reached t_k. Sums are kept
// per (line, x) point, so memory does not grow with the number of seeds.
//
// At most MAX_LINES lines are drawn, the first in grid order, and the title says how many
// there were. Seeds never make lines (they are averaged), so many lines come from another
// axis with many values (2000 values of m, say): one path each would make a chart of
// megabytes whose lines cannot be told apart, the palette having ten colours. Averaging
// over such an axis would mix what the chart is meant to separate, so the first lines are
// kept whole; the other values are in table.csv and summary.json. Memory then holds the
// sums of the drawn lines and the keys of the others (to count them), not their points.
import { lineChart, palette, type Series } from '../plot/line-chart.js';
import { fmt } from '../format.js';
import type { StudyAxis } from './plan.js';
import type { StudyRow } from './table.js';
import { TupleMap } from './tuple-map.js';

/** Lines drawn per chart: one per colour of the palette (src/plot/line-chart.ts). */
export const MAX_LINES = palette.length;

export class ChartBuilder {
  private readonly x: number;
  private readonly lineAxes: number[];
  private readonly lines = new TupleMap<{ name: string; points: Map<number, { sum: number[]; n: number[] }> }>();
  /** Lines beyond MAX_LINES, by key: counted, not drawn. */
  private readonly dropped = new TupleMap<true>();

  constructor(private readonly axes: StudyAxis[], private readonly maxDegree: number) {
    const numeric = axes.map((a, i) => [a, i] as const).filter(([a]) => a.values.every((v) => typeof v === 'number'));
    this.x = (numeric.find(([a]) => a.path !== 'seed') ?? numeric[0] ?? [null, -1])[1];
    this.lineAxes = axes.map((_, i) => i).filter((i) => i !== this.x && axes[i].path !== 'seed');
  }

  /** False when no axis is numeric (nothing to put on x). */
  get drawable(): boolean {
    return this.x >= 0;
  }

  add(row: StudyRow): void {
    if (this.x < 0) return;
    // keyed by the values themselves: names round numbers (fmt), and two values that print
    // alike are still two lines
    const key = this.lineAxes.map((i) => row.values[i]);
    let line = this.lines.get(key);
    if (!line) {
      if (this.lines.size >= MAX_LINES) {
        if (!this.dropped.get(key)) this.dropped.add(key, true);
        return;
      }
      const name = this.lineAxes.map((i) => `${this.axes[i].path} = ${typeof row.values[i] === 'number' ? fmt(row.values[i] as number) : typeof row.values[i] === 'string' ? row.values[i] : JSON.stringify(row.values[i])}`).join(', ');
      this.lines.add(key, line = { name, points: new Map() });
    }
    const x = row.values[this.x] as number;
    let p = line.points.get(x);
    if (!p) line.points.set(x, p = { sum: new Array(this.maxDegree + 1).fill(0), n: new Array(this.maxDegree + 1).fill(0) });
    row.outcome.learningTimes.forEach((t, k) => {
      if (t === null || k > this.maxDegree) return;
      p.sum[k] += t;
      p.n[k]++;
    });
  }

  /** SVG documents t_0..t_D (file names `t_k.svg`). */
  finish(): { name: string; svg: string }[] {
    if (this.x < 0) return [];
    const xAxis = this.axes[this.x];
    const xs = xAxis.values as number[];
    const xLog = xs.every((v) => v > 0) && Math.max(...xs) / Math.min(...xs) >= 100;
    const seeds = this.axes.some((a) => a.path === 'seed') && xAxis.path !== 'seed';
    const total = this.lines.size + this.dropped.size;
    const notes = [seeds ? 'mean over seeds' : '', this.dropped.size ? `first ${this.lines.size} of ${total} lines` : ''].filter(Boolean);
    return Array.from({ length: this.maxDegree + 1 }, (_, k) => {
      const series: Series[] = [...this.lines.values()].map(({ name, points }) => {
        const sorted = [...points].sort((a, b) => a[0] - b[0]);
        return { name: name || undefined, x: sorted.map(([x]) => x), y: sorted.map(([, p]) => (p.n[k] ? p.sum[k] / p.n[k] : NaN)) };
      });
      const ys = series.flatMap((s) => Array.from(s.y)).filter(Number.isFinite);
      const yLog = ys.length > 0 && ys.every((v) => v > 0);
      const svg = lineChart({
        series, title: `t_${k} against ${xAxis.path}${notes.length ? ` (${notes.join('; ')})` : ''}`,
        x: { label: xAxis.path, type: xLog ? 'log' : 'linear' }, y: { label: `t_${k}`, type: yLog ? 'log' : 'linear' },
        legend: series.length > 1 ? 'top-left' : 'none', width: 520, height: 360,
      });
      return { name: `t_${k}.svg`, svg };
    });
  }
}
