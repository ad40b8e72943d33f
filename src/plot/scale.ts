// Axis scales for the charts: where a value lands (a fraction of the axis length)
// and which ticks to draw. Auto domains are widened to round values: multiples of
// 1, 2 or 5 × 10^k on linear axes, whole decades on log10 axes.

export type AxisType = 'linear' | 'log';

export interface Tick {
  value: number;
  /** Label text; empty for unlabeled (minor) ticks. */
  label: string;
  /** Set on labeled decades of a log axis (label `1e${power}`), for typesetting as 10^power. */
  power?: number;
}

export interface Scale {
  type: AxisType;
  domain: [number, number];
  ticks: Tick[];
  /** Position of `v` as a fraction of the axis (0 at domain[0]); NaN where `v` cannot be drawn. */
  at(v: number): number;
}

/** Whether `v` can sit on an axis of this type: finite, and positive on a log axis. */
export function drawable(type: AxisType, v: number): boolean {
  return Number.isFinite(v) && (type === 'linear' || v > 0);
}

/** i × 10^k for integer i, correctly rounded (0.1 * 3 is not 0.3, nor 10 ** -30 1e-30), never -0. */
function scaled(i: number, k: number): number {
  return Number(`${i}e${k}`) + 0;
}

/** A step of mult × 10^exp, mult ∈ {1, 2, 5}, giving about `count` intervals over `span` (d3's rule). */
function stepOf(span: number, count: number): { mult: number; exp: number } {
  const raw = span / count;
  const exp = Math.floor(Math.log10(raw));
  const err = raw / 10 ** exp;
  return err >= 7.07 ? { mult: 1, exp: exp + 1 } : { mult: err >= 3.16 ? 5 : err >= 1.41 ? 2 : 1, exp };
}

export function niceStep(span: number, count: number): number {
  const { mult, exp } = stepOf(span, count);
  return scaled(mult, exp);
}

/** Exponent form for labels on axes reaching 1e6 or with steps below 1e-4. */
function scientific(largest: number, step: number): boolean {
  return largest >= 1e6 || step < 1e-4;
}

/** Label for a linear tick: as many decimals (or digits, in exponent form) as the step needs. */
function linearLabel(v: number, step: number, sci: boolean): string {
  if (v === 0) return '0';
  if (sci) {
    const digits = Math.floor(Math.log10(Math.abs(v)) + 1e-9) - Math.floor(Math.log10(step) + 1e-9);
    return v.toExponential(Math.max(0, digits)).replace('e+', 'e');
  }
  return v.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Ticks on the multiples of a 1, 2 or 5 × 10^k step within [lo, hi]; about 5 unless the step is given. */
export function linearTicks(lo: number, hi: number, step = stepOf(hi - lo, 5)): Tick[] {
  const { mult, exp } = step;
  const size = scaled(mult, exp);
  const sci = scientific(Math.max(Math.abs(lo), Math.abs(hi)), size);
  const ticks: Tick[] = [];
  for (let i = Math.ceil(lo / size - 1e-9); i <= Math.floor(hi / size + 1e-9); i++) {
    const v = scaled(i * mult, exp);
    ticks.push({ value: v, label: linearLabel(v, size, sci) });
  }
  return ticks;
}

/**
 * Ticks of a log10 axis over [lo, hi] (0 < lo < hi): decades, labeled every 1, 2, 5, 10…
 * decades so that at most about 8 carry labels, plus unlabeled 2…9 × 10^k marks on
 * spans of 8 decades or fewer. Spans too short to hold two decades label those marks.
 */
export function logTicks(lo: number, hi: number): Tick[] {
  const k0 = Math.floor(Math.log10(lo) + 1e-9);
  const k1 = Math.ceil(Math.log10(hi) - 1e-9);
  const decades = k1 - k0;
  const stride = decades <= 8 ? 1 : niceStep(decades, 8);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  let majors = 0;
  for (let k = k0; k <= k1; k++) if (inside(scaled(1, k))) majors++;
  const labelMinor = majors < 2;
  const ticks: Tick[] = [];
  for (let k = k0; k <= k1; k++) {
    const decade = scaled(1, k);
    if (inside(decade)) ticks.push(k % stride === 0 ? { value: decade, label: `1e${k}`, power: k } : { value: decade, label: '' });
    if (decades > 8) continue;
    for (let j = 2; j <= 9; j++) {
      const v = scaled(j, k);
      if (inside(v)) ticks.push({ value: v, label: labelMinor ? linearLabel(v, decade, scientific(hi, decade)) : '' });
    }
  }
  return ticks;
}

/** Smallest and largest drawable values, or null if there are none. */
export function extent(type: AxisType, arrays: Iterable<ArrayLike<number>>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!drawable(type, v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The scale of one axis over `data` (from `extent`), or over [min, max] where given.
 * Auto ends are widened to the next decade (log) or multiple of the tick step (linear).
 * Throws RangeError if the range is empty or not positive on a log axis.
 */
export function makeScale(type: AxisType, data: [number, number] | null, min?: number, max?: number): Scale {
  let [lo, hi] = data ?? (type === 'log' ? [1, 10] : [0, 1]);
  if (lo === hi) [lo, hi] = type === 'log' ? [lo / 10, hi * 10] : lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  lo = min ?? lo;
  hi = max ?? hi;
  if (!(lo < hi) || !drawable(type, lo)) throw new RangeError(`axis range [${lo}, ${hi}] is empty or not drawable on a ${type} axis`);
  if (type === 'log') {
    lo = min ?? scaled(1, Math.floor(Math.log10(lo) + 1e-9));
    hi = max ?? scaled(1, Math.ceil(Math.log10(hi) - 1e-9));
    const l0 = Math.log10(lo);
    const span = Math.log10(hi) - l0;
    return { type, domain: [lo, hi], ticks: logTicks(lo, hi), at: (v) => (v > 0 ? (Math.log10(v) - l0) / span : NaN) };
  }
  const step = stepOf(hi - lo, 5);
  const size = scaled(step.mult, step.exp);
  lo = min ?? scaled(Math.floor(lo / size + 1e-9) * step.mult, step.exp);
  hi = max ?? scaled(Math.ceil(hi / size - 1e-9) * step.mult, step.exp);
  return { type, domain: [lo, hi], ticks: linearTicks(lo, hi, step), at: (v) => (Number.isFinite(v) ? (v - lo) / (hi - lo) : NaN) };
}
