// BDF of variable order 1–5 with Newton iterations that reuse the Jacobian and the factorization
// (the NDF/BDF scheme of scipy's BDF solver, scipy/integrate/_ivp/bdf.py, after Shampine & Reichelt,
// "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18 (1997) 1–22, with κ = 0: plain BDF):
// the solution is kept as backward differences D_0..D_{q+2} on a uniform grid of step h (D_0 = y,
// D_j = ∇^j y scaled), the predictor is Σ_{j≤q} D_j, and the corrector solves
//   (1 − c J) Δ = c f(y) − ψ − d,   c = h/α_q,   ψ = Σ_{j=1..q} γ_j D_j / α_q,
// by simplified Newton with one LU of x I − J (x = 1/c) reused across iterations and steps, and
// stopped by CVODE's convergence test (newton below). The Jacobian is retaken when Newton fails to
// converge with a stale one, and at the new predictor after a failure with a current one (as
// CVODE does); the LU when c moved by more than 30% since it was made. The local error is C_{q+1}
// times the corrector's total change d, in state.ts's error norm; order and step change together
// from the error estimates at q − 1, q and q + 1.
// A step is split as CVODE's cvStep is: predict, correct (Newton), the error test, complete
// (accept and update the differences), then choose the next step and order. Step landing, accept
// and reject are state.ts's. With `fixed` there is no error test and h stays (an unconverged step
// is still halved); the order is still chosen.
// Why here: the mean-field flow is a gradient flow — its Jacobian is similar to a symmetric one,
// so its eigenvalues are real, where BDF up to order 5 is stable and damps the stiff modes — and a
// step costs ~1.5–2 right-hand sides against RODAS4's six, with one Jacobian per many steps.
// Invariant: every weight (Newton's test, the error test, the order choice) is at least
// ROUNDING_FLOOR u ‖y_n‖_∞ (u = 2^−52), because a component whose atol + rtol |y_i| is below the
// rounding of the residual (f sums terms of size ‖y‖_∞ that cancel) stalls Newton at every h;
// such steps are counted (floored). docs/design.md (Integrators) has the measurements behind the
// constants below.
// BDF keeps no f(y): st.f and fOld are not maintained past the start.
import { accept, errorNorm, factor, Integrator, invalid, jacobian, reject, rhs, solve, stage, trialStep } from './state';

export const BDF_MAX_ORDER: i32 = 5;
/** D_0..D_{q_max+2}, then the predictor, ψ, the corrector's change d, and a scratch vector. */
export const BDF_STAGES: i32 = BDF_MAX_ORDER + 3 + 4;
const NEWTON_MAXITER: i32 = 3;
/** Step-size safety factor after 1 Newton iteration (× 7/(6 + iterations): less after slow convergence). */
const SAFETY: f64 = 0.85;
/** Newton stops when its estimated remaining error is below this fraction of the error test's bound on d (CVODE's nlscoef). */
const NEWTON_COEF: f64 = 0.01;
/** CVODE's crdown and rdiv: the rate estimate decays by at most this factor per iteration; an increment this much larger than the last is divergence. */
const RATE_DOWN: f64 = 0.3;
const DIVERGE: f64 = 2.0;
/** Steps a measured contraction rate stays in use (CVODE refreshes its setup, and so the rate, every 20 steps). */
const RATE_LIFE: i32 = 20;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 10.0;
/** Error weights are at least this many units of rounding of ‖y‖_∞ (ROUNDING_FLOOR u ‖y‖_∞, u = 2^−52): see the header. */
const ROUNDING_FLOOR: f64 = 10.0;
/** Refactor x I − J when x moved by more than this fraction since the last factorization. */
const REFACTOR: f64 = 0.3;

