// BDF of variable order 1–5 with Newton iterations that reuse the Jacobian and the factorization
// (the NDF/BDF scheme of scipy's BDF solver, scipy/integrate/_ivp/bdf.py, after Shampine & Reichelt,
// "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18 (1997) 1–22, with κ = 0: plain BDF):
// the solution is kept as backward differences D_0..D_{q+2} on a uniform grid of step h (D_0 = y,
// D_j = ∇^j y scaled), the predictor is Σ_{j≤q} D_j, and the corrector solves
//   (1 − c J) Δ = c f(y) − ψ − d,   c = h/α_q,   ψ = Σ_{j=1..q} γ_j D_j / α_q,
// by simplified Newton with one LU of x I − J (x = 1/c) reused across iterations and steps, and
// stopped by CVODE's convergence test (newton below). The Jacobian is retaken when Newton fails to
// converge with a stale one, and at the new predictor after a failure with a current one (as
// CVODE does); the LU when c moved by more than 30% since it was made, which happens at most once
// every q + 1 steps unless a step is rejected. The local error is C_{q+1} times the corrector's
// total change d, weighted by atol + rtol max(|y_n|, |y_{n+1}|) as in the one-step methods (state.ts
// errorNorm); order and step change together from the error estimates at q − 1, q and q + 1.
// Why here: the mean-field flow is a gradient flow — its Jacobian is similar to a symmetric one,
// so its eigenvalues are real, where BDF up to order 5 is stable and damps the stiff modes like an
// L-stable method (the amplification → 0 as hλ → −∞) — and a step costs ~1.5–2 right-hand sides
// against RODAS4's six, with one Jacobian per many steps.
//
// Measured on the mean-field flow (ReLU kernel form, φ = h_0 + h_1 + h_2, seed 1, T = 100, rtol 1e-8,
// atol 1e-10; bench/cvode.bench.ts), steps at ε = 1e-3 → 1e-12 and their ratio, m = 10 / 30 / 100:
//   scipy's Newton test (increments to 1e-4 with rate/(1 − rate) forecasts, 4 iterations, one
//   Jacobian for a whole cascade of step halvings): 764 → 1133 / 804 → 1382 / 834 → 1677, ratios
//   1.48 / 1.72 / 2.01; m = 10, ε = 1e-3: 2.8 right-hand sides per step, 42 Jacobians. Counting
//   showed where the steps went at ε = 1e-12: every Newton needed ≥ 2 iterations; Newton failed
//   with a current Jacobian in cascades of ~11 halvings (h from ~1 to ~5e-4 with the increments
//   converging at a rate ~0.5 that did not improve as h shrank: the Jacobian stayed the one taken at
//   the first, far predictor); and the a-components (|a| up to 1e5, some crossing zero) decided
//   every error test — weighted by |y_{n+1}| alone, a component near its zero crossing was held to
//   atol while its neighbours change by ~rtol |a|·1e5.
//   + CVODE's convergence test (NEWTON_COEF 0.01, the rate carried across steps): 729 → 1011 /
//     802 → 1220 / 830 → 1334 (1.39 / 1.52 / 1.61), 1.8 right-hand sides per step, 16 Jacobians.
//   + retaking the Jacobian after a failure with a current one: 1.34 / 1.28 / 1.44.
//   + weights from max(|y_n|, |y_{n+1}|) and SAFETY 0.85: 768 → 955 / 813 → 968 / 809 → 1045,
//     1.24 / 1.19 / 1.29 (error-test failures at ε = 1e-12: 54 / 58 / 80 → 25 / 31 / 16).
//   + the rate forgotten after RATE_LIFE steps: 746 → 956 / 787 → 968 / 825 → 1045, 1.28 / 1.23 /
//     1.27; 1.7 right-hand sides per step and 15 Jacobians at m = 10, ε = 1e-3. CVODE: 1.47 / 1.36 / 1.49.
// Final risk at rtol 1e-8 against tight references, ε = 1e-3 … 1e-12 and seeds 1–4: within 1e-7.
// At ε ≥ 0.3 (not stiff; 'auto' runs DP5 there) BDF's global error is erratic either way — the flow
// brushes s_i = ±1 and amplifies any perturbation: at ε = 1, m = 30 it is 1e-4 … 6e-4 on seeds 1–3
// (scipy's Newton test: 2e-6, 4e-4 and a blow-up), a tighter Newton (NEWTON_COEF 2e-5) brings seed 1
// to 1e-7 at 1.6× the right-hand sides.
// NEWTON_COEF: CVODE's 0.1 took more steps (970 at m = 10, ε = 1e-3, 76 error-test failures):
// the corrector's leftover error enters d − D_{q+1} = ∇^{q+2}, which then kept the order at 3–4;
// 0.001 costs 30% more right-hand sides for the same steps. Stiff test set (HIRES, rtol 1e-5 … 1e-9):
// error ∝ rtol^0.96 at 1.5 rtol (before: 0.94 at 1.1 rtol).
// Rounding floor on the weights (ROUNDING_FLOOR): every weight — in Newton's convergence test, the
// error test and the order choice — is at least 10 u ‖y_n‖_∞ (u = 2^−52). Measured (m = 10, ε = 1e-9,
// seed 1, rtol 1e-12, atol 1e-14, T = 100): without it 2 763 796 steps, 1 990 116 rejections and
// 3.2 M Jacobians (the kernel-form problem of test/bdf-steps: 776 963 steps, 898 384 Newton failures).
// Traced: up to t = 6.678 the run was normal (3330 steps); there a_1 ≈ 0.014 while the other a_i
// are ~1e3, and Newton's increments on a_1 stagnated at ~2e-14 whatever h (5e-5 … 1e-8: iterations
// 0.11 → 0.086 → 0.082 in weighted norm) — rounding in the residual c f − ψ − d, where f sums terms
// of size ‖a‖_∞ that cancel, passed through the solve along a weakly damped direction, so absolute
// and of order 0.06 u ‖y‖_∞ — against a weight atol + rtol |a_1| = 2.4e-14 and a Newton bound of 0.05
// of it. Newton thus failed at every h with a current Jacobian, h fell to ~1e-8 and crawled (order
// 1–2, a Jacobian per failure). Neither error-test failures (1 in 500 attempts) nor the step floor
// were involved, and CVODE's too-much-accuracy test (u ‖y‖_wrms > 1, i.e. rtol ≲ u) does not see it:
// the tolerance is too small for one component only, relative to its neighbours. With the floor:
// 3644 steps, the risk within 2.9e-11 of RODAS4 at the same tolerance (before the crawl, same m,
// rtol 1e-10: 1760 steps); m = 10, ε = 1e-12: 4110 steps; m = 30, ε = 1e-9: 4188 → 3949. The floor
// is below atol at ordinary tolerances: at rtol 1e-8, atol 1e-10 the steps at m = 10 / 30 / 100,
// ε = 1e-3 and 1e-12 are 761 / 963, 796 / 983, 821 / 1079 → 1078 (only m = 100, ε = 1e-12, where
// |a| reaches ~1e5, meets it). Where it acts, a component's error is held to ~10 u ‖y‖_∞ absolute
// instead of atol — the most double precision resolves there — and the step is counted (floored,
// the floored counter), so that the run can say the tolerance asked was not met for every component.
import { invalid, Integrator, minStep, rhs, stage, jacobian, factor, solve, fail, STATUS_BLOWUP, STATUS_STEP_TOO_SMALL } from './state';

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
/** (q+1)² scratch each for compute_R. */
const RM = memory.data(8 * 36);
const UM = memory.data(8 * 36);
const RU = memory.data(8 * 36);
const COL = memory.data(8 * 8);

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

