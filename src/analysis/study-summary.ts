// The summary of a study (src/study/), made from its finished cells (StudyPoints) at the end:
// - with a `seed` axis, for each point of the other axes, mean, sd and 95% interval over
//   seeds of the final risk and of each t_k;
// - with an `epsilon` axis, for each point of the other axes, how each t_k scales with ε,
//   fitted as `timescales sweep` fits it (timeScaleTable, two smallest decades);
// - with both, for each point of the axes other than seed and ε, the same fit on the mean
//   over seeds of each t_k, and the spread over seeds of the per-seed exponents;
// - with an `m` axis, for each point of the other axes, each t_k extrapolated to m = ∞
//   (Richardson in 1/m, analysis/extrapolate.ts; smooth in m with init.a.quantiles).
// summarize() is the one place that makes the summary: a new statistic is one more call there.
// Statistics over seeds are the mean, the sample standard deviation and the central 95%
// interval (the 2.5% and 97.5% quantiles, linear interpolation between order statistics —
// Hyndman & Fan type 7, the default of R and numpy).
import { extrapolateInM, type Extrapolation } from './extrapolate.js';
import { timeScaleTable, type TimeScaleRow } from './sweep.js';
import type { Theory } from './theory.js';
import type { CellOutcome } from '../study/table.js';
import { canonicalJSON } from '../io/checkpoint.js';
import type { StudyAxis } from '../study/plan.js';

export interface SampleStats {
  /** Values counted (a learning time not reached, or a failed cell, is not). */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); null for n < 2. */
  sd: number | null;
  /** [2.5%, 97.5%] quantiles of the values. */
  interval95: [number, number] | null;
}

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

/** With an `m` axis, at one point of the other axes: t_k against m and its estimate at m = ∞. */
export interface MGroup {
  point: Record<string, unknown>;
  /** m, increasing, and t_k at each (null: not reached). */
  m: number[];
  times: (number | null)[][];
  /** Per degree, the extrapolation over the m where t_k was reached (null with fewer than two). */
  limit: (Extrapolation | null)[];
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
  /** With an m axis. */
  m?: MGroup[];
}

/** Fitted over the two smallest decades of ε, as `sweep` does by default. */
export const FIT_DECADES = 2;

/**
 * The finished cells, in the order added (cell order): for each, the index of its value on
 * each axis, its retcode, final risk and t_0..t_D. Numbers in flat arrays rather than an
 * object per cell, as this is the one part of a study that grows with its cells.
 */
export class StudyPoints {
  size = 0;
  private readonly keys: Map<string, number>[];
  private readonly index: number[] = [];
  /** Per cell: the risk, then t_0..t_maxDegree (NaN for null or absent). */
  private readonly numbers: number[] = [];
  /** Per cell: how many learning times it has (0 for a cell that threw). */
  private readonly lengths: number[] = [];
  private readonly codes: number[] = [];
  private readonly retcodes: string[] = [];
  /** Per cell: the theory's t_0 constant c, and A, B of t_1 (NaN where none). */
  private readonly constants: number[] = [];

  constructor(readonly axes: StudyAxis[], readonly maxDegree: number) {
    // canonicalJSON tells an axis's values apart (planStudy refuses two that share it)
    this.keys = axes.map((a) => new Map(a.values.map((v, j) => [canonicalJSON(v), j])));
  }

  add(values: unknown[], o: CellOutcome): void {
    values.forEach((v, a) => {
      const j = this.keys[a].get(canonicalJSON(v));
      if (j === undefined) throw new Error(`${canonicalJSON(v)} is not a value of axis "${this.axes[a].path}"`);
      this.index.push(j);
    });
    let code = this.retcodes.indexOf(o.retcode);
    if (code < 0) code = this.retcodes.push(o.retcode) - 1;
    this.codes.push(code);
    this.numbers.push(o.risk ?? NaN);
    for (let k = 0; k <= this.maxDegree; k++) this.numbers.push(o.learningTimes[k] ?? NaN);
    this.lengths.push(o.learningTimes.length);
    const ts = o.timeScales;
    this.constants.push(ts?.t0?.c ?? NaN, ts?.t1?.A ?? NaN, ts?.t1?.B ?? NaN);
    this.size++;
  }

