// The rows of a trajectory as the output loop collects them, one per output time, and their
// flat columns: what a Trajectory returns and what a checkpoint keeps, so that a resumed run
// returns the whole trajectory from t = 0.
import { keepsWeights, type Frame, type Trajectory } from './solution.js';

/** A model's quantities at one output time. */
export interface Observation {
  risk: number;
  /** R_mf(a, s): the network and SGD models. */
  mfRisk?: number;
  components: Float64Array;
  a: Float64Array;
  s: Float64Array;
  /** Empirical loss on the fixed samples (multi-pass SGD). */
  loss?: number;
}

/** The columns a trajectory can have, in the order a checkpoint stores them. */
export const COLUMNS = ['t', 'risk', 'mfRisk', 'components', 'a', 's', 'loss'] as const;
export type Column = (typeof COLUMNS)[number];

export interface RowShape {
  m: number;
  degrees: number;
  /** Store a and s per row (undefined: when m · rows stays small, see keepsWeights). */
  keepWeights?: boolean;
  mfRisk: boolean;
  loss: boolean;
}

export class Rows {
  /** Numbers per row of each column present. */
  readonly widths: Partial<Record<Column, number>> = {};
  private readonly data: Partial<Record<Column, Float64Array>> = {};
  count = 0;

  constructor(private readonly capacity: number, private readonly shape: RowShape) {
    const D = shape.degrees + 1;
    const keep = keepsWeights(shape.keepWeights, shape.m, capacity);
    const widths: [Column, number, boolean][] = [
      ['t', 1, true], ['risk', 1, true], ['mfRisk', 1, shape.mfRisk], ['components', D, true],
      ['a', shape.m, keep], ['s', shape.m, keep], ['loss', 1, shape.loss],
    ];
    for (const [name, width, present] of widths) {
      if (!present) continue;
      this.widths[name] = width;
      this.data[name] = new Float64Array(capacity * width);
    }
  }

  /** Appends the observation at time t (its frame, only if wanted: rows.frame(k)). */
  push(t: number, o: Observation): void {
    const k = this.count++;
    const d = this.data;
    d.t![k] = t;
    d.risk![k] = o.risk;
    if (d.mfRisk) d.mfRisk[k] = o.mfRisk ?? NaN;
    if (d.loss) d.loss[k] = o.loss ?? NaN;
    const D = this.widths.components!;
    d.components!.set(o.components.subarray(0, D), k * D);
    d.a?.set(o.a, k * this.shape.m);
    d.s?.set(o.s, k * this.shape.m);
  }

  /** Row k as the frame handed to onFrame. */
  frame(k: number): Frame {
    const row = (c: Column) => this.data[c]?.slice(k * this.widths[c]!, (k + 1) * this.widths[c]!);
    return {
      index: k, t: this.data.t![k], risk: this.data.risk![k], components: row('components')!,
      ...(this.data.a ? { a: row('a'), s: row('s') } : {}),
    };
  }

  /** The first `count` rows of every column present, in COLUMNS order. */
  columns(): { name: Column; data: Float64Array }[] {
    return COLUMNS.filter((c) => this.data[c]).map((name) => ({ name, data: this.data[name]!.subarray(0, this.count * this.widths[name]!) }));
  }

  /**
   * Refills the rows from saved columns of `count` rows; returns why they do not fit this
   * trajectory's shape, or null.
   */
  load(columns: { name: string; data: Float64Array }[], count: number): string | null {
    if (!Number.isInteger(count) || count < 0 || count > this.capacity) return `${count} rows, but the run has ${this.capacity} output times`;
    const mine = COLUMNS.filter((c) => this.data[c]);
    if (columns.map((c) => c.name).join() !== mine.join()) return `columns ${columns.map((c) => c.name).join(', ')}, expected ${mine.join(', ')}`;
    for (const { name, data } of columns) {
      const want = count * this.widths[name as Column]!;
      if (data.length !== want) return `column ${name} holds ${data.length} numbers, expected ${want}`;
    }
    for (const { name, data } of columns) this.data[name as Column]!.set(data);
    this.count = count;
    return null;
  }

  /** The rows as the arrays of a Trajectory (copies, trimmed to `count`). */
  trajectory(): Pick<Trajectory, 't' | 'risk' | 'mfRisk' | 'components' | 'a' | 's' | 'loss'> {
    const col = (c: Column) => this.data[c]?.slice(0, this.count * this.widths[c]!);
    return {
      t: col('t')!, risk: col('risk')!, components: col('components')!,
      ...(this.data.mfRisk ? { mfRisk: col('mfRisk') } : {}),
      a: col('a'), s: col('s'),
      ...(this.data.loss ? { loss: col('loss') } : {}),
    };
  }
}
