// What a study adds up to, read row by row in cell order (memory in the number of
// points of the other axes, not in cells):
// - with a `seed` axis, for each point of the other axes, mean, sd and 95% interval over
//   seeds of the final risk and of each t_k;
// - with an `epsilon` axis, for each point of the other axes, how each t_k scales with ε,
//   fitted as `timescales sweep` fits it (timeScaleTable, two smallest decades);
// - with both, for each point of the axes other than seed and ε, the same fit on the mean
//   over seeds of each t_k (sums per ε kept as rows arrive), and the spread over seeds of
//   the per-seed exponents.
import { timeScaleTable, type TimeScaleRow } from '../analysis/sweep.js';
import { sampleStats, type SampleStats } from './stats.js';
import type { StudyAxis } from './plan.js';
import type { StudyRow } from './table.js';
import { TupleMap } from './tuple-map.js';

export interface SeedGroup {
  /** Values of the other axes at this point. */
  point: Record<string, unknown>;
  seeds: number;
  risk: SampleStats;
  /** Stats of t_0..t_D over the seeds that reached it. */
  times: SampleStats[];
}

export interface EpsilonGroup {
  point: Record<string, unknown>;
  /** ε, decreasing, and the time-scale table fitted across them. */
  epsilon: number[];
  table: TimeScaleRow[];
}

/**
 * With a seed and an ε axis, at one point of the other axes: t_k averaged over seeds at each
 * ε and its scaling with ε. A mean is taken only where every seed at that ε reached t_k
 * (null otherwise, and left out of the fit): a mean over the seeds that happened to learn
 * would be biased towards the fast ones. `reached[k][i]` says how many did.
 */
export interface SeedMeanGroup {
  point: Record<string, unknown>;
  /** ε, decreasing; `seeds[i]` cells at epsilon[i]. */
  epsilon: number[];
  seeds: number[];
  reached: number[][];
  /** timeScaleTable of the means: `times` are the means, `fit` the exponent of the mean. */
  table: TimeScaleRow[];
  /** Over seeds, the per-seed fitted exponent of t_k (of the `epsilon` groups at this point). */
  seedSlopes: SampleStats[];
}

export interface StudySummary {
  cells: number;
  /** Cells per retcode ("success", "blowup", …, "error" for a cell that threw). */
  retcodes: Record<string, number>;
  axes: { path: string; values: unknown[] }[];
  seed?: SeedGroup[];
  epsilon?: EpsilonGroup[];
  /** With both a seed and an ε axis. */
  seedMeans?: SeedMeanGroup[];
}

/** Fitted over the two smallest decades of ε, as `sweep` does by default. */
export const FIT_DECADES = 2;

interface Point { point: Record<string, unknown> }
interface SeedAcc { seeds: number; risk: number[]; times: number[][]; stats?: { risk: SampleStats; times: SampleStats[]; at: number } }
/**
 * Per cell, in arrival order: its ε, and t_0..t_D in `times` (stride maxDegree + 1, NaN for
 * "not reached" and past the cell's own degrees; a row's times are numbers or null, never
 * NaN); `length` is the fewest t_k a cell had. Numbers in flat arrays rather than an object
 * and the row's array per cell: about 16 bytes per cell instead of about 150, the one part of
 * the summary that grows with the cells (measured: 14 MB more heap kept at 100 000 cells).
 */
interface EpsAcc { e: number[]; times: number[]; length: number; fitted?: EpsilonGroup }
/** Per ε: cells, and per k the sum and count of t_k over the seeds that reached it. */
interface MeanAcc { byEps: Map<number, { cells: number; sum: number[]; n: number[] }> }

export class SummaryBuilder {
  private cells = 0;
  private readonly retcodes: Record<string, number> = {};
  private readonly seedAxis: number;
  private readonly epsAxis: number;
  private readonly seedGroups = new TupleMap<SeedAcc & Point>();
  private readonly epsGroups = new TupleMap<EpsAcc & Point>();
  private readonly meanGroups = new TupleMap<MeanAcc & Point>();
  /** The axes that tell the groups of each kind apart: all but seed; all but ε; all but both. */
  private readonly bySeed: number[];
  private readonly byEps: number[];
  private readonly byBoth: number[];

  /**
   * `groupSizes`: the cells of each ε group and of each seed group, where known (groupCells). A
   * group's fit, or its statistics over seeds, is then made as its last cell arrives, while
   * the workers still compute, rather than all at the end: at 1000 cells over ε × 100 seeds
   * the fits took 25–33 ms of the main thread after the last cell, and the statistics of 10
   * groups of 100 seeds 5–10 ms (code that runs once, not yet compiled). A count that turns
   * out wrong costs only the time: what a group has when the study ends is what counts.
   */
  constructor(private readonly axes: StudyAxis[], private readonly maxDegree: number, private readonly groupSizes: { epsilon?: number; seed?: number } = {}) {
    this.seedAxis = axes.findIndex((a) => a.path === 'seed');
    this.epsAxis = axes.findIndex((a) => a.path === 'epsilon');
    const all = axes.map((_, i) => i);
    this.bySeed = all.filter((i) => i !== this.seedAxis);
    this.byEps = all.filter((i) => i !== this.epsAxis);
    this.byBoth = all.filter((i) => i !== this.seedAxis && i !== this.epsAxis);
  }

