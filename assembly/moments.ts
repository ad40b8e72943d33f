// Moments of a neuron population and the Hermite decomposition of its d→∞ risk
// (MODEL.md §4): M_k = (1/m) Σ_i a_i s_i^k and R_k = ½ (φ_k − σ_k M_k)².
// The risk is summed from the residuals r_k = φ_k − σ_k M_k, never from the expanded
// kernel form, which loses most digits to cancellation when ε is small.

/** M[k] = (1/m) Σ_i a[i] s[i]^k for k = 0..K. */
export function moments(a: usize, s: usize, m: i32, K: i32, M: usize): void {
  for (let k = 0; k <= K; k++) store<f64>(M + (<usize>k << 3), 0.0);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= m; i += 4) { // four neurons per pass: half the read-modify-writes of M
      const o = <usize>i << 3;
      const s0 = v128.load(s + o);
      const s1 = v128.load(s + o, 16);
      let p0 = v128.load(a + o);
      let p1 = v128.load(a + o, 16);
      for (let k = 0; k <= K; k++) {
        const q = M + (<usize>k << 3);
        const t = f64x2.add(p0, p1);
        store<f64>(q, load<f64>(q) + (f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1)));
        p0 = f64x2.mul(p0, s0);
        p1 = f64x2.mul(p1, s1);
      }
    }
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
  } else {
    // The same sums in the same order as the SIMD build (lanes i, i+1 of a pair; i+2, i+3 of the
    // next), so both builds agree bit for bit.
    for (; i + 4 <= m; i += 4) {
      const o = <usize>i << 3;
      const s0 = load<f64>(s + o), s1 = load<f64>(s + o, 8), s2 = load<f64>(s + o, 16), s3 = load<f64>(s + o, 24);
      let p0 = load<f64>(a + o), p1 = load<f64>(a + o, 8), p2 = load<f64>(a + o, 16), p3 = load<f64>(a + o, 24);
      for (let k = 0; k <= K; k++) {
        const q = M + (<usize>k << 3);
        store<f64>(q, load<f64>(q) + ((p0 + p2) + (p1 + p3)));
        p0 *= s0; p1 *= s1; p2 *= s2; p3 *= s3;
      }
    }
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const s0 = load<f64>(s + o), s1 = load<f64>(s + o, 8);
      let p0 = load<f64>(a + o), p1 = load<f64>(a + o, 8);
      for (let k = 0; k <= K; k++) {
        const q = M + (<usize>k << 3);
        store<f64>(q, load<f64>(q) + (p0 + p1));
        p0 *= s0; p1 *= s1;
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