/** RMS of v_i / max(atol + rtol |w_i|, floor). */
function norm(st: Integrator, v: usize, w: usize, floor: f64): f64 {
  let sum = 0.0;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const r = load<f64>(v + o) / Math.max(floor, st.atol + st.rtol * Math.abs(load<f64>(w + o)));
    sum += r * r;
  }
  return Math.sqrt(sum / <f64>st.n);
}

/** RMS of e_i / max(atol + rtol max(|y0_i|, |y1_i|), floor): state.ts errorNorm with the rounding floor. */
function errorNormFloored(st: Integrator, y0: usize, y1: usize, e: usize, floor: f64): f64 {
  let sum = 0.0;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const sk = Math.max(floor, st.atol + st.rtol * Math.max(Math.abs(load<f64>(y0 + o)), Math.abs(load<f64>(y1 + o))));
    const r = load<f64>(e + o) / sk;
    sum += r * r;
  }
  return Math.sqrt(sum / <f64>st.n);
}

/** The rounding floor of the weights at y: ROUNDING_FLOOR u ‖y‖_∞ (see ROUNDING_FLOOR). */
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
  const x = st.xLU;
  const scale = 2.0 / (1.0 + c * x);
  memory.copy(y, predictor(st), <usize>n << 3);
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
    const dyNorm = norm(st, dy, predictor(st), floor);
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