  /** The theory's leading-order time scales of cell i (docs/theory.md §4–5). */
  timeScales(i: number): Theory['timeScales'] {
    const [c, A, B] = this.constants.slice(3 * i, 3 * i + 3);
    return { t0: Number.isNaN(c) ? null : { c }, t1: Number.isNaN(A) ? null : { A, B } };
  }

  valueIndex(i: number, a: number): number {
    return this.index[i * this.axes.length + a];
  }

  value(i: number, a: number): unknown {
    return this.axes[a].values[this.valueIndex(i, a)];
  }

  retcode(i: number): string {
    return this.retcodes[this.codes[i]];
  }

  risk(i: number): number | null {
    return nullIfNaN(this.numbers[i * (this.maxDegree + 2)]);
  }

  /** t_k of cell i (null: not reached, or past the cell's degrees). */
  time(i: number, k: number): number | null {
    return k > this.maxDegree ? null : nullIfNaN(this.numbers[i * (this.maxDegree + 2) + 1 + k]);
  }

  /** How many learning times cell i has. */
  times(i: number): number {
    return this.lengths[i];
  }
}

const nullIfNaN = (x: number) => (Number.isNaN(x) ? null : x);

/** The study's summary from its finished cells. */
export function summarize(p: StudyPoints): StudySummary {
  const retcodes: Record<string, number> = {};
  for (let i = 0; i < p.size; i++) retcodes[p.retcode(i)] = (retcodes[p.retcode(i)] ?? 0) + 1;
  const summary: StudySummary = { cells: p.size, retcodes, axes: p.axes.map((a) => ({ path: a.path, values: a.values })) };
  const seed = p.axes.findIndex((a) => a.path === 'seed');
  const eps = p.axes.findIndex((a) => a.path === 'epsilon');
  if (seed >= 0) summary.seed = overSeeds(p, seed);
  if (eps >= 0) summary.epsilon = epsilonFits(p, eps);
  if (seed >= 0 && eps >= 0) summary.seedMeans = seedMeans(p, seed, eps, summary.seed!, summary.epsilon!);
  const m = p.axes.findIndex((a) => a.path === 'm');
  if (m >= 0) summary.m = mLimits(p, m);
  return summary;
}

interface Group { point: Record<string, unknown>; cells: number[] }

/** The cells grouped by their values on every axis but `leftOut`, groups in the order first seen. */
export function groupCells(p: StudyPoints, leftOut: number[]): Group[] {
  const by = p.axes.map((_, a) => a).filter((a) => !leftOut.includes(a));
  const groups = new Map<string, Group>();
  for (let i = 0; i < p.size; i++) {
    const key = by.map((a) => p.valueIndex(i, a)).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, g = { point: Object.fromEntries(by.map((a) => [p.axes[a].path, p.value(i, a)])), cells: [] });
    g.cells.push(i);
  }
  return [...groups.values()];
}

function overSeeds(p: StudyPoints, seed: number): SeedGroup[] {
  return groupCells(p, [seed]).map(({ point, cells }) => {
    const risks = cells.filter((i) => p.retcode(i) === 'success' && p.risk(i) !== null).map((i) => p.risk(i)!);
    const times = Array.from({ length: p.maxDegree + 1 }, (_, k) => sampleStats(cells.map((i) => p.time(i, k)).filter((t) => t !== null)));
    return { point, seeds: cells.length, risk: sampleStats(risks), times };
  });
}

