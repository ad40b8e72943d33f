// The d→∞ neuron dynamics (MODEL.md §4) as an ODE system in R^{2m}, state y = (a_0..a_{m−1}, s_0..s_{m−1}):
//   ε ȧ_i = V(s_i) − (1/m) Σ_j a_j U(s_i s_j)                 = P(s_i)
//   ṡ_i  = (1 − s_i²) a_i [V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j)] = (1 − s_i²) a_i P'(s_i)
// with P(x) = Σ_k c_k x^k, c_k = σ_k r_k, r_k = φ_k − σ_k M_k, M_k = (1/m) Σ_j a_j s_j^k.
// Two forms of the right-hand side: the moment form (second expressions, O(mK), exact for the
// truncated series) and the kernel form (first expressions, exact for a closed-form U; evaluated
// as a moment form of higher degree plus the closed form on the pairs with |s_i s_j| > ½, see rhsKernel).
// Beside it: the exact Jacobian, and the linear solves (x I − J) u = b the stiff integrator
// needs, dense LU for few neurons or the kernel form, otherwise a Woodbury (capacitance) solve:
// J is per-neuron 2×2 blocks minus a rank-(K+1) term, J = D − (1/m) L Rᵀ, with
//   L_i = (σ_k s_i^k / ε,  (1 − s_i²) a_i k σ_k s_i^{k−1})_k,   R_i = (σ_k s_i^k,  k σ_k a_i s_i^{k−1})_k
// (R_i is −m ∂r_k/∂(a_i, s_i)), so every solve costs O(mK) and each factorization O(mK²).
import { axpy } from './blas';
import { luFactor, luSolve } from './lu';
import { moments, riskComponents } from './moments';
import { kernel, kernelDeriv, kernelJetRow, series, seriesDeriv, seriesDeriv2, KERNEL_ERF, KERNEL_RELU, KERNEL_SERIES } from './kernels';

export const FORM_MOMENT: i32 = 0;
export const FORM_KERNEL: i32 = 1;

/** |s| may exceed 1 by this much (rounding); beyond it the state has left the sphere. */
const S_TOL: f64 = 1e-12;
/**
 * The kernel form splits U into its Taylor series up to degree D = max(K, TAIL_DEGREE), summed
 * through the moments M_0..M_D (O(mD), no cancellation), plus the remainder U(ρ) − Σ_{k≤D} U_k ρ^k
 * for the pairs with |ρ| > TAIL_SERIES_MAX, the only ones where it exceeds 0.5^65 ≈ 3e-20.
 */
const TAIL_DEGREE: i32 = 64;
const TAIL_SERIES_MAX: f64 = 0.5;
/** What seriesDegreeAt promises: the neglected tails of U and of s_j U'(s_i s_j), per pair, are at most this. */
const TAIL_TOL: f64 = 1e-17;
/** A 2×2 block whose determinant is below this fraction of its terms is treated as singular. */
const SINGULAR: f64 = 1e-10;
/** Below this fraction the Woodbury solve loses digits to cancellation: refine it once. */
const ILL_CONDITIONED: f64 = 1e-4;

/** The system's parameters and scratch, laid out by meanfieldInit in one caller-owned block. */
@unmanaged class Meanfield {
  m: i32;
  K: i32;
  /** Degree of the series part: K in the moment form, max(K, TAIL_DEGREE) in the kernel form. */
  D: i32;
  form: i32;
  kind: i32;
  dense: i32;
  /** seriesDegreeAt's last answer, where its next search starts. */
  dlast: i32;
  /** The last Woodbury factorization met an ill-conditioned 2×2 block: refine its solves. */
  refine: i32;
  gain: f64;
  invEps: f64;
  sigma: usize; // σ_k
  phi: usize; // φ_k
  u: usize; // σ_k², the series of U
  v: usize; // φ_k σ_k, the series of V
  uD: usize; // U_k, the Taylor coefficients of U up to D: σ_k² for k ≤ K, the closed form's above (D+1)
  M: usize; // moments M_0..M_D of the last evaluation
  c: usize; // coefficients of P: c_k = σ_k r_k (k ≤ K), −U_k M_k (K < k ≤ D), of the last evaluation
  jy: usize; // state at which the Jacobian was taken (2m)
  jc: usize; // c_k there (K+1)
  jd: usize; // per neuron: P'(s)/ε, (1 − s²) P'(s), ∂ṡ/∂s diagonal (3m)
  binv: usize; // inverses of the neurons' 2×2 blocks of x I − D, as four m-vectors B00, B01, B10, B11 (4m)
  cap: usize; // capacitance matrix m I + Rᵀ B⁻¹ L, LU-factored ((K+1)², column-major)
  cpiv: usize; // its pivots (K+1 i32)
  thr: usize; // seriesDegreeAt's threshold on max |s_i| for each degree 0..D, NaN until first needed (D+1)
  q: usize; // max(K+1, 3) scratch
  rr: usize; // 2(K+1) scratch: one neuron's R_i
  res: usize; // 2m scratch (refinement residual)
  J: usize; // dense Jacobian ((2m)², column-major, dense mode only)
  LU: usize; // LU factors of x I − J ((2m)², column-major, dense mode only)
  piv: usize; // its pivots (2m i32)
  pw: usize; // powers s_i^k (m(K+1), dense mode only)
  jet: usize; // U, U', U'' at s_i s_j along one row of the kernel-form Jacobian (3m, dense mode only)
}

