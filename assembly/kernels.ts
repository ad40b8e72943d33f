// Dot-product kernels of an activation under correlated Gaussians (MODEL.md §1–2):
//   U(ρ) = E[σ(G1) σ(G2)] = Σ_k σ_k² ρ^k,   V(s) = E[φ(G1) σ(G2)] = Σ_k φ_k σ_k s^k.
// A kernel is named by `kind`: a power series with coefficients c_0..c_K (caller-owned
// doubles), or a closed form scaled by `gain`. Closed forms are exact; a truncated
// series has the a-priori tail bound computed by the facade.

export const KERNEL_SERIES: i32 = 0;
/** ReLU, σ = max(z, 0): U(ρ) = (√(1−ρ²) + (π − arccos ρ) ρ) / (2π) (Cho & Saul 2009). */
export const KERNEL_RELU: i32 = 1;
/** σ(z) = erf(z/√2): U(ρ) = (2/π) arcsin(ρ/2) (Williams 1997). */
export const KERNEL_ERF: i32 = 2;

const INV_2PI: f64 = 0.15915494309189535; // 1/(2π)
const TWO_OVER_PI: f64 = 0.6366197723675814; // 2/π

@inline function clampUnit(x: f64): f64 {
  return x > 1.0 ? 1.0 : x < -1.0 ? -1.0 : x;
}

/** Σ_{k=0}^{K} c_k x^k by Horner's rule. */
@inline export function series(c: usize, K: i32, x: f64): f64 {
  let r = load<f64>(c + (<usize>K << 3));
  for (let k = K - 1; k >= 0; k--) r = r * x + load<f64>(c + (<usize>k << 3));
  return r;
}

/** d/dx Σ_{k=0}^{K} c_k x^k = Σ_{k=1}^{K} k c_k x^{k−1}. */
@inline export function seriesDeriv(c: usize, K: i32, x: f64): f64 {
  if (K < 1) return 0.0;
  let r = <f64>K * load<f64>(c + (<usize>K << 3));
  for (let k = K - 1; k >= 1; k--) r = r * x + <f64>k * load<f64>(c + (<usize>k << 3));
  return r;
}

/** d²/dx² Σ_{k=0}^{K} c_k x^k = Σ_{k=2}^{K} k(k−1) c_k x^{k−2}. */
@inline export function seriesDeriv2(c: usize, K: i32, x: f64): f64 {
  if (K < 2) return 0.0;
  let r = <f64>(K * (K - 1)) * load<f64>(c + (<usize>K << 3));
  for (let k = K - 1; k >= 2; k--) r = r * x + <f64>(k * (k - 1)) * load<f64>(c + (<usize>k << 3));
  return r;
}

@inline function reluU(rho: f64): f64 {
  const r = clampUnit(rho);
  return (Math.sqrt(1.0 - r * r) + (Math.PI - Math.acos(r)) * r) * INV_2PI;
}

@inline function reluUDeriv(rho: f64): f64 {
  return (Math.PI - Math.acos(clampUnit(rho))) * INV_2PI;
}

@inline function erfU(rho: f64): f64 {
  return TWO_OVER_PI * Math.asin(clampUnit(rho) * 0.5);
}

@inline function erfUDeriv(rho: f64): f64 {
  const r = clampUnit(rho) * 0.5;
  return TWO_OVER_PI * 0.5 / Math.sqrt(1.0 - r * r);
}

/** The kernel at ρ: gain·closed form, or the series with coefficients c_0..c_K. */
@inline export function kernel(kind: i32, gain: f64, c: usize, K: i32, rho: f64): f64 {
  if (kind == KERNEL_RELU) return gain * reluU(rho);
  if (kind == KERNEL_ERF) return gain * erfU(rho);
  return series(c, K, rho);
}

/** The kernel's derivative at ρ. */
@inline export function kernelDeriv(kind: i32, gain: f64, c: usize, K: i32, rho: f64): f64 {
  if (kind == KERNEL_RELU) return gain * reluUDeriv(rho);
  if (kind == KERNEL_ERF) return gain * erfUDeriv(rho);
  return seriesDeriv(c, K, rho);
}