/** γ_q = Σ_{j≤q} 1/j, α_q = γ_q (κ = 0), and the error constants C_{q+1} = 1/(q+1) (bdf.py). */
const GAMMA = memory.data<f64>([0.0, 1.0, 1.5, 11.0 / 6.0, 25.0 / 12.0, 137.0 / 60.0]);
const ERROR_CONST = memory.data<f64>([1.0, 0.5, 1.0 / 3.0, 0.25, 0.2, 1.0 / 6.0, 1.0 / 7.0]);
/** Bytes after the stage vectors: R, U and R U of changeD ((q_max+1)² doubles each) and one column of D. */
export const BDF_SCRATCH_BYTES: i32 = 8 * (3 * (BDF_MAX_ORDER + 1) * (BDF_MAX_ORDER + 1) + BDF_MAX_ORDER + 3);

@inline function g(k: i32): f64 {
  return load<f64>(GAMMA + (<usize>k << 3));
}

@inline function errorConst(k: i32): f64 {
  return load<f64>(ERROR_CONST + (<usize>k << 3));
}

@inline function D(st: Integrator, j: i32): usize {
  return stage(st, j);
}

@inline function predictor(st: Integrator): usize {
  return stage(st, BDF_MAX_ORDER + 3);
}

@inline function psiVec(st: Integrator): usize {
  return stage(st, BDF_MAX_ORDER + 4);
}

@inline function dVec(st: Integrator): usize {
  return stage(st, BDF_MAX_ORDER + 5);
}

@inline function scratch(st: Integrator): usize {
  return stage(st, BDF_MAX_ORDER + 6);
}

/** The k-th (q_max+1)² matrix of changeD's scratch, after the stage vectors (k = 3: the column). */
@inline function matrix(st: Integrator, k: i32): usize {
  return stage(st, BDF_STAGES) + <usize>(k * (BDF_MAX_ORDER + 1) * (BDF_MAX_ORDER + 1)) * 8;
}

/** R(order, factor) of bdf.py: M[0][·] = 1, M[i][j] = (i − 1 − factor j)/i, cumulative products down columns. */
function computeR(order: i32, factor: f64, out: usize): void {
  const n = order + 1;
  for (let j = 0; j < n; j++) store<f64>(out + (<usize>j << 3), 1.0);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const m = j == 0 ? 0.0 : (<f64>(i - 1) - factor * <f64>j) / <f64>i;
      store<f64>(out + (<usize>(i * n + j) << 3), load<f64>(out + (<usize>((i - 1) * n + j) << 3)) * m);
    }
  }
}

/** Re-expresses D_0..D_order on the grid of step factor·h (the same interpolating polynomial): D ← (R U)ᵀ D. */
function changeD(st: Integrator, factor: f64): void {
  const order = st.order;
  const n = order + 1;
  const RM = matrix(st, 0), UM = matrix(st, 1), RU = matrix(st, 2), COL = matrix(st, 3);
  computeR(order, factor, RM);
  computeR(order, 1.0, UM);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.0;
      for (let k = 0; k < n; k++) s += load<f64>(RM + (<usize>(i * n + k) << 3)) * load<f64>(UM + (<usize>(k * n + j) << 3));
      store<f64>(RU + (<usize>(i * n + j) << 3), s);
    }
  }
  for (let c = 0; c < st.n; c++) {
    const o = <usize>c << 3;
    for (let j = 0; j < n; j++) store<f64>(COL + (<usize>j << 3), load<f64>(D(st, j) + o));
    for (let j = 0; j < n; j++) {
      let s = 0.0;
      for (let k = 0; k < n; k++) s += load<f64>(RU + (<usize>(k * n + j) << 3)) * load<f64>(COL + (<usize>k << 3));
      store<f64>(D(st, j) + o, s);
    }
  }
  st.equal = 0;
}

/** Newton's norm: RMS of v_i / max(floor, atol + rtol |w_i|), weights from the predictor alone (CVODE's ewt). */
function weightedNorm(st: Integrator, v: usize, w: usize, floor: f64): f64 {
  let sum = 0.0;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const r = load<f64>(v + o) / Math.max(floor, st.atol + st.rtol * Math.abs(load<f64>(w + o)));
    sum += r * r;
  }
  return Math.sqrt(sum / <f64>st.n);
}

