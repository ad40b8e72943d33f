// Plain-TypeScript twins of the Hermite kernels (assembly/hermite.ts hermiteProject,
// assembly/kernels.ts kernelBulk), same algorithm and operation order, for the benchmark.

/** out[k] = Σ_i w_i f_i h_k(x_i), k = 0..K, carrying √w_i h_k(x_i); returns Σ w f². */
export function hermiteProject(x: Float64Array, w: Float64Array, f: Float64Array, K: number, out: Float64Array): number {
  const n = x.length;
  let prev = new Float64Array(n);
  let cur = w.map(Math.sqrt);
  const g = cur.map((s, i) => s * f[i]);
  let norm2 = 0;
  for (let i = 0; i < n; i++) norm2 += g[i] * g[i];
  for (let k = 0; k <= K; k++) {
    const a = Math.sqrt(k);
    const b = 1 / Math.sqrt(k + 1);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = cur[i];
      s += g[i] * c;
      prev[i] = (x[i] * c - a * prev[i]) * b;
    }
    out[k] = s;
    [prev, cur] = [cur, prev];
  }
  return norm2;
}

/** out[i] = Σ_k c_k x[i]^k by Horner's rule. */
export function seriesBulk(c: Float64Array, x: Float64Array, out: Float64Array): void {
  const K = c.length - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    let r = c[K];
    for (let k = K - 1; k >= 0; k--) r = r * v + c[k];
    out[i] = r;
  }
}

/** out[i] = ReLU kernel (√(1−ρ²) + (π − arccos ρ) ρ)/(2π) at clamped x[i]. */
export function reluKernelBulk(x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const r = Math.min(1, Math.max(-1, x[i]));
    out[i] = (Math.sqrt(1 - r * r) + (Math.PI - Math.acos(r)) * r) / (2 * Math.PI);
  }
}