const SCRATCH = memory.data(256); // a dry-run header for meanfieldBytes

/** The address after `doubles` doubles at `p`, 16-byte aligned. */
@inline function take(doubles: i32, p: usize): usize {
  return (p + (<usize>doubles << 3) + 15) & ~15;
}

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/** Index of entry (i, j) of an n×n matrix stored by columns, as the dense Jacobian and LU are. */
@inline function cell(n: i32, i: i32, j: i32): i32 {
  return j * n + i;
}

@inline function sys(p: usize): Meanfield {
  return changetype<Meanfield>(p);
}

/** Assigns the block's buffers after the header at `base`; returns the end address. */
function layout(base: usize, m: i32, K: i32, D: i32, dense: bool): usize {
  const S = sys(base);
  let p = (base + offsetof<Meanfield>() + 15) & ~15;
  const K1 = K + 1;
  S.u = p; p = take(K1, p);
  S.v = p; p = take(K1, p);
  S.uD = p; p = take(D + 1, p);
  S.M = p; p = take(D + 1, p);
  S.c = p; p = take(D + 1, p);
  S.thr = p; p = take(D + 1, p);
  S.jc = p; p = take(K1, p);
  S.q = p; p = take(max(K1, 3), p);
  S.rr = p; p = take(2 * K1, p);
  S.cap = p; p = take(K1 * K1, p);
  S.cpiv = p; p = take(K1, p);
  S.jy = p; p = take(2 * m, p);
  S.res = p; p = take(2 * m, p);
  S.jd = p; p = take(3 * m, p);
  S.binv = p; p = take(4 * m, p);
  if (dense) {
    S.J = p; p = take(4 * m * m, p);
    S.LU = p; p = take(4 * m * m, p);
    S.piv = p; p = take(2 * m, p);
    S.pw = p; p = take(m * K1, p);
    S.jet = p; p = take(3 * m, p);
  }
  return p;
}

@inline function seriesDegree(K: i32, form: i32): i32 {
  return form == FORM_KERNEL ? max(K, TAIL_DEGREE) : K;
}

/** Bytes of the block meanfieldInit lays out for m neurons, degree K, the form, dense linear algebra or not. */
export function meanfieldBytes(m: i32, K: i32, form: i32, dense: bool): usize {
  return layout(SCRATCH, m, K, seriesDegree(K, form), dense) - SCRATCH;
}

/**
 * Sets up the system in the caller-owned block `p` (meanfieldBytes long). `sigma`, `phi`
 * (K+1 doubles each) must outlive it. `kind`/`gain` name the closed-form kernel of the kernel
 * form (KERNEL_SERIES: the series Σ σ_k² ρ^k).
 */
export function meanfieldInit(p: usize, m: i32, K: i32, form: i32, kind: i32, gain: f64, epsilon: f64,
  sigma: usize, phi: usize, dense: bool): void {
  const S = sys(p);
  S.m = m;
  S.K = K;
  S.D = seriesDegree(K, form);
  S.form = form;
  S.kind = kind;
  S.gain = gain;
  S.invEps = 1.0 / epsilon;
  S.dense = dense ? 1 : 0;
  S.sigma = sigma;
  S.phi = phi;
  layout(p, m, K, S.D, dense);
  for (let k = 0; k <= K; k++) {
    const sk = at(sigma, k);
    put(S.u, k, sk * sk);
    put(S.v, k, at(phi, k) * sk);
  }
  taylorCoefficients(S);
  for (let k = 0; k <= S.D; k++) put(S.thr, k, NaN);
  S.dlast = firstDegree(S);
}

/**
 * U_0..U_D: σ_k² up to K, then the closed form's Taylor coefficients by their ratio recurrences —
 * ReLU (MODEL.md §1): U_0 = 1/(2π), U_1 = 1/4, U_2 = 1/(4π), U_{k+2} = U_k (k−1)²/((k+1)(k+2)) for
 * even k ≥ 2, odd k ≥ 3 zero; erf: (2/π) arcsin(ρ/2) = Σ_n d_n ρ^{2n+1}, d_0 = 1/π,
 * d_{n+1} = d_n (2n+1)²/(4 (2n+2)(2n+3)) (the arcsin series, Abramowitz & Stegun 4.4.40).
 */
function taylorCoefficients(S: Meanfield): void {
  const t = S.uD;
  for (let k = 0; k <= S.D; k++) put(t, k, 0.0);
  if (S.kind == KERNEL_RELU) {
    put(t, 0, 0.5 / Math.PI);
    put(t, 1, 0.25);
    let c = 0.25 / Math.PI;
    for (let k = 2; k <= S.D; k += 2) {
      put(t, k, c);
      c *= <f64>((k - 1) * (k - 1)) / <f64>((k + 1) * (k + 2));
    }
  } else if (S.kind == KERNEL_ERF) {
    let d = 1.0 / Math.PI;
    for (let n = 0; 2 * n + 1 <= S.D; n++) {
      put(t, 2 * n + 1, d);
      d *= <f64>((2 * n + 1) * (2 * n + 1)) / <f64>(4 * (2 * n + 2) * (2 * n + 3));
    }
  }
  for (let k = 0; k <= S.D; k++) put(t, k, k <= S.K ? at(S.u, k) : S.gain * at(t, k));
}

