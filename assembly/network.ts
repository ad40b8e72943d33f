// Projected gradient descent on the population risk of the finite network (MODEL.md §2–3),
// exact at any d in a reduced basis. Every w_i stays in span{u_*, w_1(0), …, w_m(0)}, so
// neuron i is stored as its r ≤ m+1 coordinates C[i, ·] in an orthonormal basis
// e_0 = u_*, e_1, …, e_{r−1} of that span (row-major m × r); then s_i = C[i, 0] and
// ρ_ij = ⟨C_i, C_j⟩, and a step costs O(m² r) whatever d is.
//
// Kernel arguments: U(ρ) = kernel(kind, gain, uc, K, ρ) (closed form, or the series
// Σ_k uc_k ρ^k with uc_k = σ_k²) and V(s) = kernel(vKind, vGain, vc, K, s) (closed form
// when φ and σ share one, or Σ_k vc_k s^k with vc_k = φ_k σ_k); uc and vc always hold the
// degree-K coefficients, which the residual form of the risk uses.
import { axpbyNorm2, axpy, dot } from './blas';
import { kernel, kernelDeriv, series } from './kernels';
import { rngChi2, rngNormals } from './rng';

// A GD run's state and scratch are one block, laid out by networkOffset:
//   a (m), C (m × R), Uk (m × m), Ud (m × m), ga (m), gw (m × R), s (m), fail (one i32)
// with R = min(m + 1, d) the largest rank of the reduced basis. Parts, in block order;
// NET_END gives the block's size. The facade reads the layout from networkOffset only.
export const NET_A: i32 = 0;
export const NET_C: i32 = 1;
export const NET_UK: i32 = 2;
export const NET_UD: i32 = 3;
export const NET_GA: i32 = 4;
export const NET_GW: i32 = 5;
export const NET_S: i32 = 6;
export const NET_FAIL: i32 = 7;
export const NET_END: i32 = 8;

/** Bytes of n doubles rounded up to 16 (each part starts v128-aligned), as f64: sizes past 4 GiB stay exact. */
@inline export function partBytes(n: f64): f64 {
  return Math.ceil(n / 2.0) * 16.0;
}

/**
 * Byte offset of `part` (a NET_* code) in the block of a GD run with m neurons in dimension d;
 * NET_END gives the block's size. As f64, so that a size past 4 GiB is seen as such.
 */
export function networkOffset(part: i32, m: i32, d: f64): f64 {
  const M = <f64>m;
  const R = Math.min(M + 1.0, d);
  let bytes = 0.0;
  if (part > NET_A) bytes += partBytes(M);
  if (part > NET_C) bytes += partBytes(M * R);
  if (part > NET_UK) bytes += partBytes(M * M);
  if (part > NET_UD) bytes += partBytes(M * M);
  if (part > NET_GA) bytes += partBytes(M);
  if (part > NET_GW) bytes += partBytes(M * R);
  if (part > NET_S) bytes += partBytes(M);
  if (part > NET_FAIL) bytes += partBytes(1.0);
  return bytes;
}

// reduceBasis' inputs and output as one block, laid out by reduceOffset:
//   u (d), W (m × d), E ((m + 1) × d)
export const RED_U: i32 = 0;
export const RED_W: i32 = 1;
export const RED_E: i32 = 2;
export const RED_END: i32 = 3;

/** Byte offset of `part` (a RED_* code) in the block reduceBasis works on; RED_END gives its size. */
export function reduceOffset(part: i32, m: i32, d: f64): f64 {
  const M = <f64>m;
  let bytes = 0.0;
  if (part > RED_U) bytes += partBytes(d);
  if (part > RED_W) bytes += partBytes(M * d);
  if (part > RED_E) bytes += partBytes((M + 1.0) * d);
  return bytes;
}

/**
 * Bytes of Wasm memory a GD run holds at its peak beyond the coefficient tables: its block, and
 * with explicit first-layer weights (`explicit`) the reduction's block, held while C is computed.
 */
export function networkBytes(m: i32, d: f64, explicit: bool): f64 {
  return networkOffset(NET_END, m, d) + (explicit ? reduceOffset(RED_END, m, d) : 0.0);
}

/** Two neurons closer than this (relative residual after Gram–Schmidt) share a direction. */
const RANK_TOL: f64 = 1e-12;

/** ρ[i, j] = ⟨W_i, W_j⟩ for m rows of length n, row-major; both triangles filled. */
export function gram(W: usize, m: i32, n: i32, rho: usize): void {
  for (let i = 0; i < m; i++) {
    const wi = W + <usize>i * <usize>n * 8;
    for (let j = i; j < m; j++) {
      const g = dot(wi, W + <usize>j * <usize>n * 8, n);
      store<f64>(rho + ((<usize>i * m + j) << 3), g);
      store<f64>(rho + ((<usize>j * m + i) << 3), g);
    }
  }
}