/**
 * U(ρ), U'(ρ), U''(ρ) into out[0..2], sharing the transcendental calls (the exact Jacobian of the
 * kernel-form flow needs all three per pair). ReLU: U'' = 1/(2π √(1−ρ²)), infinite at ρ = ±1;
 * erf: U' = (1/π)(1 − ρ²/4)^{−1/2}, U'' = (1/π)(ρ/4)(1 − ρ²/4)^{−3/2}.
 */
@inline export function kernelJet(kind: i32, gain: f64, c: usize, K: i32, rho: f64, out: usize): void {
  const r = clampUnit(rho);
  if (kind == KERNEL_RELU) {
    const q = Math.sqrt(1.0 - r * r);
    const t = (Math.PI - Math.acos(r)) * INV_2PI;
    store<f64>(out, gain * (q * INV_2PI + t * r));
    store<f64>(out, gain * t, 8);
    store<f64>(out, gain * INV_2PI / q, 16);
  } else if (kind == KERNEL_ERF) {
    const q = 1.0 - 0.25 * r * r;
    const sq = Math.sqrt(q);
    store<f64>(out, gain * TWO_OVER_PI * Math.asin(0.5 * r));
    store<f64>(out, gain * TWO_OVER_PI * 0.5 / sq, 8);
    store<f64>(out, gain * TWO_OVER_PI * 0.125 * r / (q * sq), 16);
  } else {
    store<f64>(out, series(c, K, rho));
    store<f64>(out, seriesDeriv(c, K, rho), 8);
    store<f64>(out, seriesDeriv2(c, K, rho), 16);
  }
}

/** Coefficient of x^{k−lo} in the series (lo = 0) or its derivative (lo = 1): c_k or k c_k. */
@inline function hornerCoef(c: usize, k: i32, lo: i32): f64 {
  const ck = load<f64>(c + (<usize>k << 3));
  return lo == 0 ? ck : <f64>k * ck;
}

/**
 * out[i] = Σ_k c_k x[i]^k (lo = 0) or its derivative (lo = 1) for n points, K ≥ lo.
 * Horner is a chain of dependent multiply-adds, so independent points are interleaved
 * to hide its latency: eight per iteration with SIMD, two without. Every point sees the
 * same operations as series()/seriesDeriv(), so both builds agree bit for bit.
 */
function seriesBulk(c: usize, K: i32, lo: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 3;
      const x0 = v128.load(x + o);
      const x1 = v128.load(x + o, 16);
      const x2 = v128.load(x + o, 32);
      const x3 = v128.load(x + o, 48);
      let r0 = f64x2.splat(hornerCoef(c, K, lo));
      let r1 = r0;
      let r2 = r0;
      let r3 = r0;
      for (let k = K - 1; k >= lo; k--) {
        const ck = f64x2.splat(hornerCoef(c, k, lo));
        r0 = f64x2.add(f64x2.mul(r0, x0), ck);
        r1 = f64x2.add(f64x2.mul(r1, x1), ck);
        r2 = f64x2.add(f64x2.mul(r2, x2), ck);
        r3 = f64x2.add(f64x2.mul(r3, x3), ck);
      }
      v128.store(out + o, r0);
      v128.store(out + o, r1, 16);
      v128.store(out + o, r2, 32);
      v128.store(out + o, r3, 48);
    }
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const x0 = load<f64>(x + o);
    const x1 = load<f64>(x + o, 8);
    let r0 = hornerCoef(c, K, lo);
    let r1 = r0;
    for (let k = K - 1; k >= lo; k--) {
      const ck = hornerCoef(c, k, lo);
      r0 = r0 * x0 + ck;
      r1 = r1 * x1 + ck;
    }
    store<f64>(out + o, r0);
    store<f64>(out + o, r1, 8);
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(out + o, lo == 0 ? series(c, K, load<f64>(x + o)) : seriesDeriv(c, K, load<f64>(x + o)));
  }
}

/** out[i] = kernel(x[i]) (or its derivative when `deriv`), for n points. */
export function kernelBulk(kind: i32, gain: f64, c: usize, K: i32, x: usize, out: usize, n: i32, deriv: bool): void {
  const lo = deriv ? 1 : 0;
  if (kind == KERNEL_SERIES && K >= lo) {
    seriesBulk(c, K, lo, x, out, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(x + o);
    store<f64>(out + o, deriv ? kernelDeriv(kind, gain, c, K, v) : kernel(kind, gain, c, K, v));
  }
}