/** The kernel's remainder beyond the series part of degree d, U(ρ) − Σ_{k≤d} U_k ρ^k, for |ρ| > TAIL_SERIES_MAX. */
@inline function remainder(S: Meanfield, d: i32, rho: f64): f64 {
  return kernel(S.kind, S.gain, S.u, S.K, rho) - series(S.uD, d, rho);
}

@inline function remainderDeriv(S: Meanfield, d: i32, rho: f64): f64 {
  return kernelDeriv(S.kind, S.gain, S.u, S.K, rho) - seriesDeriv(S.uD, d, rho);
}

/**
 * The series degree the kernel form needs at y: the smallest d ≥ max(K, k₀ − 1) (k₀ below) for
 * which the neglected tails of U and of s_j U'(s_i s_j) are at most TAIL_TOL on every pair not
 * handled by the remainder (d = D if none is). Those pairs have |ρ| = |s_i s_j| ≤ r and
 * |s_j| ≤ t, r = min(max_i s_i², TAIL_SERIES_MAX), t = min(max_i |s_i|, 1), and their tails are
 *   |Σ_{k>d} U_k ρ^k| ≤ Σ_{k>d} |U_k| r^k,   |s_j Σ_{k>d} k U_k ρ^{k−1}| ≤ t Σ_{k>d} k |U_k| r^{k−1}
 * (U_k = gain × the closed form's coefficients for k > K, as in S.uD). Both closed forms have
 * their nonzero coefficients from index k₀ on (ReLU 2, erf 1) on one parity, with |U_k| and k |U_k|
 * non-increasing along it (taylorCoefficients' recurrences: ReLU, even k ≥ 2,
 * U_{k+2}/U_k = (k−1)²/((k+1)(k+2)) < 1 and (k+2)U_{k+2}/(k U_k) = (k−1)²/(k(k+1)) < 1, odd k ≥ 3
 * zero; erf, odd k = 2n+1, d_{n+1}/d_n < 1/4 and (2n+3)d_{n+1}/((2n+1)d_n) = (2n+1)/(4(2n+2)) < 1/4,
 * even k zero). So with e the first index > d ≥ k₀ − 1 where U_e ≠ 0, every nonzero term has
 * k = e + 2j, j ≥ 0, and the geometric series in r² gives
 *   Σ_{k>d} |U_k| r^k ≤ |U_e| r^e / (1 − r²),   Σ_{k>d} k |U_k| r^{k−1} ≤ e |U_e| r^{e−1} / (1 − r²),
 * (evaluated in floating point, so up to a relative rounding of a few ulps). test/meanfield.test.ts
 * checks the chosen degree against both tails summed term by term.
 * Early on, with small overlaps, d is K; with all s_i = 0 the tail is exactly zero.
 */
function seriesDegreeAt(S: Meanfield, y: usize): i32 {
  if (S.form != FORM_KERNEL || (S.kind != KERNEL_RELU && S.kind != KERNEL_ERF)) return S.K;
  let smax = 0.0;
  for (let i = 0; i < S.m; i++) smax = Math.max(smax, Math.abs(at(y + (<usize>S.m << 3), i)));
  if (smax == 0.0) return S.K;
  // The smallest d ≥ d₀ with smax ≤ threshold(d), searched from the last answer: the thresholds
  // never decrease with d (tailBound does not grow with d at fixed s, every rounding in it being
  // monotone and each step of e shrinking it by a factor r² ≤ ¼ at least), so this is the same d as a scan
  // from d₀ whatever the history, and the thresholds below S.dlast are already computed.
  const d0 = firstDegree(S);
  let d = S.dlast;
  while (d > d0 && smax <= at(S.thr, d - 1)) d--;
  for (; d < S.D; d++) {
    let th = at(S.thr, d);
    if (isNaN(th)) {
      th = tailThreshold(S, d);
      put(S.thr, d, th);
    }
    if (smax <= th) break;
  }
  S.dlast = d;
  return d;
}

/** Where seriesDegreeAt's search starts: K, and for ReLU not below 1 (the parity structure starts at k₀ = 2). */
@inline function firstDegree(S: Meanfield): i32 {
  return max(S.K, S.kind == KERNEL_RELU ? 1 : 0);
}

/** The bound of seriesDegreeAt on both tails beyond degree d, at r = min(s², ½), t = min(s, 1). */
function tailBound(S: Meanfield, d: i32, s: f64): f64 {
  const r = Math.min(s * s, TAIL_SERIES_MAX);
  const t = Math.min(s, 1.0);
  let e = d + 1;
  while (e <= S.D && at(S.uD, e) == 0.0) e++;
  if (e > S.D) return S.gain == 0.0 ? 0.0 : Infinity; // gain 0: nothing beyond K; otherwise past the table
  let pe = 1.0; // r^{e−1}
  for (let k = 1; k < e; k++) pe *= r;
  const ue = Math.abs(at(S.uD, e)) * pe / ((1.0 - r) * (1.0 + r));
  return Math.max(ue * r, <f64>e * ue * t);
}

