// The mean-field flow as a system the integrators can run (integrators/system.ts): one
// caller-owned block holding, in order, the System header, the parameters (params.ts), the Tails
// part (tails.ts) and one linear-algebra part — Dense (dense.ts: few neurons, or the kernel form)
// or Woodbury (woodbury.ts: O(mK) solves in the moment form) — whose functions go into the header.
import { systemBytes, systemInit } from '../integrators/system';
import { denseFactor, denseJacobian, denseLayout, denseSolve } from './dense';
import { Meanfield, params, paramsInit, paramsLayout, seriesDegree } from './params';
import { meanfieldInvalid, meanfieldRhs } from './rhs';
import { tailsInit, tailsLayout } from './tails';
import { woodburyFactor, woodburyJacobian, woodburyLayout, woodburySolve } from './woodbury';

/** Lays out (write) or measures the block at p; returns its end (block.ts). */
function layout(write: bool, p: usize, m: i32, K: i32, form: i32, dense: bool): usize {
  const S = changetype<Meanfield>(p + systemBytes());
  const D = seriesDegree(K, form);
  let q = paramsLayout(write, p + systemBytes(), K, D);
  if (write) S.tails = q;
  q = tailsLayout(write, q, D);
  if (write) S.linear = q;
  return dense ? denseLayout(write, q, m, K) : woodburyLayout(write, q, m, K);
}

/**
 * Bytes of the block meanfieldInit lays out for m neurons, degree K, the form, and dense linear
 * algebra (`dense`) or Woodbury solves.
 */
export function meanfieldBytes(m: i32, K: i32, form: i32, dense: bool): usize {
  return layout(false, 0, m, K, form, dense);
}

/**
 * Sets up the system in the caller-owned block `p` (meanfieldBytes long, 16-byte aligned).
 * `sigma`, `phi` (K+1 doubles each) must outlive it. `kind`/`gain` name the closed-form kernel of
 * the kernel form (KERNEL_SERIES: the series Σ σ_k² ρ^k). The kernel form's Jacobian is dense, so
 * it needs `dense`.
 */
export function meanfieldInit(p: usize, m: i32, K: i32, form: i32, kind: i32, gain: f64, epsilon: f64,
  sigma: usize, phi: usize, dense: bool): void {
  layout(true, p, m, K, form, dense);
  const S = params(p);
  paramsInit(S, m, K, form, kind, gain, epsilon, sigma, phi);
  tailsInit(S);
  if (dense) systemInit(p, 2 * m, meanfieldRhs, meanfieldInvalid, denseJacobian, denseFactor, denseSolve);
  else systemInit(p, 2 * m, meanfieldRhs, meanfieldInvalid, woodburyJacobian, woodburyFactor, woodburySolve);
}