/**
 * Scales the row x (length n) to unit norm; returns the norm it had. With `norm2` ≠ 0, also
 * stores the new squared norm there: the scaling pass sums it in dot's order, so it is the
 * value dot(x, x, n) would give afterwards.
 */
@inline function normalize(x: usize, n: i32, norm2: usize = 0): f64 {
  const nrm = Math.sqrt(dot(x, x, n));
  const after = axpbyNorm2(1.0 / nrm, 0.0, x, x, n);
  if (norm2) store<f64>(norm2, after);
  return nrm;
}

/** Scales each of the m rows of X (length n) to unit norm and writes its new squared norm to norms2. */
export function normalizeRows(X: usize, m: i32, n: i32, norms2: usize): void {
  for (let i = 0; i < m; i++) normalize(X + <usize>i * <usize>n * 8, n, norms2 + (<usize>i << 3));
}

/**
 * m independent uniform unit vectors of R^d, as coordinates C (m × r, r = min(m+1, d)) in
 * the Gram–Schmidt basis of (u_*, w_1, …, w_m), sampled without forming d-vectors
 * (Bartlett's decomposition): with b directions already in the basis, a Gaussian vector's
 * coordinates along them are i.i.d. N(0,1) and its orthogonal remainder has squared norm
 * χ²_{d−b}, independent of them; the remainder's direction becomes the next basis vector.
 */
export function sphereInit(rng: usize, m: i32, d: f64, C: usize, r: i32): void {
  for (let j = 0; j < m; j++) {
    const row = C + <usize>j * <usize>r * 8;
    memory.fill(row, 0, <usize>r << 3);
    const b = min(j + 1, r);
    rngNormals(rng, row, b);
    if (b < r) store<f64>(row + (<usize>b << 3), Math.sqrt(rngChi2(rng, d - <f64>b)));
    normalize(row, r);
  }
}

/**
 * Reduces explicit weights: builds an orthonormal basis E (rows, at most m+1, of length d)
 * of span{u, W_1, …, W_m} by modified Gram–Schmidt with one re-orthogonalization
 * ("twice is enough", Giraud et al., Numer. Math. 101, 2005), then writes the coordinates
 * C[i, k] = ⟨W_i, E_k⟩ (m × r, rows normalized). `u` must be a unit vector. Returns r.
 */
export function reduceBasis(u: usize, W: usize, m: i32, d: i32, E: usize, C: usize): i32 {
  const rowBytes = <usize>d << 3;
  memory.copy(E, u, rowBytes);
  let r = 1;
  for (let j = 0; j < m; j++) {
    const w = W + <usize>j * rowBytes;
    const v = E + <usize>r * rowBytes;
    memory.copy(v, w, rowBytes);
    const norm0 = Math.sqrt(dot(w, w, d));
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < r; k++) {
        const ek = E + <usize>k * rowBytes;
        axpy(-dot(ek, v, d), ek, v, d);
      }
    }
    if (Math.sqrt(dot(v, v, d)) > RANK_TOL * norm0) {
      normalize(v, d);
      r++;
    }
  }
  for (let i = 0; i < m; i++) {
    const row = C + <usize>i * <usize>r * 8;
    for (let k = 0; k < r; k++) store<f64>(row + (<usize>k << 3), dot(W + <usize>i * rowBytes, E + <usize>k * rowBytes, d));
    normalize(row, r);
  }
  return r;
}

/**
 * The population GD directions at (a, C): ga_i = −m ∂R/∂a_i = V(s_i) − (1/m) Σ_j a_j U(ρ_ij)
 * and gw_i = −m P⊥_{w_i} ∇_{w_i} R = P⊥_{w_i}[a_i V'(s_i) e_0 − (a_i/m) Σ_j a_j U'(ρ_ij) C_j].
 * Scratch: Uk and Ud, m × m each.
 */
