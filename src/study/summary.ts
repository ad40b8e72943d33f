// What a study adds up to, read row by row in cell order (memory in the number of
// points of the other axes, not in cells):
// - with a `seed` axis, for each point of the other axes, mean, sd and 95% interval over
//   seeds of the final risk and of each t_k;
// - with an `epsilon` axis, for each point of the other axes, how each t_k scales with ε,
//   fitted as `timescales sweep` fits it (timeScaleTable, two smallest decades).
import { timeScaleTable, type TimeScaleRow } from '../analysis/sweep.js';
import { sampleStats, type SampleStats } from './stats.js';
import type { StudyAxis } from './plan.js';
import type { StudyRow } from './table.js';

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

export interface StudySummary {
  cells: number;
  /** Cells per retcode ("success", "blowup", …, "error" for a cell that threw). */
  retcodes: Record<string, number>;
  axes: { path: string; values: unknown[] }[];
  seed?: SeedGroup[];
  epsilon?: EpsilonGroup[];
}

/** Fitted over the two smallest decades of ε, as `sweep` does by default. */
export const FIT_DECADES = 2;

interface Point { point: Record<string, unknown> }
interface SeedAcc { seeds: number; risk: number[]; times: number[][] }
interface EpsAcc { runs: { e: number; times: (number | null)[] }[] }

export class SummaryBuilder {
  private cells = 0;
  private readonly retcodes: Record<string, number> = {};
  private readonly seedAxis: number;
  private readonly epsAxis: number;
  private readonly seedGroups = new Map<string, SeedAcc & Point>();
  private readonly epsGroups = new Map<string, EpsAcc & Point>();

  constructor(private readonly axes: StudyAxis[], private readonly maxDegree: number) {
    this.seedAxis = axes.findIndex((a) => a.path === 'seed');
    this.epsAxis = axes.findIndex((a) => a.path === 'epsilon');
  }

  add(row: StudyRow): void {
    this.cells++;
    const o = row.outcome;
    this.retcodes[o.retcode] = (this.retcodes[o.retcode] ?? 0) + 1;
    if (this.seedAxis >= 0) {
      const g = group(this.seedGroups, this.axes, row.values, this.seedAxis, (): SeedAcc => ({ seeds: 0, risk: [], times: Array.from({ length: this.maxDegree + 1 }, () => []) }));
      g.seeds++;
      if (o.risk !== null && o.retcode === 'success') g.risk.push(o.risk);
      o.learningTimes.forEach((t, k) => { if (t !== null) g.times[k].push(t); });
    }
    if (this.epsAxis >= 0) {
      const g = group(this.epsGroups, this.axes, row.values, this.epsAxis, (): EpsAcc => ({ runs: [] }));
      g.runs.push({ e: row.values[this.epsAxis] as number, times: o.learningTimes });
    }
  }

  finish(): StudySummary {
    const summary: StudySummary = { cells: this.cells, retcodes: this.retcodes, axes: this.axes.map((a) => ({ path: a.path, values: a.values })) };
    if (this.seedAxis >= 0) {
      summary.seed = [...this.seedGroups.values()].map((g) => ({ point: g.point, seeds: g.seeds, risk: sampleStats(g.risk), times: g.times.map(sampleStats) }));
    }
    if (this.epsAxis >= 0) {
      summary.epsilon = [...this.epsGroups.values()].map((g) => {
        const runs = [...g.runs].sort((a, b) => b.e - a.e);
        const D1 = Math.min(...runs.map((r) => r.times.length));
        const times = runs.map((r) => r.times.slice(0, D1));
        return { point: g.point, epsilon: runs.map((r) => r.e), table: timeScaleTable(runs.map((r) => r.e), times, FIT_DECADES) };
      });
    }
    return summary;
  }
}

/** The group of `values` with axis `skip` left out, made on first sight. */
function group<G extends object>(groups: Map<string, G & Point>, axes: StudyAxis[], values: unknown[], skip: number, make: () => G): G & Point {
  const point: Record<string, unknown> = {};
  axes.forEach((a, i) => { if (i !== skip) point[a.path] = values[i]; });
  const id = JSON.stringify(Object.values(point));
  let g = groups.get(id);
  if (!g) groups.set(id, g = { ...make(), point });
  return g;
}
