// The d→∞ neuron dynamics (MODEL.md §4) as an ODE system in R^{2m}, state y = (a_0..a_{m−1}, s_0..s_{m−1}):
//   ε ȧ_i = V(s_i) − (1/m) Σ_j a_j U(s_i s_j)                 = P(s_i)
//   ṡ_i  = (1 − s_i²) a_i [V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j)] = (1 − s_i²) a_i P'(s_i)
// with P(x) = Σ_k c_k x^k, c_k = σ_k r_k, r_k = φ_k − σ_k M_k, M_k = (1/m) Σ_j a_j s_j^k.
// This file holds the system's parameters (the Meanfield header and its coefficient buffers) and
// the coefficients of P; beside it: tails.ts (where the kernel form's series may stop), rhs.ts
// (right-hand sides, validity, risk), dense.ts (exact dense Jacobian and LU), woodbury.ts
// (structured solves in O(mK)), and system.ts, which lays the parts out in one block.
import { align, take } from '../block';
import { moments } from '../moments';
import { KERNEL_ERF, KERNEL_RELU } from '../kernels';
import { systemBytes } from '../integrators/system';

export const FORM_MOMENT: i32 = 0;
export const FORM_KERNEL: i32 = 1;

/**
 * The kernel form splits U into its Taylor series up to degree D = max(K, TAIL_DEGREE), summed
 * through the moments M_0..M_D (O(mD), no cancellation), plus the remainder U(ρ) − Σ_{k≤D} U_k ρ^k
 * for the pairs with |ρ| > TAIL_SERIES_MAX, the only ones where it exceeds 0.5^65 ≈ 3e-20.
 */
export const TAIL_DEGREE: i32 = 64;
export const TAIL_SERIES_MAX: f64 = 0.5;

/** The system's parameters, after the block's System header; the other parts hang off `tails`, `dense` and `wood`. */
@unmanaged export class Meanfield {
  m: i32;
  K: i32;
  /** Degree of the series part: K in the moment form, max(K, TAIL_DEGREE) in the kernel form. */
  D: i32;
  form: i32;
  kind: i32;
  gain: f64;
  invEps: f64;
  sigma: usize; // σ_k
  phi: usize; // φ_k
  u: usize; // σ_k², the series of U
  v: usize; // φ_k σ_k, the series of V
  uD: usize; // U_k, the Taylor coefficients of U up to D: σ_k² for k ≤ K, the closed form's above (D+1)
  M: usize; // moments M_0..M_D of the last evaluation
  c: usize; // coefficients of P: c_k = σ_k r_k (k ≤ K), −U_k M_k (K < k ≤ D), of the last evaluation
  rem: usize; // the kernel form's remainder sums per neuron and its list of neurons with |s| > ½ (3m)
  /** The Tails part (tails.ts). */
  tails: usize;
  /** The linear-algebra parts: Dense (dense.ts) and Woodbury (woodbury.ts), 0 where absent. */
  dense: usize;
  wood: usize;
  /** Which of them the Jacobian last taken went to (system.ts: LINEAR_DENSE or LINEAR_WOODBURY). */
  linear: i32;
}

/** The parameters of the system whose block starts at `sys`. */
@inline export function params(sys: usize): Meanfield {
  return changetype<Meanfield>(sys + systemBytes());
}

@inline export function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline export function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline export function seriesDegree(K: i32, form: i32): i32 {
  return form == FORM_KERNEL ? max(K, TAIL_DEGREE) : K;
}

/**
 * Lays out (write) or measures (!write) the Meanfield header at p and its buffers; returns the
 * end. See block.ts.
 */
export function paramsLayout(write: bool, p: u64, m: i32, K: i32, D: i32): u64 {
  const h = write ? <usize>p : 0;
  p = align(p + offsetof<Meanfield>());
  p = take(h, offsetof<Meanfield>('u'), p, K + 1);
  p = take(h, offsetof<Meanfield>('v'), p, K + 1);
  p = take(h, offsetof<Meanfield>('uD'), p, D + 1);
  p = take(h, offsetof<Meanfield>('M'), p, D + 1);
  p = take(h, offsetof<Meanfield>('c'), p, D + 1);
  return take(h, offsetof<Meanfield>('rem'), p, 3 * m);
}

/** Fills in the parameters (after paramsLayout) and the coefficient tables. */
export function paramsInit(S: Meanfield, m: i32, K: i32, form: i32, kind: i32, gain: f64, epsilon: f64,
  sigma: usize, phi: usize): void {
  S.m = m;
  S.K = K;
  S.D = seriesDegree(K, form);
  S.form = form;
  S.kind = kind;
  S.gain = gain;
  S.invEps = 1.0 / epsilon;
  S.sigma = sigma;
  S.phi = phi;
  for (let k = 0; k <= K; k++) {
    const sk = at(sigma, k);
    put(S.u, k, sk * sk);
    put(S.v, k, at(phi, k) * sk);
  }
  taylorCoefficients(S);
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

/**
 * The coefficients of P at y, from the residuals: c_k = σ_k (φ_k − σ_k M_k) for k ≤ K and, in the
 * kernel form, −U_k M_k for K < k ≤ D (the target has no degree above K). Moments stay in S.M.
 */
export function residualCoefficients(S: Meanfield, y: usize, c: usize, D: i32): void {
  const m = S.m;
  const K = S.K;
  moments(y, y + (<usize>m << 3), m, D, S.M);
  for (let k = 0; k <= K; k++) {
    const sk = at(S.sigma, k);
    put(c, k, sk * (at(S.phi, k) - sk * at(S.M, k)));
  }
  for (let k = K + 1; k <= D; k++) put(c, k, -at(S.uD, k) * at(S.M, k));
}