/** The rounding floor of the weights at y: ROUNDING_FLOOR u ‖y‖_∞ (see the header). */
function roundingFloor(st: Integrator, y: usize): f64 {
  let big = 0.0;
  for (let i = 0; i < st.n; i++) big = Math.max(big, Math.abs(load<f64>(y + (<usize>i << 3))));
  return ROUNDING_FLOOR * f64.EPSILON * big;
}

/** Sets up the differences after integratorInit: D_0 = y0, D_1 = h f(y0), order 1, the Jacobian at y0. */
export function bdfStart(st: Integrator): void {
  memory.copy(D(st, 0), st.y, <usize>st.n << 3);
  const d1 = D(st, 1);
  for (let i = 0; i < st.n; i++) store<f64>(d1 + (<usize>i << 3), st.h * load<f64>(st.f + (<usize>i << 3)));
  for (let j = 2; j < BDF_MAX_ORDER + 3; j++) memory.fill(D(st, j), 0, <usize>st.n << 3);
  st.order = 1;
  st.equal = 0;
  st.factored = 0;
  jacobian(st, st.y);
  st.fresh = 1;
}

/** Predict: the predictor Σ_{j≤q} D_j and ψ = Σ_{j=1..q} γ_j D_j / α_q. */
@inline function predict(st: Integrator, q: i32): void {
  const n = st.n;
  const yp = predictor(st);
  const psi = psiVec(st);
  memory.fill(yp, 0, <usize>n << 3);
  memory.fill(psi, 0, <usize>n << 3);
  for (let j = 0; j <= q; j++) {
    const Dj = D(st, j);
    const gj = j >= 1 ? g(j) / g(q) : 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const v = load<f64>(Dj + o);
      store<f64>(yp + o, load<f64>(yp + o) + v);
      store<f64>(psi + o, load<f64>(psi + o) + gj * v);
    }
  }
}

/**
 * Simplified Newton for the corrector from the predictor; leaves the iterate in yTmp and the total
 * change in d. The factorization may be for another c (xLU ≠ 1/c): the iteration matrix is then
 * 1 − c' J, c' = 1/xLU, and each increment is scaled by 2/(1 + c/c') (CVODE's gamrat correction:
 * exact for the stiff components, where (1 − c'λ)⁻¹ ≈ −1/(c'λ), within |1 − c/c'|/(1 + c/c') for
 * the others). Convergence test of CVODE (Hindmarsh et al., ACM TOMS 31 (2005) §2.1; cvNlsConvTest):
 * with the contraction rate R estimated from successive increments and carried across steps until
 * the next factorization (for RATE_LIFE steps at most), the iteration stops when ‖Δ_k‖ min(1, R)
 * ≤ tol — the first increment may already be small enough — and fails when ‖Δ_k‖ > 2 ‖Δ_{k−1}‖ or
 * after NEWTON_MAXITER.
 * Returns the iterations taken (> 0) when converged, else −1.
 */
function newton(st: Integrator, c: f64, tol: f64, floor: f64): i32 {
  const n = st.n;
  const y = st.yTmp;
  const d = dVec(st);
  const f = st.fTmp;
  const dy = scratch(st);
  const psi = psiVec(st);
  const yp = predictor(st);
  const x = st.xLU;
  const scale = 2.0 / (1.0 + c * x);
  memory.copy(y, yp, <usize>n << 3);
  memory.fill(d, 0, <usize>n << 3);
  let old = 0.0;
  // A rate not measured for RATE_LIFE steps is forgotten: the Jacobian ages while every step
  // converges at its first increment, so the old estimate would accept ever larger leftovers.
  let rate = st.rateAge >= RATE_LIFE ? 1.0 : st.rate;
  for (let k = 0; k < NEWTON_MAXITER; k++) {
    rhs(st, y, f);
    st.newtonIters += 1;
    // (1 − c' J) Δ = c f − ψ − d, i.e. (x I − J) Δ = x (c f − ψ − d) with x = 1/c'
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(dy + o, x * (c * load<f64>(f + o) - load<f64>(psi + o) - load<f64>(d + o)));
    }
    solve(st, x, dy);
    let finite = true;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const v = scale * load<f64>(dy + o);
      if (!isFinite(v)) finite = false;
      store<f64>(dy + o, v);
    }
    if (!finite) return -1;
    const dyNorm = weightedNorm(st, dy, yp, floor);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(y + o, load<f64>(y + o) + load<f64>(dy + o));
      store<f64>(d + o, load<f64>(d + o) + load<f64>(dy + o));
    }
    if (k > 0) {
      rate = Math.max(RATE_DOWN * rate, dyNorm / old);
      st.rateAge = 0;
    }
    if (dyNorm * Math.min(1.0, rate) <= tol) {
      st.rate = rate;
      return k + 1;
    }
    if (k > 0 && dyNorm > DIVERGE * old) return -1;
    old = dyNorm;
  }
  return -1;
}

