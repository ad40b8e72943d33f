// Where the kernel form's series may stop (MODEL.md §4 and params.ts): the series degree d at a
// state, with the a-priori bound on what the neglected tails of U and of s·U' leave out, and the
// closed form's remainder for the pairs the series does not cover. Owns the Tails part of the
// block: the thresholds of each degree, computed once when first needed, and the last answer.
import { align, take } from '../block';
import { kernel, kernelDeriv, series, seriesDeriv, KERNEL_ERF, KERNEL_RELU, KERNEL_SERIES } from '../kernels';
import { at, FORM_KERNEL, Meanfield, params, put, TAIL_SERIES_MAX } from './params';

/** What seriesDegreeAt promises: the neglected tails of U and of s_j U'(s_i s_j), per pair, are at most this. */
const TAIL_TOL: f64 = 1e-17;

@unmanaged export class Tails {
  /** seriesDegreeAt's last answer, where its next search starts. */
  dlast: i32;
  thr: usize; // seriesDegreeAt's threshold on max |s_i| for each degree 0..D, NaN until first needed (D+1)
}

@inline function tails(S: Meanfield): Tails {
  return changetype<Tails>(S.tails);
}

/** Lays out (write) or measures the Tails part at p for series degree D; returns the end (block.ts). */
export function tailsLayout(write: bool, p: u64, D: i32): u64 {
  const h = write ? <usize>p : 0;
  p = align(p + offsetof<Tails>());
  return take(h, offsetof<Tails>('thr'), p, D + 1);
}

/** Starts the Tails part at S.tails (laid out, S's parameters filled in). */
export function tailsInit(S: Meanfield): void {
  for (let k = 0; k <= S.D; k++) put(tails(S).thr, k, NaN);
  tails(S).dlast = firstDegree(S);
}

/** The kernel's remainder beyond the series part of degree d, U(ρ) − Σ_{k≤d} U_k ρ^k, for |ρ| > TAIL_SERIES_MAX. */
@inline export function remainder(S: Meanfield, d: i32, rho: f64): f64 {
  return kernel(S.kind, S.gain, S.u, S.K, rho) - series(S.uD, d, rho);
}

@inline export function remainderDeriv(S: Meanfield, d: i32, rho: f64): f64 {
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
export function seriesDegreeAt(S: Meanfield, y: usize): i32 {
  if (S.form != FORM_KERNEL || (S.kind != KERNEL_RELU && S.kind != KERNEL_ERF)) return S.K;
  let smax = 0.0;
  for (let i = 0; i < S.m; i++) smax = Math.max(smax, Math.abs(at(y + (<usize>S.m << 3), i)));
  if (smax == 0.0) return S.K;
  // The smallest d ≥ d₀ with smax ≤ threshold(d), searched from the last answer: the thresholds
  // never decrease with d (tailBound does not grow with d at fixed s, every rounding in it being
  // monotone and each step of e shrinking it by a factor r² ≤ ¼ at least), so this is the same d as a scan
  // from d₀ whatever the history, and the thresholds below tails(S).dlast are already computed.
  const d0 = firstDegree(S);
  let d = tails(S).dlast;
  while (d > d0 && smax <= at(tails(S).thr, d - 1)) d--;
  for (; d < S.D; d++) {
    let th = at(tails(S).thr, d);
    if (isNaN(th)) {
      th = tailThreshold(S, d);
      put(tails(S).thr, d, th);
    }
    if (smax <= th) break;
  }
  tails(S).dlast = d;
  return d;
}

/** Where seriesDegreeAt's search starts: K, and for ReLU not below 1 (the parity structure starts at k₀ = 2). */
@inline export function firstDegree(S: Meanfield): i32 {
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

/** The series degree the kernel form uses at y (seriesDegreeAt; K in the moment form), for the system at `sys`. */
export function meanfieldSeriesDegree(sys: usize, y: usize): i32 {
  return seriesDegreeAt(params(sys), y);
}

/** True when the kernel form has a remainder to add for this pair. */
@inline export function hasRemainder(S: Meanfield, rho: f64): bool {
  return S.kind != KERNEL_SERIES && Math.abs(rho) > TAIL_SERIES_MAX;
}