/**
 * The largest max_i |s_i| for which degree d keeps both tails within TAIL_TOL (+∞ when every
 * state does): bisection on s ∈ [0, 1], keeping the end where the bound holds. tailBound grows
 * with s, so every smax ≤ the threshold satisfies it too. Computed once per d, when first needed.
 */
function tailThreshold(S: Meanfield, d: i32): f64 {
  if (tailBound(S, d, 1.0) <= TAIL_TOL) return Infinity;
  let lo = 0.0; // tailBound(d, 0) = 0
  let hi = 1.0;
  for (let it = 0; it < 40; it++) {
    const mid = 0.5 * (lo + hi);
    if (tailBound(S, d, mid) <= TAIL_TOL) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The series degree the kernel form uses at y (seriesDegreeAt; K in the moment form). */
export function meanfieldSeriesDegree(p: usize, y: usize): i32 {
  return seriesDegreeAt(sys(p), y);
}

/** True when the kernel form has a remainder to add for this pair. */
@inline function hasRemainder(S: Meanfield, rho: f64): bool {
  return S.kind != KERNEL_SERIES && Math.abs(rho) > TAIL_SERIES_MAX;
}

/**
 * The coefficients of P at y, from the residuals: c_k = σ_k (φ_k − σ_k M_k) for k ≤ K and, in the
 * kernel form, −U_k M_k for K < k ≤ D (the target has no degree above K). Moments stay in S.M.
 */
function residualCoefficients(S: Meanfield, y: usize, c: usize, D: i32): void {
  const m = S.m;
  const K = S.K;
  moments(y, y + (<usize>m << 3), m, D, S.M);
  for (let k = 0; k <= K; k++) {
    const sk = at(S.sigma, k);
    put(c, k, sk * (at(S.phi, k) - sk * at(S.M, k)));
  }
  for (let k = K + 1; k <= D; k++) put(c, k, -at(S.uD, k) * at(S.M, k));
}

/** ε ȧ_i = P(s_i), ṡ_i = (1 − s_i²) a_i P'(s_i) with P of degree d from the residuals. */
function rhsSeries(S: Meanfield, y: usize, dy: usize, d: i32): void {
  const m = S.m;
  const c = S.c;
  const ie = S.invEps;
  residualCoefficients(S, y, c, d);
  const half = <usize>m << 3;
  const cTop = at(c, d);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vie = f64x2.splat(ie);
    const one = f64x2.splat(1.0);
    for (; i + 4 <= m; i += 4) { // two independent Horner chains per pass hide their latency
      const o = <usize>i << 3;
      const x0 = v128.load(y + half + o);
      const x1 = v128.load(y + half + o, 16);
      let p0 = f64x2.splat(cTop);
      let p1 = p0;
      let dp0 = f64x2.splat(0.0);
      let dp1 = dp0;
      for (let k = d - 1; k >= 0; k--) {
        const ck = f64x2.splat(at(c, k));
        dp0 = f64x2.add(f64x2.mul(dp0, x0), p0);
        dp1 = f64x2.add(f64x2.mul(dp1, x1), p1);
        p0 = f64x2.add(f64x2.mul(p0, x0), ck);
        p1 = f64x2.add(f64x2.mul(p1, x1), ck);
      }
      v128.store(dy + o, f64x2.mul(p0, vie));
      v128.store(dy + o, f64x2.mul(p1, vie), 16);
      const w0 = f64x2.mul(f64x2.sub(one, x0), f64x2.add(one, x0));
      const w1 = f64x2.mul(f64x2.sub(one, x1), f64x2.add(one, x1));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w0, v128.load(y + o)), dp0));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w1, v128.load(y + o, 16)), dp1), 16);
    }
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const x = v128.load(y + half + o);
      let p = f64x2.splat(cTop);
      let dp = f64x2.splat(0.0);
      for (let k = d - 1; k >= 0; k--) {
        dp = f64x2.add(f64x2.mul(dp, x), p);
        p = f64x2.add(f64x2.mul(p, x), f64x2.splat(at(c, k)));
      }
      v128.store(dy + o, f64x2.mul(p, vie));
      const w = f64x2.mul(f64x2.sub(one, x), f64x2.add(one, x));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w, v128.load(y + o)), dp));
    }
  }
  for (; i < m; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(y + half + o);
    let p = cTop;
    let dp = 0.0;
    for (let k = d - 1; k >= 0; k--) {
      dp = dp * x + p;
      p = p * x + at(c, k);
    }
    store<f64>(dy + o, p * ie);
    store<f64>(dy + half + o, (1.0 - x) * (1.0 + x) * load<f64>(y + o) * dp);
  }
}

/**
 * The kernel form: the series part of degree D through the moments, plus the remainder for the
 * pairs with |s_i s_j| > ½. Equal to the first expressions at the top of this file, but summing
 * (1/m) Σ_j a_j U(s_i s_j) whole would cancel against V(s_i) and lose |a|·ulp/ε — all digits once
 * ε ≲ 1e-10 — and cost O(m²) closed-form evaluations.
 */
