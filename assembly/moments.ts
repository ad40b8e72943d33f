// Moments of a neuron population and the Hermite decomposition of its d→∞ risk
// (MODEL.md §4): M_k = (1/m) Σ_i a_i s_i^k and R_k = ½ (φ_k − σ_k M_k)².
// The risk is summed from the residuals r_k = φ_k − σ_k M_k, never from the expanded
// kernel form, which loses most digits to cancellation when ε is small.

/** M[k] = (1/m) Σ_i a[i] s[i]^k for k = 0..K. */
export function moments(a: usize, s: usize, m: i32, K: i32, M: usize): void {
  for (let k = 0; k <= K; k++) store<f64>(M + (<usize>k << 3), 0.0);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const si = v128.load(s + o);
      let p = v128.load(a + o); // a_i s_i^k, two neurons at a time
      for (let k = 0; k <= K; k++) {
        const q = M + (<usize>k << 3);
        store<f64>(q, load<f64>(q) + (f64x2.extract_lane(p, 0) + f64x2.extract_lane(p, 1)));
        p = f64x2.mul(p, si);
      }
    }
  }
  for (; i < m; i++) {
    const o = <usize>i << 3;
    const si = load<f64>(s + o);
    let p = load<f64>(a + o);
    for (let k = 0; k <= K; k++) {
      const q = M + (<usize>k << 3);
      store<f64>(q, load<f64>(q) + p);
      p *= si;
    }
  }
  const inv = 1.0 / <f64>m;
  for (let k = 0; k <= K; k++) {
    const q = M + (<usize>k << 3);
    store<f64>(q, load<f64>(q) * inv);
  }
}

/**
 * R[k] = ½ (φ_k − σ_k M_k)² for k = 0..K; returns Σ_k R[k]. Degrees of the target
 * above K are not seen: callers choose K to cover the target.
 */
export function riskComponents(phi: usize, sigma: usize, M: usize, K: i32, R: usize): f64 {
  let total = 0.0;
  for (let k = 0; k <= K; k++) {
    const o = <usize>k << 3;
    const r = load<f64>(phi + o) - load<f64>(sigma + o) * load<f64>(M + o);
    const rk = 0.5 * r * r;
    store<f64>(R + o, rk);
    total += rk;
  }
  return total;
}