  add(row: StudyRow): void {
    this.cells++;
    const o = row.outcome;
    this.retcodes[o.retcode] = (this.retcodes[o.retcode] ?? 0) + 1;
    if (this.seedAxis >= 0) {
      const g = group(this.seedGroups, this.axes, row.values, this.bySeed, (): SeedAcc => ({ seeds: 0, risk: [], times: Array.from({ length: this.maxDegree + 1 }, () => []) }));
      g.seeds++;
      if (o.risk !== null && o.retcode === 'success') g.risk.push(o.risk);
      o.learningTimes.forEach((t, k) => { if (t !== null) g.times[k].push(t); });
      if (g.seeds === this.groupSizes.seed) g.stats = { risk: sampleStats(g.risk), times: g.times.map(sampleStats), at: g.seeds };
    }
    if (this.epsAxis >= 0) {
      const g = group(this.epsGroups, this.axes, row.values, this.byEps, (): EpsAcc => ({ e: [], times: [], length: Infinity }));
      g.e.push(row.values[this.epsAxis] as number);
      for (let k = 0; k <= this.maxDegree; k++) g.times.push(o.learningTimes[k] ?? NaN);
      g.length = Math.min(g.length, o.learningTimes.length);
      if (g.e.length === this.groupSizes.epsilon) g.fitted = this.fit(g);
    }
    if (this.seedAxis >= 0 && this.epsAxis >= 0) {
      const g = group(this.meanGroups, this.axes, row.values, this.byBoth, (): MeanAcc => ({ byEps: new Map() }));
      const e = row.values[this.epsAxis] as number;
      let acc = g.byEps.get(e);
      if (!acc) g.byEps.set(e, acc = { cells: 0, sum: new Array(this.maxDegree + 1).fill(0), n: new Array(this.maxDegree + 1).fill(0) });
      acc.cells++;
      o.learningTimes.forEach((t, k) => {
        if (t === null || k > this.maxDegree) return;
        acc.sum[k] += t;
        acc.n[k]++;
      });
    }
  }

  finish(): StudySummary {
    const summary: StudySummary = { cells: this.cells, retcodes: this.retcodes, axes: this.axes.map((a) => ({ path: a.path, values: a.values })) };
    if (this.seedAxis >= 0) {
      summary.seed = [...this.seedGroups.values()].map((g) => {
        const stats = g.stats?.at === g.seeds ? g.stats : { risk: sampleStats(g.risk), times: g.times.map(sampleStats) };
        return { point: g.point, seeds: g.seeds, risk: stats.risk, times: stats.times };
      });
    }
    if (this.epsAxis >= 0) summary.epsilon = [...this.epsGroups.values()].map((g) => (g.fitted?.epsilon.length === g.e.length ? g.fitted : this.fit(g)));
    if (this.seedAxis >= 0 && this.epsAxis >= 0) summary.seedMeans = this.seedMeans(summary.epsilon!);
    return summary;
  }

  /** The time-scale table of an ε group, across its cells by decreasing ε (cells of equal ε keep their order: a stable sort). */
  private fit(g: EpsAcc & Point): EpsilonGroup {
    const stride = this.maxDegree + 1;
    const order = g.e.map((_, i) => i).sort((a, b) => g.e[b] - g.e[a]);
    const times = order.map((i) => Array.from({ length: g.length }, (_, k) => {
      const t = g.times[i * stride + k];
      return Number.isNaN(t) ? null : t;
    }));
    const epsilon = order.map((i) => g.e[i]);
    return { point: g.point, epsilon, table: timeScaleTable(epsilon, times, FIT_DECADES) };
  }

  private seedMeans(perSeed: EpsilonGroup[]): SeedMeanGroup[] {
    const D1 = this.maxDegree + 1;
    /** A group's values on the axes other than seed and ε (its point holds them by path). */
    const keyOf = (point: Record<string, unknown>) => this.byBoth.map((i) => point[this.axes[i].path]);
    // the per-seed fitted slopes of t_k, by point of the other axes
    const slopes = new TupleMap<number[][]>();
    for (const p of perSeed) {
      const key = keyOf(p.point);
      let s = slopes.get(key);
      if (!s) slopes.add(key, s = Array.from({ length: D1 }, () => []));
      p.table.forEach((row, k) => { if (row.fit) s[k].push(row.fit.slope); });
    }
    return [...this.meanGroups.values()].map((g) => {
      const eps = [...g.byEps].sort((a, b) => b[0] - a[0]);
      const means = eps.map(([, a]) => Array.from({ length: D1 }, (_, k) => (a.n[k] === a.cells ? a.sum[k] / a.n[k] : null)));
      const s = slopes.get(keyOf(g.point));
      return {
        point: g.point, epsilon: eps.map(([e]) => e), seeds: eps.map(([, a]) => a.cells),
        reached: Array.from({ length: D1 }, (_, k) => eps.map(([, a]) => a.n[k])),
        table: timeScaleTable(eps.map(([e]) => e), means, FIT_DECADES),
        seedSlopes: Array.from({ length: D1 }, (_, k) => sampleStats(s?.[k] ?? [])),
      };
    });
  }
}

/**
 * Cells in each group that leaves out the axis at `path` (an ε group, a seed group) in a grid
 * whose product factors are `factors` (plan.ts): that axis's length, or 1 where it advances
 * together with other axes (zip), which then tell the groups apart; undefined without it.
 */
export function groupCells(axes: StudyAxis[], factors: number[][], path: string): number | undefined {
  const a = axes.findIndex((x) => x.path === path);
  if (a < 0) return undefined;
  return factors.find((f) => f.includes(a))!.length === 1 ? axes[a].values.length : 1;
}

/**
 * The group of `values` on the axes `by` (the others left out), made on first sight; the
 * point object (those axes' values by path) is made only for a new group.
 */
function group<G extends object>(groups: TupleMap<G & Point>, axes: StudyAxis[], values: unknown[], by: number[], make: () => G): G & Point {
  const key = by.map((i) => values[i]);
  let g = groups.get(key);
  if (!g) {
    const point: Record<string, unknown> = {};
    for (const i of by) point[axes[i].path] = values[i];
    groups.add(key, g = { ...make(), point });
  }
  return g;
}
