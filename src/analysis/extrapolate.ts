// Extrapolation of a quantity measured at several m to m = ∞ (the mean-field limit the paper
// takes before ε → 0), by Richardson's method in h = 1/m: the polynomial in h through the
// points, evaluated at h = 0 (Neville's scheme). With a(0) at the quantiles of its law
// (init.a.quantiles) a learning time varies smoothly with m, which the method needs.

export interface Extrapolation {
  /** The estimate at m = ∞: the highest-order extrapolation through all points. */
  value: number;
  /** |highest − next-highest order|: the usual Richardson error estimate. */
  error: number;
  /** Order-by-order estimates at m = ∞, each from the largest m's: order 0 is the largest m's value. */
  orders: number[];
}

/**
 * Richardson extrapolation of y(m) to m = ∞ in powers of 1/m, from points at distinct m
 * (any order; at least two). The order-q estimate uses the q + 1 largest m; the error
 * estimate compares the last two orders. Throws RangeError for fewer than two points,
 * repeated m, or non-finite values.
 */
export function extrapolateInM(m: number[], y: number[]): Extrapolation {
  if (m.length !== y.length || m.length < 2) throw new RangeError('extrapolateInM needs at least two (m, y) points');
  if (new Set(m).size !== m.length) throw new RangeError('extrapolateInM: each m once');
  if (![...m, ...y].every(Number.isFinite)) throw new RangeError('extrapolateInM: finite m and y');
  const pts = m.map((mi, i) => [1 / mi, y[i]] as const).sort((a, b) => a[0] - b[0]); // largest m first
  const h = pts.map((q) => q[0]);
  // Neville's scheme one point at a time: after point q, row[j] is the polynomial through
  // points q − j … q evaluated at h = 0, so row[q] is the order-q estimate; O(n²) in all.
  const orders: number[] = [];
  let row: number[] = [];
  for (let q = 0; q < pts.length; q++) {
    const next = [pts[q][1]];
    for (let j = 1; j <= q; j++) next.push((h[q] * row[j - 1] - h[q - j] * next[j - 1]) / (h[q] - h[q - j]));
    orders.push(next[q]);
    row = next;
  }
  const n = orders.length;
  return { value: orders[n - 1], error: Math.abs(orders[n - 1] - orders[n - 2]), orders };
}