/**
 * Correct: Newton for a step of size h at order q, refactoring x I − J when c moved by more than
 * REFACTOR since the last factorization (CVODE's dgmax) or for a new Jacobian, and retaking a
 * stale Jacobian at the predictor when Newton fails with it. Returns Newton's iterations, or −1.
 */
@inline function correct(st: Integrator, h: f64, q: i32, floor: f64): i32 {
  const c = h / g(q);
  const x = 1.0 / c;
  const tol = NEWTON_COEF / errorConst(q);
  while (true) {
    if (!st.factored || Math.abs(x / st.xLU - 1.0) > REFACTOR) {
      st.xLU = x;
      st.factored = 1;
      st.rate = 1.0;
      st.rateAge = 0;
      if (!factor(st, x)) {
        st.factored = 0;
        return -1;
      }
    }
    const iters = newton(st, c, tol, floor);
    if (iters > 0) return iters;
    st.newtonFails += 1;
    if (!st.fresh) { // a stale Jacobian: retake it at the predictor
      jacobian(st, predictor(st));
      st.fresh = 1;
      st.factored = 0;
    } else if (st.xLU != x) st.factored = 0; // the Jacobian is current: refactor for this c
    else return -1;
  }
}

/** A rejected attempt: retry with h·factor on the differences re-expressed for it. */
@inline function retry(st: Integrator, h: f64, factor: f64): void {
  reject(st, h * factor);
  changeD(st, factor);
}

/**
 * Complete: accept the corrected solution (state.ts accept), count a floored weight, and update
 * the differences: D_{q+2} = d − D_{q+1}, D_{q+1} = d, D_i += D_{i+1} downwards.
 */
@inline function complete(st: Integrator, h: f64, q: i32, floor: f64): void {
  const n = st.n;
  accept(st, h);
  st.equal += 1;
  st.fresh = 0;
  st.rateAge += 1;
  if (floor > st.atol) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      if (floor > st.atol + st.rtol * Math.max(Math.abs(load<f64>(st.yOld + o)), Math.abs(load<f64>(st.y + o)))) {
        st.floored += 1;
        break;
      }
    }
  }
  const d = dVec(st);
  const Dq1 = D(st, q + 1), Dq2 = D(st, q + 2);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const di = load<f64>(d + o);
    store<f64>(Dq2 + o, di - load<f64>(Dq1 + o));
    store<f64>(Dq1 + o, di);
  }
  for (let j = q; j >= 0; j--) {
    const Dj = D(st, j), Dn = D(st, j + 1);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(Dj + o, load<f64>(Dj + o) + load<f64>(Dn + o));
    }
  }
}

/**
 * Choose the next step and order from the error estimates at q − 1 (C_q D_q), q (err) and q + 1
 * (C_{q+2} D_{q+2}): the order whose step factor is largest, the step by that factor times `safety`
 * (at most MAX_FACTOR; with `fixed`, h stays).
 */
