// The mean-field flow as a system the integrators can run (integrators/system.ts): one
// caller-owned block holding, in order, the System header, the parameters (params.ts), the Tails
// part (tails.ts) and the linear algebra — a Dense part (dense.ts), a Woodbury part (woodbury.ts:
// O(md) solves), or both. With both (the kernel form), each Jacobian goes to the one that fits
// the state and costs less (linearChoice), and the factorization and solves follow it.
import { systemBytes, systemInit } from '../integrators/system';
import { KERNEL_SERIES } from '../kernels';
import { denseFactor, denseJacobian, denseLayout, denseSolve } from './dense';
import { at, FORM_KERNEL, Meanfield, params, paramsInit, paramsLayout, seriesDegree, TAIL_SERIES_MAX } from './params';
import { meanfieldInvalid, meanfieldRhs } from './rhs';
import { seriesDegreeAt, tailsInit, tailsLayout } from './tails';
import { woodburyFactor, woodburyInit, woodburyJacobian, woodburyLayout, woodburySolve, woodburyUsable } from './woodbury';

export const LINEAR_DENSE: i32 = 0;
export const LINEAR_WOODBURY: i32 = 1;

/** Lays out (write) or measures the block at p; returns its end (block.ts). */
function layout(write: bool, p: usize, m: i32, K: i32, form: i32, dense: bool): u64 {
  const S = changetype<Meanfield>(p + systemBytes());
  const D = seriesDegree(K, form);
  let q = paramsLayout(write, <u64>(p + systemBytes()), m, K, D);
  if (write) S.tails = <usize>q;
  q = tailsLayout(write, q, D);
  if (write) S.dense = dense ? <usize>q : 0;
  if (dense) q = denseLayout(write, q, m, K);
  const wood = !dense || form == FORM_KERNEL;
  if (write) S.wood = wood ? <usize>q : 0;
  return wood ? woodburyLayout(write, q, m, D) : q;
}

/**
 * Bytes of the block meanfieldInit lays out for m neurons, degree K, the form, and dense linear
 * algebra (`dense`) or Woodbury solves. As f64, so that a size past 4 GiB is seen as such.
 */
export function meanfieldBytes(m: i32, K: i32, form: i32, dense: bool): f64 {
  return <f64>layout(false, 0, m, K, form, dense);
}

/** Up to this many neurons the moment form factors x I − J by dense LU; beyond, by Woodbury in O(mK). */
export const DENSE_MAX_M: i32 = 32;

/**
 * Operation counts of the two ways to factor and solve x I − J at rank r (see linearChoice):
 * true when Woodbury costs less than dense LU of order 2m.
 */
function woodburyCheaper(m: i32, r: f64): bool {
  const fm = <f64>m;
  const woodbury = 4.0 * fm * r * r + r * r * r / 3.0 + 60.0 * fm * r;
  const dense = 8.0 * fm * fm * fm / 3.0 + 40.0 * fm * fm + 48.0 * fm * fm;
  return woodbury < dense;
}

/**
 * Whether the block of a run needs the Dense part (the argument `dense` of meanfieldBytes and
 * meanfieldInit): only a method that factors x I − J (`factors`) uses either linear part. The
 * moment form takes dense LU up to DENSE_MAX_M neurons. The kernel form of a closed-form kernel
 * needs it wherever a pair has s_i s_j > ½ (linearChoice), at any m; the series kernel (`kind`
 * KERNEL_SERIES) always fits Woodbury at degree K, and takes dense LU only where it costs less.
 */
export function meanfieldDense(m: i32, K: i32, form: i32, kind: i32, factors: bool): bool {
  if (!factors) return false;
  if (form != FORM_KERNEL) return m <= DENSE_MAX_M;
  return kind != KERNEL_SERIES || !woodburyCheaper(m, <f64>(K + 1));
}

/**
 * Which part takes the kernel form's Jacobian at y. Woodbury fits where no pair needs the
 * closed-form remainder (max s_i² ≤ ½; always for the series kernel) and every U_k ≥ 0; it is
 * chosen when its rank r = d + 1 makes it cheaper than dense LU of order 2m — by operation counts,
 * factorization ~4 m r² + r³/3 against (2m)³/3 plus the kernel-form Jacobian's m² closed-form
 * jets (each ~ a few dozen flops: counted as 40), solves ~10 m r against 8 m² (six per step).
 */
function linearChoice(S: Meanfield, y: usize): i32 {
  if (S.wood == 0) return LINEAR_DENSE;
  if (S.dense == 0) return LINEAR_WOODBURY;
  if (!woodburyUsable(S)) return LINEAR_DENSE;
  const m = S.m;
  if (S.kind != KERNEL_SERIES) {
    let smax = 0.0;
    for (let i = 0; i < m; i++) smax = Math.max(smax, Math.abs(at(y + (<usize>m << 3), i)));
    if (smax * smax > TAIL_SERIES_MAX) return LINEAR_DENSE;
  }
  return woodburyCheaper(m, <f64>(seriesDegreeAt(S, y) + 1)) ? LINEAR_WOODBURY : LINEAR_DENSE;
}

function eitherJacobian(sys: usize, y: usize): void {
  const S = params(sys);
  S.linear = linearChoice(S, y);
  if (S.linear == LINEAR_WOODBURY) woodburyJacobian(sys, y);
  else denseJacobian(sys, y);
}

function eitherFactor(sys: usize, x: f64): bool {
  return params(sys).linear == LINEAR_WOODBURY ? woodburyFactor(sys, x) : denseFactor(sys, x);
}

function eitherSolve(sys: usize, x: f64, b: usize): void {
  if (params(sys).linear == LINEAR_WOODBURY) woodburySolve(sys, x, b);
  else denseSolve(sys, x, b);
}

/**
 * Sets up the system in the caller-owned block `p` (meanfieldBytes long, 16-byte aligned).
 * `sigma`, `phi` (K+1 doubles each) must outlive it. `kind`/`gain` name the closed-form kernel of
 * the kernel form (KERNEL_SERIES: the series Σ σ_k² ρ^k). `dense` gives the block dense LU
 * (meanfieldDense says when a run needs it); the kernel form always has the Woodbury part, and
 * with both, each Jacobian goes to the one that fits (linearChoice).
 */
export function meanfieldInit(p: usize, m: i32, K: i32, form: i32, kind: i32, gain: f64, epsilon: f64,
  sigma: usize, phi: usize, dense: bool): void {
  layout(true, p, m, K, form, dense);
  const S = params(p);
  paramsInit(S, m, K, form, kind, gain, epsilon, sigma, phi);
  tailsInit(S);
  S.linear = dense ? LINEAR_DENSE : LINEAR_WOODBURY;
  if (S.wood != 0) woodburyInit(S);
  if (S.dense != 0 && S.wood != 0) systemInit(p, 2 * m, meanfieldRhs, meanfieldInvalid, eitherJacobian, eitherFactor, eitherSolve);
  else if (S.dense != 0) systemInit(p, 2 * m, meanfieldRhs, meanfieldInvalid, denseJacobian, denseFactor, denseSolve);
  else systemInit(p, 2 * m, meanfieldRhs, meanfieldInvalid, woodburyJacobian, woodburyFactor, woodburySolve);
}

/** Which part (LINEAR_DENSE or LINEAR_WOODBURY) took the Jacobian last taken by the system at `sys`. */
export function meanfieldLinear(sys: usize): i32 {
  return params(sys).linear;
}