function rhsKernel(S: Meanfield, y: usize, dy: usize): void {
  const m = S.m;
  const half = <usize>m << 3;
  const invM = 1.0 / <f64>m;
  const d = seriesDegreeAt(S, y);
  rhsSeries(S, y, dy, d);
  if (S.kind == KERNEL_SERIES) return;
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    if (Math.abs(si) <= TAIL_SERIES_MAX) continue; // |s_i s_j| ≤ |s_i|
    let su = 0.0;
    let sd = 0.0;
    for (let j = 0; j < m; j++) {
      const sj = at(y + half, j);
      const rho = si * sj;
      if (!hasRemainder(S, rho)) continue;
      const aj = at(y, j);
      su += aj * remainder(S, d, rho);
      sd += aj * sj * remainderDeriv(S, d, rho);
    }
    put(dy, i, at(dy, i) - su * invM * S.invEps);
    put(dy + half, i, at(dy + half, i) - (1.0 - si) * (1.0 + si) * at(y, i) * sd * invM);
  }
}

/** dy = f(y), in the form chosen at init. */
export function meanfieldRhs(p: usize, y: usize, dy: usize): void {
  const S = sys(p);
  if (S.form == FORM_KERNEL) rhsKernel(S, y, dy);
  else rhsSeries(S, y, dy, S.K);
}

/**
 * R[k] = ½ r_k² for k = 0..K; returns R_mf (without the noise term ½τ²). The components come
 * from the residuals, never from the expanded kernel form. In the kernel form with a closed-form
 * U the exact risk also holds the part of U beyond degree K, which the target lacks:
 * ½ (1/m²) Σ_ij a_i a_j [U(s_i s_j) − Σ_{k≤K} σ_k² (s_i s_j)^k] = ½ Σ_{K<k≤d} U_k M_k² plus the
 * remainder of the pairs with |s_i s_j| > ½ (d from seriesDegreeAt); it is added to the total, not to a component. The
 * moment form's flow is the gradient flow of the truncated risk, so it reports that.
 */
export function meanfieldRisk(p: usize, y: usize, R: usize): f64 {
  const S = sys(p);
  const m = S.m;
  const d = seriesDegreeAt(S, y);
  moments(y, y + (<usize>m << 3), m, d, S.M);
  let total = riskComponents(S.phi, S.sigma, S.M, S.K, R);
  if (S.form == FORM_KERNEL && S.kind != KERNEL_SERIES) {
    for (let k = S.K + 1; k <= d; k++) total += 0.5 * at(S.uD, k) * at(S.M, k) * at(S.M, k);
    const half = <usize>m << 3;
    let tail = 0.0;
    for (let i = 0; i < m; i++) {
      const si = at(y + half, i);
      let row = 0.0;
      for (let j = 0; j < m; j++) {
        const rho = si * at(y + half, j);
        if (hasRemainder(S, rho)) row += at(y, j) * remainder(S, d, rho);
      }
      tail += at(y, i) * row;
    }
    total += 0.5 * tail / (<f64>m * <f64>m);
  }
  return total;
}

/** Index of the first non-finite entry of y or |s_i| > 1 (beyond rounding), or −1. */
export function meanfieldInvalid(p: usize, y: usize): i32 {
  const m = sys(p).m;
  for (let i = 0; i < 2 * m; i++) {
    const v = at(y, i);
    if (!isFinite(v) || (i >= m && Math.abs(v) > 1.0 + S_TOL)) return i;
  }
  return -1;
}

/** The exact Jacobian ∂f/∂y at y into the column-major 2m×2m matrix J. */
function jacobianDense(S: Meanfield, y: usize, J: usize): void {
  if (S.form == FORM_KERNEL) jacobianKernel(S, y, J);
  else jacobianMoment(S, y, J);
}

/** The exact Jacobian ∂f/∂y at y into the row-major 2m×2m matrix J (needs a dense-mode block). */
export function meanfieldJacobianDense(p: usize, y: usize, J: usize): void {
  const S = sys(p);
  jacobianDense(S, y, J);
  const n = 2 * S.m;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = at(J, cell(n, i, j));
      put(J, cell(n, i, j), at(J, cell(n, j, i)));
      put(J, cell(n, j, i), t);
    }
  }
}

/**
 * Adds to neuron i's 2×2 diagonal block of J (column-major, 2m×2m) the terms of differentiating
 * ε ȧ_i = P(s_i), ṡ_i = (1 − s_i²) a_i P'(s_i) in s_i and a_i where they stand outside P, given
 * p1 = P'(s_i) and p2 = P''(s_i) (the kernel form's g_i, h_i); the terms through P are already in J.
 */
@inline function addOwnTerms(J: usize, m: i32, i: i32, si: f64, ai: f64, ie: f64, p1: f64, p2: f64): void {
  const n = 2 * m;
  const wi = (1.0 - si) * (1.0 + si);
  put(J, cell(n, i, m + i), at(J, cell(n, i, m + i)) + ie * p1);
  put(J, cell(n, m + i, i), at(J, cell(n, m + i, i)) + wi * p1);
  put(J, cell(n, m + i, m + i), at(J, cell(n, m + i, m + i)) - 2.0 * si * ai * p1 + wi * ai * p2);
}

