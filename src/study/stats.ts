// Statistics over the seeds of a study: mean, sample standard deviation and the central
// 95% interval of the values (the 2.5% and 97.5% quantiles, linear interpolation between
// order statistics — Hyndman & Fan type 7, the default of R and numpy).

export interface SampleStats {
  /** Values counted (a learning time not reached, or a failed cell, is not). */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); null for n < 2. */
  sd: number | null;
  /** [2.5%, 97.5%] quantiles of the values. */
  interval95: [number, number] | null;
}

export function sampleStats(values: number[]): SampleStats {
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
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
