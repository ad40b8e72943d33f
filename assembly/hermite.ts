// Normalized probabilists' Hermite functions and Hermite projections (MODEL.md §1):
//   h_0 = 1, h_1 = z, h_{k+1}(z) = (z h_k(z) − √k h_{k−1}(z)) / √(k+1),   f_k = E[f(G) h_k(G)].
// The forward recurrence is stable for the h_k (they are the dominant solution), so it
// is used for every degree; loops run over points, two per v128 lane pair.
import { erf, INV_SQRT2, normalCdf, normalPdf } from './erf';
import { ACT_ABS } from './activations';

/**
 * out[k·n + i] = h_k(x[i]) for k = 0..K (degree-major), or the scaled functions
 * ψ_k(x) = h_k(x) e^{−x²/4} when `scaled`: ψ_k stays below ~1.09 (Cramér's inequality),
 * while h_k overflows once roughly k·log|x| − ½ log k! > 709.
 */
export function hermiteValues(x: usize, n: i32, K: i32, out: usize, scaled: bool): void {
  const row = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const xi = load<f64>(x + o);
    const h0 = scaled ? Math.exp(-0.25 * xi * xi) : 1.0;
    store<f64>(out + o, h0);
    if (K >= 1) store<f64>(out + row + o, xi * h0);
  }
  for (let k = 1; k < K; k++) {
    const a = Math.sqrt(<f64>k);
    const b = 1.0 / Math.sqrt(<f64>(k + 1));
    const prev = out + <usize>(k - 1) * row;
    const cur = prev + row;
    const next = cur + row;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const va = f64x2.splat(a);
      const vb = f64x2.splat(b);
      for (; i + 2 <= n; i += 2) {
        const o = <usize>i << 3;
        const t = f64x2.sub(f64x2.mul(v128.load(x + o), v128.load(cur + o)), f64x2.mul(va, v128.load(prev + o)));
        v128.store(next + o, f64x2.mul(t, vb));
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(next + o, (load<f64>(x + o) * load<f64>(cur + o) - a * load<f64>(prev + o)) * b);
    }
  }
}

/**
 * out[k] = Σ_i w_i f_i h_k(x_i) for k = 0..K: the projection of f on h_k under the
 * quadrature rule (x, w) of n nodes. Returns Σ_i w_i f_i², the rule's ‖f‖².
 * The recurrence carries √w_i h_k(x_i), which stays ≤ 1 for Gauss rules (Christoffel:
 * w_i Σ_{k<n} h_k(x_i)² = 1), so extreme nodes neither overflow nor lose their weight.
 * scratch: 3n doubles.
 */
export function hermiteProject(x: usize, w: usize, f: usize, n: i32, K: i32, out: usize, scratch: usize): f64 {
  const bytes = <usize>n << 3;
  let prev = scratch; // √w h_{k−1}
  let cur = scratch + bytes; // √w h_k
  const g = cur + bytes; // √w f
  let norm2 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sw = Math.sqrt(load<f64>(w + o));
    const gi = sw * load<f64>(f + o);
    store<f64>(prev + o, 0.0);
    store<f64>(cur + o, sw);
    store<f64>(g + o, gi);
    norm2 += gi * gi;
  }
  for (let k = 0; k <= K; k++) {
    const a = Math.sqrt(<f64>k);
    const b = 1.0 / Math.sqrt(<f64>(k + 1));
    let s = 0.0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const va = f64x2.splat(a);
      const vb = f64x2.splat(b);
      let acc = f64x2.splat(0);
      for (; i + 2 <= n; i += 2) {
        const o = <usize>i << 3;
        const c = v128.load(cur + o);
        acc = f64x2.add(acc, f64x2.mul(v128.load(g + o), c));
        const t = f64x2.sub(f64x2.mul(v128.load(x + o), c), f64x2.mul(va, v128.load(prev + o)));
        v128.store(prev + o, f64x2.mul(t, vb)); // h_{k+1} replaces h_{k−1}
      }
      s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    }
    for (; i < n; i++) {
      const o = <usize>i << 3;
      const c = load<f64>(cur + o);
      s += load<f64>(g + o) * c;
      store<f64>(prev + o, (load<f64>(x + o) * c - a * load<f64>(prev + o)) * b);
    }
    store<f64>(out + (<usize>k << 3), s);
    const t = prev;
    prev = cur;
    cur = t;
  }
  return norm2;
}

/**
 * Exact coefficients of σ(z) = relu(c z + b) (code ACT_RELU) or |c z + b| (ACT_ABS),
 * c ≠ 0, for k = 0..K; returns ‖σ‖². With t = b/|c|, kink z0 = −b/c, Gaussian
 * integration by parts (E[g He_k] = E[g′ He_{k−1}], ∫_a^∞ He_m φ = He_{m−1}(a) φ(a)) gives
 *   relu: f_0 = |c|(φ(t) + t Φ(t)),  f_1 = c Φ(t),
 *   abs:  f_0 = |c|(2φ(t) + t erf(t/√2)),  f_1 = c erf(t/√2),
 *   k ≥ 2: f_k = m |c| φ(t) h_{k−2}(z0) / √(k(k−1)),  m = 1 (relu) or 2 (abs),
 * and ‖relu‖² = (b² + c²) Φ(t) + b |c| φ(t), ‖abs‖² = b² + c².
 */
export function kinkCoefficients(code: i32, shift: f64, scale: f64, K: i32, out: usize): f64 {
  const ac = Math.abs(scale);
  const t = shift / ac;
  const z0 = -shift / scale;
  const pdf = normalPdf(t);
  const isAbs = code == ACT_ABS;
  const m = isAbs ? 2.0 : 1.0;
  // Φ(t) − Φ(−t) = erf(t/√2) for abs, Φ(t) for relu
  const mass = isAbs ? erf(t * INV_SQRT2) : normalCdf(t);
  store<f64>(out, ac * (m * pdf + t * mass));
  if (K >= 1) store<f64>(out + 8, scale * mass);
  let hPrev = 0.0; // h_{k−3}(z0)
  let h = 1.0; // h_{k−2}(z0)
  for (let k = 2; k <= K; k++) {
    store<f64>(out + (<usize>k << 3), m * ac * pdf * h / Math.sqrt(<f64>k * <f64>(k - 1)));
    const j = <f64>(k - 2);
    const next = (z0 * h - Math.sqrt(j) * hPrev) / Math.sqrt(j + 1.0);
    hPrev = h;
    h = next;
  }
  const second = shift * shift + scale * scale;
  return isAbs ? second : second * normalCdf(t) + shift * ac * pdf;
}