function jacobianMoment(S: Meanfield, y: usize, J: usize): void {
  const m = S.m;
  const K = S.K;
  const n = 2 * m;
  const half = <usize>m << 3;
  const ie = S.invEps;
  const invM = 1.0 / <f64>m;
  residualCoefficients(S, y, S.c, K);
  for (let i = 0; i < m; i++) {
    const s = at(y + half, i);
    let pk = 1.0;
    for (let k = 0; k <= K; k++) {
      put(S.pw, i * (K + 1) + k, pk);
      pk *= s;
    }
  }
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    const ai = at(y, i);
    const wi = (1.0 - si) * (1.0 + si);
    const pi = S.pw + <usize>(i * (K + 1)) * 8;
    for (let j = 0; j < m; j++) {
      const aj = at(y, j);
      const pj = S.pw + <usize>(j * (K + 1)) * 8;
      let gaa = 0.0, gas = 0.0, gsa = 0.0, gss = 0.0;
      for (let k = 0; k <= K; k++) {
        const u = at(S.u, k);
        gaa += u * at(pi, k) * at(pj, k);
        if (k > 0) {
          const fk = <f64>k;
          gas += u * at(pi, k) * fk * aj * at(pj, k - 1);
          gsa += u * fk * at(pi, k - 1) * at(pj, k);
          gss += u * fk * fk * at(pi, k - 1) * aj * at(pj, k - 1);
        }
      }
      put(J, cell(n, i, j), -ie * gaa * invM);
      put(J, cell(n, i, m + j), -ie * gas * invM);
      put(J, cell(n, m + i, j), -wi * ai * gsa * invM);
      put(J, cell(n, m + i, m + j), -wi * ai * gss * invM);
    }
    addOwnTerms(J, m, i, si, ai, ie, seriesDeriv(S.c, K, si), seriesDeriv2(S.c, K, si));
  }
}

function jacobianKernel(S: Meanfield, y: usize, J: usize): void {
  const m = S.m;
  const K = S.K;
  const n = 2 * m;
  const half = <usize>m << 3;
  const ie = S.invEps;
  // g_i = V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j) and h_i = V''(s_i) − (1/m) Σ_j a_j s_j² U''(s_i s_j),
  // accumulated in the scratch S.res while the symmetric pair loop fills J.
  const g = S.res;
  const h = S.res + half;
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    put(g, i, seriesDeriv(S.v, K, si));
    put(h, i, seriesDeriv2(S.v, K, si));
  }
  // Each pair (i, j ≥ i) fills its entries in rows i and j at once from U, U', U'' at ρ = s_i s_j;
  // g_i and h_i are carried in locals along row i, in the same order of terms as one at a time.
  const invM = 1.0 / <f64>m;
  const U0 = S.jet, U1 = U0 + half, U2 = U1 + half;
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    const ai = at(y, i);
    const wi = (1.0 - si) * (1.0 + si);
    let gi = at(g, i);
    let hi = at(h, i);
    kernelJetRow(S.kind, S.gain, S.u, K, si, y + half + (<usize>i << 3), m - i, U0, U1, U2);
    for (let j = i; j < m; j++) {
      const sj = at(y + half, j);
      const aj = at(y, j);
      const rho = si * sj;
      const u0 = -ie * at(U0, j - i) * invM;
      const u1 = at(U1, j - i) * invM;
      const u2 = at(U2, j - i) * invM;
      const ss = -aj * ai * (u1 + rho * u2);
      gi -= aj * sj * u1;
      hi -= aj * sj * sj * u2;
      put(J, cell(n, i, j), u0);
      put(J, cell(n, i, m + j), -ie * aj * si * u1);
      put(J, cell(n, m + i, j), -wi * ai * sj * u1);
      put(J, cell(n, m + i, m + j), wi * ss);
      if (j != i) {
        const wj = (1.0 - sj) * (1.0 + sj);
        put(g, j, at(g, j) - ai * si * u1);
        put(h, j, at(h, j) - ai * si * si * u2);
        put(J, cell(n, j, i), u0);
        put(J, cell(n, j, m + i), -ie * ai * sj * u1);
        put(J, cell(n, m + j, i), -wj * aj * si * u1);
        put(J, cell(n, m + j, m + i), wj * ss);
      }
    }
    put(g, i, gi);
    put(h, i, hi);
  }
  for (let i = 0; i < m; i++) addOwnTerms(J, m, i, at(y + half, i), at(y, i), ie, at(g, i), at(h, i));
}

/** Takes the Jacobian at y for the following factorizations (one per step of the stiff method). */
export function meanfieldJacobian(p: usize, y: usize): void {
  const S = sys(p);
  const m = S.m;
  if (S.dense) {
    jacobianDense(S, y, S.J);
    return;
  }
  memory.copy(S.jy, y, <usize>(2 * m) << 3);
  residualCoefficients(S, y, S.jc, S.K);
  const half = <usize>m << 3;
  for (let i = 0; i < m; i++) {
    const s = at(y + half, i);
    const a = at(y, i);
    const w = (1.0 - s) * (1.0 + s);
    const dp = seriesDeriv(S.jc, S.K, s);
    put(S.jd, 3 * i, dp * S.invEps);
    put(S.jd, 3 * i + 1, w * dp);
    put(S.jd, 3 * i + 2, -2.0 * s * a * dp + w * a * seriesDeriv2(S.jc, S.K, s));
  }
}

