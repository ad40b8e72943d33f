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
 * U(ρ), U'(ρ), U''(ρ) into out0, out1, out2, sharing the transcendental calls (the exact Jacobian of the
 * kernel-form flow needs all three per pair). ReLU: U'' = 1/(2π √(1−ρ²)), infinite at ρ = ±1;
 * erf: U' = (1/π)(1 − ρ²/4)^{−1/2}, U'' = (1/π)(ρ/4)(1 − ρ²/4)^{−3/2}.
 */
@inline export function kernelJet(kind: i32, gain: f64, c: usize, K: i32, rho: f64, out0: usize, out1: usize, out2: usize): void {
  const r = clampUnit(rho);
  if (kind == KERNEL_RELU) {
    const q = Math.sqrt(1.0 - r * r);
    const t = (Math.PI - Math.acos(r)) * INV_2PI;
    store<f64>(out0, gain * (q * INV_2PI + t * r));
    store<f64>(out1, gain * t);
    store<f64>(out2, gain * INV_2PI / q);
  } else if (kind == KERNEL_ERF) {
    const q = 1.0 - 0.25 * r * r;
    const sq = Math.sqrt(q);
    store<f64>(out0, gain * TWO_OVER_PI * Math.asin(0.5 * r));
    store<f64>(out1, gain * TWO_OVER_PI * 0.5 / sq);
    store<f64>(out2, gain * TWO_OVER_PI * 0.125 * r / (q * sq));
  } else {
    store<f64>(out0, series(c, K, rho));
    store<f64>(out1, seriesDeriv(c, K, rho));
    store<f64>(out2, seriesDeriv2(c, K, rho));
  }
}

// asin(x) = x + x R(x²) for |x| ≤ ½, R = z P(z)/Q(z): the rational approximation of musl libc's
// src/math/asin.c (from FreeBSD msun e_asin.c, © Sun Microsystems), error below 1 ulp there.
const PS0 = 1.66666666666666657415e-01, PS1 = -3.25565818622400915405e-01, PS2 = 2.01212532134862925881e-01;
const PS3 = -4.00555345006794114027e-02, PS4 = 7.91534994289814532176e-04, PS5 = 3.47933107596021167570e-05;
const QS1 = -2.40339491173441421878e+00, QS2 = 2.02094576023350569471e+00, QS3 = -6.88283971605453293030e-01;
const QS4 = 7.70381505559019352791e-02;
/** Below this |ρ| the ReLU jet takes arcsin from the rational approximation (musl's range for it). */
const JET_SMALL: f64 = 0.5;

@inline function asinSmall(x: f64): f64 {
  const z = x * x;
  const p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
  const q = 1.0 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
  return x + x * (p / q);
}

@inline function asinSmallV(x: v128): v128 {
  const z = f64x2.mul(x, x);
  let p = f64x2.splat(PS5);
  p = f64x2.add(f64x2.splat(PS4), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS3), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS2), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(PS1), f64x2.mul(z, p));
  p = f64x2.mul(z, f64x2.add(f64x2.splat(PS0), f64x2.mul(z, p)));
  let q = f64x2.splat(QS4);
  q = f64x2.add(f64x2.splat(QS3), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(QS2), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(QS1), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(1.0), f64x2.mul(z, q));
  return f64x2.add(x, f64x2.mul(x, f64x2.div(p, q)));
}

/**
 * The jet of kernelJet at ρ_j = x s_j for j < count (s: count doubles) into out0, out1, out2
 * (count doubles each). For ReLU with |ρ| ≤ ½ it uses π − arccos ρ = π/2 + arcsin ρ with
 * asinSmall, two pairs at a time in the SIMD build, the same operations one at a time in the
 * scalar build; everything else goes through kernelJet.
 */
export function kernelJetRow(kind: i32, gain: f64, c: usize, K: i32, x: f64, s: usize, count: i32,
  out0: usize, out1: usize, out2: usize): void {
  let j = 0;
  if (kind == KERNEL_RELU) {
    if (ASC_FEATURE_SIMD) {
      const vx = f64x2.splat(x);
      const small = f64x2.splat(JET_SMALL);
      const one = f64x2.splat(1.0);
      const quarter = f64x2.splat(0.25);
      const inv2pi = f64x2.splat(INV_2PI);
      const vg = f64x2.splat(gain);
      for (; j + 2 <= count; j += 2) {
        const o = <usize>j << 3;
        const r = f64x2.mul(vx, v128.load(s + o));
        if (v128.any_true(f64x2.gt(f64x2.abs(r), small))) {
          kernelJet(kind, gain, c, K, f64x2.extract_lane(r, 0), out0 + o, out1 + o, out2 + o);
          kernelJet(kind, gain, c, K, f64x2.extract_lane(r, 1), out0 + o + 8, out1 + o + 8, out2 + o + 8);
          continue;
        }
        const q = f64x2.sqrt(f64x2.sub(one, f64x2.mul(r, r)));
        const t = f64x2.add(quarter, f64x2.mul(asinSmallV(r), inv2pi));
        v128.store(out0 + o, f64x2.mul(vg, f64x2.add(f64x2.mul(q, inv2pi), f64x2.mul(t, r))));
        v128.store(out1 + o, f64x2.mul(vg, t));
        v128.store(out2 + o, f64x2.mul(vg, f64x2.div(inv2pi, q)));
      }
    }
  }
  for (; j < count; j++) {
    const o = <usize>j << 3;
    const r = x * load<f64>(s + o);
    if (kind == KERNEL_RELU && Math.abs(r) <= JET_SMALL) {
      const q = Math.sqrt(1.0 - r * r);
      const t = 0.25 + asinSmall(r) * INV_2PI;
      store<f64>(out0 + o, gain * (q * INV_2PI + t * r));
      store<f64>(out1 + o, gain * t);
      store<f64>(out2 + o, gain * (INV_2PI / q));
    } else kernelJet(kind, gain, c, K, r, out0 + o, out1 + o, out2 + o);
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