export function networkGradient(
  a: usize, C: usize, m: i32, r: i32,
  kind: i32, gain: f64, uc: usize, vKind: i32, vGain: f64, vc: usize, K: i32,
  Uk: usize, Ud: usize, ga: usize, gw: usize,
): void {
  gram(C, m, r, Uk);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const ij = (<usize>i * m + j) << 3;
      const ji = (<usize>j * m + i) << 3;
      const rho = load<f64>(Uk + ij);
      const u = kernel(kind, gain, uc, K, rho);
      const du = kernelDeriv(kind, gain, uc, K, rho);
      store<f64>(Uk + ij, u);
      store<f64>(Uk + ji, u);
      store<f64>(Ud + ij, du);
      store<f64>(Ud + ji, du);
    }
  }
  const invM = 1.0 / <f64>m;
  for (let i = 0; i < m; i++) {
    const ci = C + <usize>i * <usize>r * 8;
    const gi = gw + <usize>i * <usize>r * 8;
    const ai = load<f64>(a + (<usize>i << 3));
    const si = load<f64>(ci);
    store<f64>(ga + (<usize>i << 3), kernel(vKind, vGain, vc, K, si) - invM * dot(a, Uk + <usize>i * m * 8, m));
    memory.fill(gi, 0, <usize>r << 3);
    store<f64>(gi, ai * kernelDeriv(vKind, vGain, vc, K, si));
    const coef = -ai * invM;
    for (let j = 0; j < m; j++) {
      const c = coef * load<f64>(a + (<usize>j << 3)) * load<f64>(Ud + ((<usize>i * m + j) << 3));
      axpy(c, C + <usize>j * <usize>r * 8, gi, r);
    }
    axpy(-dot(ci, gi, r), ci, gi, r);
  }
}

/**
 * Blow-up bookkeeping of a step: the first non-finite variable so far, coded 2i for a_i and
 * 2i + 1 for w_i (whose norm `nrm` overflowed), −1 while all are finite.
 */
@inline export function firstBad(bad: i32, i: i32, ai: f64, nrm: f64): i32 {
  if (bad >= 0) return bad;
  return !isFinite(ai) ? 2 * i : !isFinite(nrm) ? 2 * i + 1 : -1;
}

/**
 * Runs `steps` projected GD steps: a ← a + (η/ε) ga, C_i ← normalize(C_i + η gw_i).
 * Returns the number of steps completed; fewer than `steps` means the step after them
 * produced a non-finite a_i or w_i, whose firstBad code is stored (i32) at `fail`.
 * Scratch: Uk, Ud (m × m), ga (m), gw (m × r).
 */
export function networkSteps(
  steps: i32, eta: f64, epsilon: f64, a: usize, C: usize, m: i32, r: i32,
  kind: i32, gain: f64, uc: usize, vKind: i32, vGain: f64, vc: usize, K: i32,
  Uk: usize, Ud: usize, ga: usize, gw: usize, fail: usize,
): i32 {
  const etaA = eta / epsilon;
  for (let n = 0; n < steps; n++) {
    networkGradient(a, C, m, r, kind, gain, uc, vKind, vGain, vc, K, Uk, Ud, ga, gw);
    let bad = -1;
    for (let i = 0; i < m; i++) {
      const o = <usize>i << 3;
      const ai = load<f64>(a + o) + etaA * load<f64>(ga + o);
      store<f64>(a + o, ai);
      const ci = C + <usize>i * <usize>r * 8;
      axpy(eta, gw + <usize>i * <usize>r * 8, ci, r);
      bad = firstBad(bad, i, ai, normalize(ci, r));
    }
    if (bad >= 0) {
      store<i32>(fail, bad);
      return n;
    }
  }
  return steps;
}

/**
 * (1/2m²) Σ_ij a_i a_j [U(x_ij) − U_K(s_i s_j)] − (1/m) Σ_i a_i [V(s_i) − V_K(s_i)], with
 * U_K, V_K the degree-K series and x_ij = ρ_ij (population risk) or s_i s_j (`mf`: the
 * d→∞ risk). Added to the residual form ½ Σ_{k≤K} (φ_k − σ_k M_k)², it completes the risk
 * without the cancellation of the expanded form. `rho` is the m × m Gram matrix (unused when `mf`).
 */
export function kernelExcess(
  a: usize, rho: usize, s: usize, m: i32,
  kind: i32, gain: f64, uc: usize, vKind: i32, vGain: f64, vc: usize, K: i32, mf: bool,
): f64 {
  let quad = 0.0;
  let lin = 0.0;
  for (let i = 0; i < m; i++) {
    const ai = load<f64>(a + (<usize>i << 3));
    const si = load<f64>(s + (<usize>i << 3));
    let row = 0.0;
    for (let j = i; j < m; j++) {
      const sij = si * load<f64>(s + (<usize>j << 3));
      const x = mf ? sij : load<f64>(rho + ((<usize>i * m + j) << 3));
      const e = load<f64>(a + (<usize>j << 3)) * (kernel(kind, gain, uc, K, x) - series(uc, K, sij));
      row += j == i ? 0.5 * e : e;
    }
    quad += ai * row;
    lin += ai * (kernel(vKind, vGain, vc, K, si) - series(vc, K, si));
  }
  const invM = 1.0 / <f64>m;
  return quad * invM * invM - lin * invM;
}