/**
 * Factors x I − J for the Jacobian last taken. False when the matrix (or, in the Woodbury
 * path, a neuron's 2×2 block) is numerically singular: the caller retries with another step.
 */
export function meanfieldFactor(p: usize, x: f64): bool {
  const S = sys(p);
  const m = S.m;
  if (S.dense) {
    const n = 2 * m;
    const A = S.LU;
    const J = S.J;
    const nn = n * n;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 2 <= nn; i += 2) v128.store(A + (<usize>i << 3), f64x2.neg(v128.load(J + (<usize>i << 3))));
    }
    for (; i < nn; i++) put(A, i, -at(J, i));
    for (i = 0; i < n; i++) put(A, cell(n, i, i), at(A, cell(n, i, i)) + x);
    return luFactor(A, n, S.piv);
  }
  const K1 = S.K + 1;
  const C = S.cap;
  const ie = S.invEps;
  const half = <usize>m << 3;
  for (let k = 0; k < K1 * K1; k++) put(C, k, 0.0);
  let worst = 1.0;
  for (let i = 0; i < m; i++) {
    const s = at(S.jy + half, i);
    const a = at(S.jy, i);
    const w = (1.0 - s) * (1.0 + s);
    // x I − D_i = [[x, −P'/ε], [−(1−s²)P', x − d]]
    const d01 = -at(S.jd, 3 * i);
    const d10 = -at(S.jd, 3 * i + 1);
    const d11 = x - at(S.jd, 3 * i + 2);
    const det = x * d11 - d01 * d10;
    const relative = Math.abs(det) / (Math.abs(x * d11) + Math.abs(d01 * d10));
    if (!(relative > SINGULAR)) return false;
    worst = Math.min(worst, relative);
    const b00 = d11 / det, b01 = -d01 / det, b10 = -d10 / det, b11 = x / det;
    put(S.binv, i, b00);
    put(S.binv, m + i, b01);
    put(S.binv, 2 * m + i, b10);
    put(S.binv, 3 * m + i, b11);
    // C[k][l] += Ra_k (b00 La_l + b01 Ls_l) + Rs_k (b10 La_l + b11 Ls_l), with La = Ra/ε and Ls = w Rs.
    const al = b00 * ie, be = b01 * w, ga = b10 * ie, de = b11 * w;
    const ra = S.rr;
    const rs = S.rr + (<usize>K1 << 3);
    let sk = 1.0; // s^k
    let skm = 0.0; // k s^{k−1}
    for (let k = 0; k < K1; k++) {
      const sg = at(S.sigma, k);
      put(ra, k, sg * sk);
      put(rs, k, sg * skm * a);
      skm = skm * s + sk;
      sk *= s;
    }
    for (let l = 0; l < K1; l++) {
      const col = C + (<usize>cell(K1, 0, l) << 3); // column l of Rᵀ B⁻¹ L = Ra (al Ra_l + be Rs_l) + Rs (ga Ra_l + de Rs_l)
      axpy(al * at(ra, l) + be * at(rs, l), ra, col, K1);
      axpy(ga * at(ra, l) + de * at(rs, l), rs, col, K1);
    }
  }
  for (let k = 0; k < K1; k++) put(C, cell(K1, k, k), at(C, cell(K1, k, k)) + <f64>m);
  S.refine = worst < ILL_CONDITIONED ? 1 : 0;
  return luFactor(C, K1, S.cpiv);
}

/** q[k] = Σ_i R_i[·,k] · v_i = σ_k Σ_i (s_i^k v_{a,i} + k a_i s_i^{k−1} v_{s,i}) at the Jacobian's state. */
function projectR(S: Meanfield, v: usize, q: usize): void {
  const m = S.m;
  const K1 = S.K + 1;
  const half = <usize>m << 3;
  const jy = S.jy;
  for (let k = 0; k < K1; k++) put(q, k, 0.0);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const acc = S.rr; // K+1 two-lane sums, one lane per neuron of the pair
    for (let k = 0; k < K1; k++) v128.store(acc + (<usize>k << 4), f64x2.splat(0.0));
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const s = v128.load(jy + half + o);
      const va = v128.load(v + o);
      const vs = f64x2.mul(v128.load(v + half + o), v128.load(jy + o));
      let sk = f64x2.splat(1.0);
      let skm = f64x2.splat(0.0);
      for (let k = 0; k < K1; k++) {
        const slot = acc + (<usize>k << 4);
        v128.store(slot, f64x2.add(v128.load(slot), f64x2.add(f64x2.mul(sk, va), f64x2.mul(skm, vs))));
        skm = f64x2.add(f64x2.mul(skm, s), sk);
        sk = f64x2.mul(sk, s);
      }
    }
    for (let k = 0; k < K1; k++) {
      const lanes = v128.load(acc + (<usize>k << 4));
      put(q, k, f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1));
    }
  }
  for (; i < m; i++) {
    const s = at(jy + half, i);
    const va = at(v, i);
    const vs = at(v + half, i) * at(jy, i);
    let sk = 1.0;
    let skm = 0.0;
    for (let k = 0; k < K1; k++) {
      put(q, k, at(q, k) + (sk * va + skm * vs));
      skm = skm * s + sk;
      sk *= s;
    }
  }
  for (let k = 0; k < K1; k++) put(q, k, at(q, k) * at(S.sigma, k));
}

