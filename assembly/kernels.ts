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

/** out[i] = kernel(x[i]) (or its derivative when `deriv`), for n points. */
export function kernelBulk(kind: i32, gain: f64, c: usize, K: i32, x: usize, out: usize, n: i32, deriv: bool): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(x + o);
    store<f64>(out + o, deriv ? kernelDeriv(kind, gain, c, K, v) : kernel(kind, gain, c, K, v));
  }
}