@inline function chooseStepAndOrder(st: Integrator, h: f64, q: i32, err: f64, safety: f64, floor: f64): void {
  const n = st.n;
  const w = scratch(st);
  let em = Infinity, ep = Infinity;
  if (q > 1) {
    const Dq = D(st, q);
    for (let i = 0; i < n; i++) store<f64>(w + (<usize>i << 3), errorConst(q - 1) * load<f64>(Dq + (<usize>i << 3)));
    em = errorNorm(st, st.yOld, st.y, w, floor);
  }
  if (q < BDF_MAX_ORDER) {
    const Dq2 = D(st, q + 2);
    for (let i = 0; i < n; i++) store<f64>(w + (<usize>i << 3), errorConst(q + 1) * load<f64>(Dq2 + (<usize>i << 3)));
    ep = errorNorm(st, st.yOld, st.y, w, floor);
  }
  const fm = em == 0.0 ? Infinity : Math.pow(em, -1.0 / <f64>q);
  const f0 = err == 0.0 ? Infinity : Math.pow(err, -1.0 / <f64>(q + 1));
  const fp = ep == 0.0 ? Infinity : Math.pow(ep, -1.0 / <f64>(q + 2));
  let delta = 0;
  let best = f0;
  if (fm > best) { best = fm; delta = -1; }
  if (fp > best) { best = fp; delta = 1; }
  st.order = q + delta;
  if (st.fixed) {
    if (delta != 0) st.equal = 0; // q + 1 steps at the new order before the next choice
    return;
  }
  const fac = Math.min(MAX_FACTOR, safety * best);
  st.h = h * fac;
  changeD(st, fac);
}

export function bdfStep(st: Integrator): bool {
  let retake = false; // the last attempt failed to converge with a current Jacobian
  let bad = -1;
  while (true) {
    const h = trialStep(st, bad);
    if (h == 0.0) return false;
    if (h != st.h) { // landing on tBound
      changeD(st, h / st.h);
      st.h = h;
    }
    const q = st.order;
    predict(st, q);
    if (retake) { // retake the Jacobian at the new predictor (CVODE's CV_FAIL_OTHER)
      jacobian(st, predictor(st));
      st.fresh = 1;
      st.factored = 0;
      retake = false;
    }
    const floor = roundingFloor(st, st.y);
    const iters = correct(st, h, q, floor);
    bad = iters > 0 ? invalid(st, st.yTmp) : -1;
    if (iters < 0 || bad >= 0) {
      retake = iters < 0;
      retry(st, h, bad >= 0 ? 0.25 : 0.5);
      continue;
    }
    // the step-size safety factor falls after slow convergence
    const safety = SAFETY * <f64>(2 * NEWTON_MAXITER + 1) / <f64>(2 * NEWTON_MAXITER + iters);
    // error test: C_{q+1} d, weighted as the one-step methods weigh theirs
    const err = errorConst(q) * errorNorm(st, st.y, st.yTmp, dVec(st), floor);
    if (err > 1.0 && !st.fixed) {
      st.errorFails += 1;
      retry(st, h, Math.max(MIN_FACTOR, safety * Math.pow(err, -1.0 / <f64>(q + 1))));
      continue;
    }
    complete(st, h, q, floor);
    if (st.equal >= q + 1) chooseStepAndOrder(st, h, q, err, safety, floor);
    return true;
  }
}

/** The interpolating polynomial of the differences: y(t) = D_0 + Σ_{j=1..q} D_j Π_{i<j} (t − t_n + i h)/((i+1) h). */
export function bdfInterpolate(st: Integrator, t: f64, out: usize): void {
  const q = st.order;
  const h = st.h;
  memory.copy(out, D(st, 0), <usize>st.n << 3);
  let p = 1.0;
  for (let j = 1; j <= q; j++) {
    p *= (t - (st.t - h * <f64>(j - 1))) / (h * <f64>j);
    const Dj = D(st, j);
    for (let i = 0; i < st.n; i++) {
      const o = <usize>i << 3;
      store<f64>(out + o, load<f64>(out + o) + p * load<f64>(Dj + o));
    }
  }
}