export function bdfStep(st: Integrator): bool {
  const n = st.n;
  let errNorm = 0.0;
  let retake = false;
  let iters = 0;
  while (true) {
    let h = st.h;
    if (h < minStep(st.t)) {
      fail(st, STATUS_STEP_TOO_SMALL, -1, st.y);
      return false;
    }
    const rest = st.tBound - st.t;
    if (h > rest - minStep(st.tBound)) { // land on tBound exactly
      changeD(st, rest / h);
      h = rest;
      st.h = h;
    }
    const q = st.order;
    // predictor and ψ
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
    if (retake) { // the last attempt failed to converge with a current Jacobian: retake it here (CVODE's CV_FAIL_OTHER)
      jacobian(st, yp);
      st.fresh = 1;
      st.factored = 0;
      retake = false;
    }
    const floor = roundingFloor(st, st.y);
    const c = h / g(q);
    const x = 1.0 / c;
    const tol = NEWTON_COEF / errorConst(q);
    iters = -1;
    while (true) {
      // Refactor when the step changed c by more than 30% since the last factorization (CVODE's
      // dgmax), or for a new Jacobian.
      if (!st.factored || Math.abs(x / st.xLU - 1.0) > REFACTOR) {
        st.xLU = x;
        st.factored = 1;
        st.rate = 1.0;
        st.rateAge = 0;
        if (!factor(st, x)) {
          st.factored = 0;
          break;
        }
      }
      iters = newton(st, c, tol, floor);
      if (iters > 0) break;
      st.newtonFails += 1;
      if (!st.fresh) { // a stale Jacobian: retake it at the predictor
        jacobian(st, yp);
        st.fresh = 1;
        st.factored = 0;
      } else if (st.xLU != x) st.factored = 0; // the Jacobian is current: refactor for this c
      else break;
    }
    let bad = -1;
    if (iters > 0) bad = invalid(st, st.yTmp);
    if (iters < 0 || bad >= 0) {
      const cut = bad >= 0 ? 0.25 : 0.5;
      if (iters < 0) retake = true;
      st.h = h * cut;
      changeD(st, cut);
      st.rejected += 1;
      st.rejectedLast = 1;
      if (st.h < minStep(st.t)) {
        if (bad >= 0) return fail(st, STATUS_BLOWUP, bad, st.yTmp);
        return fail(st, STATUS_STEP_TOO_SMALL, -1, st.y);
      }
      continue;
    }
    const safety = SAFETY * <f64>(2 * NEWTON_MAXITER + 1) / <f64>(2 * NEWTON_MAXITER + iters);
    // error = C_{q+1} d, weighted by the larger of |y_n|, |y_{n+1}| (a component crossing zero is not held to atol)
    const d = dVec(st);
    errNorm = errorConst(q) * errorNormFloored(st, st.y, st.yTmp, d, floor);
    if (errNorm > 1.0) {
      st.errorFails += 1;
      const fac = Math.max(MIN_FACTOR, safety * Math.pow(errNorm, -1.0 / <f64>(q + 1)));
      st.h = h * fac;
      changeD(st, fac);
      st.rejected += 1;
      st.rejectedLast = 1;
      continue;
    }
    // accepted
    st.equal += 1;
    st.tOld = st.t;
    st.t = h >= st.tBound - st.tOld ? st.tBound : st.tOld + h;
    memory.copy(st.yOld, st.y, <usize>n << 3);
    memory.copy(st.y, st.yTmp, <usize>n << 3);
    st.steps += 1;
    st.rejectedLast = 0;
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
    // D_{q+2} = d − D_{q+1}, D_{q+1} = d, D_i += D_{i+1} downwards
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
    if (st.equal < q + 1) return true;
    // order and step from the error estimates at q − 1, q, q + 1
    const w = scratch(st);
    let em = Infinity, ep = Infinity;
    if (q > 1) {
      const Dq = D(st, q);
      for (let i = 0; i < n; i++) store<f64>(w + (<usize>i << 3), errorConst(q - 1) * load<f64>(Dq + (<usize>i << 3)));
      em = errorNormFloored(st, st.yOld, st.y, w, floor);
    }
    if (q < BDF_MAX_ORDER) {
      const Dq2b = D(st, q + 2);
      for (let i = 0; i < n; i++) store<f64>(w + (<usize>i << 3), errorConst(q + 1) * load<f64>(Dq2b + (<usize>i << 3)));
      ep = errorNormFloored(st, st.yOld, st.y, w, floor);
    }
    const fm = em == 0.0 ? Infinity : Math.pow(em, -1.0 / <f64>q);
    const f0 = errNorm == 0.0 ? Infinity : Math.pow(errNorm, -1.0 / <f64>(q + 1));
    const fp = ep == 0.0 ? Infinity : Math.pow(ep, -1.0 / <f64>(q + 2));
    let delta = 0;
    let best = f0;
    if (fm > best) { best = fm; delta = -1; }
    if (fp > best) { best = fp; delta = 1; }
    st.order = q + delta;
    const fac = Math.min(MAX_FACTOR, safety * best);
    st.h = h * fac;
    changeD(st, fac);
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