/** Each group's time-scale table across its cells by decreasing ε (cells of equal ε keep their order). */
function epsilonFits(p: StudyPoints, eps: number): EpsilonGroup[] {
  return groupCells(p, [eps]).map(({ point, cells }) => {
    const order = [...cells].sort((a, b) => (p.value(b, eps) as number) - (p.value(a, eps) as number));
    const length = cells.reduce((n, i) => Math.min(n, p.times(i)), Infinity);
    const epsilon = order.map((i) => p.value(i, eps) as number);
    const times = order.map((i) => Array.from({ length }, (_, k) => p.time(i, k)));
    // the theory's constants do not depend on ε: those of any cell of the group
    return { point, epsilon, table: timeScaleTable(epsilon, times, FIT_DECADES, p.timeScales(order[0])) };
  });
}

/** Each group's learning times against m (increasing), extrapolated to m = ∞ degree by degree. */
function mLimits(p: StudyPoints, mAxis: number): MGroup[] {
  return groupCells(p, [mAxis]).map(({ point, cells }) => {
    const order = [...cells].sort((a, b) => (p.value(a, mAxis) as number) - (p.value(b, mAxis) as number));
    const m = order.map((i) => p.value(i, mAxis) as number);
    const times = order.map((i) => Array.from({ length: p.maxDegree + 1 }, (_, k) => p.time(i, k)));
    const limit = Array.from({ length: p.maxDegree + 1 }, (_, k) => {
      const reached = order.map((_, j) => j).filter((j) => times[j][k] !== null);
      return reached.length >= 2 ? extrapolateInM(reached.map((j) => m[j]), reached.map((j) => times[j][k]!)) : null;
    });
    return { point, m, times, limit };
  });
}

/** The groups over seeds at each point of the axes other than seed and ε, with the per-seed ε fits there. */
function seedMeans(p: StudyPoints, seed: number, eps: number, overSeeds: SeedGroup[], perSeed: EpsilonGroup[]): SeedMeanGroup[] {
  const D1 = p.maxDegree + 1;
  const epsPath = p.axes[eps].path;
  const others = p.axes.filter((_, a) => a !== seed && a !== eps).map((a) => a.path);
  const keyOf = (point: Record<string, unknown>) => others.map((path) => canonicalJSON(point[path])).join(',');
  // the per-seed fitted slopes of t_k, by point of the other axes
  const slopes = new Map<string, number[][]>();
  for (const g of perSeed) {
    const key = keyOf(g.point);
    if (!slopes.has(key)) slopes.set(key, Array.from({ length: D1 }, () => []));
    g.table.forEach((row, k) => { if (row.fit) slopes.get(key)![k].push(row.fit.slope); });
  }
  const groups = new Map<string, SeedGroup[]>();
  for (const g of overSeeds) groups.set(keyOf(g.point), [...groups.get(keyOf(g.point)) ?? [], g]);
  return [...groups].map(([key, gs]) => {
    const rows = gs.sort((a, b) => (b.point[epsPath] as number) - (a.point[epsPath] as number));
    const epsilon = rows.map((g) => g.point[epsPath] as number);
    const means = rows.map((g) => g.times.map((t) => (t.n === g.seeds ? t.mean : null)));
    return {
      point: Object.fromEntries(others.map((path) => [path, rows[0].point[path]])), epsilon, seeds: rows.map((g) => g.seeds),
      reached: Array.from({ length: D1 }, (_, k) => rows.map((g) => g.times[k].n)),
      table: timeScaleTable(epsilon, means, FIT_DECADES),
      seedSlopes: Array.from({ length: D1 }, (_, k) => sampleStats(slopes.get(key)?.[k] ?? [])),
    };
  });
}

function sampleStats(values: number[]): SampleStats {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, interval95: null };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  // (v − mean)·(v − mean), not ** 2: a product is rounded alike in every engine, Math.pow need not be
  const squares = values.reduce((sum, v) => sum + (v - mean) * (v - mean), 0);
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : null;
  const sorted = new Float64Array(values).sort();
  return { n, mean, sd, interval95: [quantile(sorted, 0.025), quantile(sorted, 0.975)] };
}

/** Type-7 quantile of sorted values. */
function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
