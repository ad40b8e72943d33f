// Output-time grids, computed in Wasm so that log-spaced times (and so every output
// of a run) carry the same bits in every JavaScript engine.

/** out[i] = start·(end/start)^(i/(n−1)) for i < n (geometric), exact at both ends. */
export function logspace(start: f64, end: f64, n: i32, out: usize): void {
  const ls = Math.log(start);
  const step = n > 1 ? (Math.log(end) - ls) / <f64>(n - 1) : 0.0;
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Math.exp(ls + step * <f64>i));
  store<f64>(out, start);
  store<f64>(out + (<usize>(n - 1) << 3), end);
}