/**
 * out = (x I − D)⁻¹ b − (x I − D)⁻¹ L (m I + Rᵀ (x I − D)⁻¹ L)⁻¹ Rᵀ (x I − D)⁻¹ b (Woodbury);
 * out may alias b. The 2×2 inverses are stored as four m-vectors B00, B01, B10, B11.
 */
function applyInverse(S: Meanfield, b: usize, out: usize): void {
  const m = S.m;
  const K = S.K;
  const half = <usize>m << 3;
  const ie = S.invEps;
  const B00 = S.binv, B01 = B00 + half, B10 = B01 + half, B11 = B10 + half;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const ba = v128.load(b + o);
      const bs = v128.load(b + half + o);
      v128.store(out + o, f64x2.add(f64x2.mul(v128.load(B00 + o), ba), f64x2.mul(v128.load(B01 + o), bs)));
      v128.store(out + half + o, f64x2.add(f64x2.mul(v128.load(B10 + o), ba), f64x2.mul(v128.load(B11 + o), bs)));
    }
  }
  for (; i < m; i++) {
    const ba = at(b, i);
    const bs = at(b + half, i);
    put(out, i, at(B00, i) * ba + at(B01, i) * bs);
    put(out + half, i, at(B10, i) * ba + at(B11, i) * bs);
  }
  const q = S.q;
  projectR(S, out, q);
  luSolve(S.cap, K + 1, S.cpiv, q);
  // L_i v = (Pv(s_i)/ε, (1 − s_i²) a_i Pv'(s_i)) with Pv(x) = Σ_k σ_k v_k x^k, by Horner.
  for (let k = 0; k <= K; k++) put(q, k, at(q, k) * at(S.sigma, k));
  const qK = at(q, K);
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const vie = f64x2.splat(ie);
    const one = f64x2.splat(1.0);
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const s = v128.load(S.jy + half + o);
      let p = f64x2.splat(qK);
      let dp = f64x2.splat(0.0);
      for (let k = K - 1; k >= 0; k--) {
        dp = f64x2.add(f64x2.mul(dp, s), p);
        p = f64x2.add(f64x2.mul(p, s), f64x2.splat(at(q, k)));
      }
      const la = f64x2.mul(p, vie);
      const ls = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.sub(one, s), f64x2.add(one, s)), v128.load(S.jy + o)), dp);
      v128.store(out + o, f64x2.sub(v128.load(out + o),
        f64x2.add(f64x2.mul(v128.load(B00 + o), la), f64x2.mul(v128.load(B01 + o), ls))));
      v128.store(out + half + o, f64x2.sub(v128.load(out + half + o),
        f64x2.add(f64x2.mul(v128.load(B10 + o), la), f64x2.mul(v128.load(B11 + o), ls))));
    }
  }
  for (; i < m; i++) {
    const s = at(S.jy + half, i);
    let p = qK;
    let dp = 0.0;
    for (let k = K - 1; k >= 0; k--) {
      dp = dp * s + p;
      p = p * s + at(q, k);
    }
    const la = p * ie;
    const ls = (1.0 - s) * (1.0 + s) * at(S.jy, i) * dp;
    put(out, i, at(out, i) - (at(B00, i) * la + at(B01, i) * ls));
    put(out + half, i, at(out + half, i) - (at(B10, i) * la + at(B11, i) * ls));
  }
}

/** Solves (x I − J) u = b in place on b with the last factorization (x as passed to meanfieldFactor). */
export function meanfieldSolve(p: usize, x: f64, b: usize): void {
  const S = sys(p);
  const m = S.m;
  if (S.dense) {
    luSolve(S.LU, 2 * m, S.piv, b);
    return;
  }
  if (!S.refine) {
    applyInverse(S, b, b);
    return;
  }
  // One step of iterative refinement: a nearly singular 2×2 block makes the Woodbury formula lose
  // digits to cancellation, which the residual r = b − (x I − J) u, computed in O(mK), gives back.
  const r = S.res;
  const half = <usize>m << 3;
  memory.copy(r, b, <usize>(2 * m) << 3);
  applyInverse(S, b, b);
  const q = S.q;
  projectR(S, b, q);
  for (let k = 0; k <= S.K; k++) put(q, k, at(q, k) * at(S.sigma, k) / <f64>m);
  for (let i = 0; i < m; i++) {
    const s = at(S.jy + half, i);
    const a = at(S.jy, i);
    const ua = at(b, i);
    const us = at(b + half, i);
    // (x I − J) u = x u − D u + (1/m) L Rᵀ u
    const wa = x * ua - at(S.jd, 3 * i) * us + series(q, S.K, s) * S.invEps;
    const ws = x * us - at(S.jd, 3 * i + 1) * ua - at(S.jd, 3 * i + 2) * us
      + (1.0 - s) * (1.0 + s) * a * seriesDeriv(q, S.K, s);
    put(r, i, at(r, i) - wa);
    put(r + half, i, at(r + half, i) - ws);
  }
  applyInverse(S, r, r);
  for (let i = 0; i < 2 * m; i++) put(b, i, at(b, i) + at(r, i));
}
