// The contract every integrator keeps (after scipy's OdeSolver, scipy/integrate/_ivp/base.py).
// A method provides
//   step(st): bool         — advance by one accepted step (retrying rejected ones) or set a
//                            failure status and return false;
//   interpolate(st, t, out) — its dense output on the last step [tOld, t];
// and reads and updates only this state: the solution y at t, the previous yOld at tOld, f = f(y)
// and fOld = f(yOld), its stage vectors, the proposed step h, and the counters. The ODE system is
// reached only through the counted wrappers below (rhs, invalid, jacobian, factor, solve), which
// call the functions of its System header (system.ts): no method knows the model, and the model
// does not know which method runs it.
// Everything lives in one caller-owned block: this header, then 6 + stages vectors of n doubles,
// then the method's fixed-size scratch (driver.ts integratorBytes).
import { system } from './system';

// Status codes, exported to the host (src/solvers/integrator.ts reads them from here).
export const STATUS_RUNNING: i32 = 0;
/** A variable became non-finite or left its domain. */
export const STATUS_BLOWUP: i32 = 1;
export const STATUS_STEP_TOO_SMALL: i32 = 2;
export const STATUS_MAX_STEPS: i32 = 3;
/** Returned by integratorAdvance when its step budget ran out before tOut: call again to go on. */
export const STATUS_PAUSED: i32 = -1;

@unmanaged export class Integrator {
  method: i32;
  n: i32;
  status: i32;
  /** Index into y of the variable that failed, or −1. */
  failIndex: i32;
  /** Accept every step with the given h (no error control): for convergence-order studies. */
  fixed: i32;
  /** The stiff method's Jacobian is current for y. */
  fresh: i32;
  rejectedLast: i32;
  /** Multistep methods: the current order, steps taken at the current step size, and whether the last factorization is for the current step size. */
  order: i32;
  equal: i32;
  factored: i32;
  /** Multistep methods: steps since the Newton contraction rate was last measured. */
  rateAge: i32;
  sys: usize;
  /** Explicit Runge–Kutta methods: their Butcher tableau (explicit.ts). */
  tableau: usize;
  y: usize;
  yOld: usize;
  yTmp: usize;
  f: usize;
  fOld: usize;
  fTmp: usize;
  /** First of the method's stage vectors, each n doubles, contiguous. */
  stages: usize;
  t: f64;
  tOld: f64;
  h: f64;
  tBound: f64;
  rtol: f64;
  atol: f64;
  maxSteps: f64;
  failValue: f64;
  /** x of the last factorization of x I − J (multistep methods reuse it while x changes little). */
  xLU: f64;
  /** Multistep methods: the Newton iteration's contraction rate, estimated across steps since the last factorization. */
  rate: f64;
  nfev: f64;
  njev: f64;
  nlu: f64;
  steps: f64;
  rejected: f64;
  /** Stiff methods: rejections by the error test, Newton convergence failures, Newton iterations. */
  errorFails: f64;
  newtonFails: f64;
  newtonIters: f64;
  /** Multistep methods: accepted steps where a weight was raised to the rounding floor (the tolerance asked was below rounding for some component). */
  floored: f64;
}

@inline export function state(p: usize): Integrator {
  return changetype<Integrator>(p);
}

/** The j-th stage vector. */
@inline export function stage(st: Integrator, j: i32): usize {
  return st.stages + <usize>j * (<usize>st.n << 3);
}

/** dy = f(y), counted. */
export function rhs(st: Integrator, y: usize, dy: usize): void {
  system(st.sys).rhs(st.sys, y, dy);
  st.nfev += 1;
}

/** Index of the first invalid variable of y (non-finite, or outside the model's domain), or −1. */
export function invalid(st: Integrator, y: usize): i32 {
  return system(st.sys).invalid(st.sys, y);
}

/** Takes the system's Jacobian at y, counted. */
export function jacobian(st: Integrator, y: usize): void {
  system(st.sys).jacobian(st.sys, y);
  st.njev += 1;
}

/** Factors x I − J, counted; false when singular. */
export function factor(st: Integrator, x: f64): bool {
  st.nlu += 1;
  return system(st.sys).factor(st.sys, x);
}

/** Solves (x I − J) u = b in place on b with the last factorization. */
export function solve(st: Integrator, x: f64, b: usize): void {
  system(st.sys).solve(st.sys, x, b);
}

/** out = y (n doubles). */
export function copy(st: Integrator, out: usize, y: usize): void {
  memory.copy(out, y, <usize>st.n << 3);
}

/**
 * Root-mean-square of e_i / max(floor, atol + rtol max(|y0_i|, |y1_i|)) (Hairer–Nørsett–Wanner I,
 * II.4); `floor` > 0 only for BDF's rounding floor (bdf.ts).
 */
export function errorNorm(st: Integrator, y0: usize, y1: usize, e: usize, floor: f64 = 0.0): f64 {
  const n = st.n;
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = Math.max(floor, st.atol + st.rtol * Math.max(Math.abs(load<f64>(y0 + o)), Math.abs(load<f64>(y1 + o))));
    const r = load<f64>(e + o) / sk;
    sum += r * r;
  }
  return Math.sqrt(sum / <f64>n);
}

/** The smallest step distinguishable at t. */
@inline export function minStep(t: f64): f64 {
  return 8.0 * f64.EPSILON * Math.abs(t) + 1e-300; // 8 ulp(t); f64.EPSILON = 2^−52
}

/** The next step from an error norm, for a method whose error estimate is O(h^q): standard safety 0.9, growth in [0.2, 6]. */
export function nextStep(st: Integrator, h: f64, err: f64, q: f64): f64 {
  let fac = err == 0.0 ? 6.0 : 0.9 * Math.pow(err, -1.0 / q);
  fac = Math.min(6.0, Math.max(0.2, fac));
  if (st.rejectedLast) fac = Math.min(1.0, fac);
  return h * fac;
}

/** Makes yTmp (with f(yTmp) in fTmp) the new solution after a step of size h. */
export function accept(st: Integrator, h: f64): void {
  const y = st.yOld;
  st.yOld = st.y;
  st.y = st.yTmp;
  st.yTmp = y;
  const f = st.fOld;
  st.fOld = st.f;
  st.f = st.fTmp;
  st.fTmp = f;
  st.tOld = st.t;
  st.t = h >= st.tBound - st.tOld ? st.tBound : st.tOld + h; // land on tBound exactly
  st.steps += 1;
  st.rejectedLast = 0;
}

/** Counts a rejected attempt and proposes the step to retry with. */
export function reject(st: Integrator, hNext: f64): void {
  st.rejected += 1;
  st.rejectedLast = 1;
  st.h = hNext;
}

/** Stops with `status`; the failing variable and its value go to failIndex/failValue. */
export function fail(st: Integrator, status: i32, index: i32, y: usize): bool {
  st.status = status;
  st.failIndex = index;
  st.failValue = index >= 0 ? load<f64>(y + (<usize>index << 3)) : NaN;
  return false;
}

/**
 * The step attempted next: the proposal, stretched or clamped to reach tBound rather than leave a
 * sliver before it. When it falls below the smallest distinguishable step it fails, as a blow-up
 * when the last rejection was for invalid values.
 */
export function trialStep(st: Integrator, badIndex: i32): f64 {
  const rest = st.tBound - st.t;
  const h = st.h > rest - minStep(st.tBound) ? rest : st.h;
  if (h < minStep(st.t) && st.t < st.tBound) {
    if (badIndex >= 0) fail(st, STATUS_BLOWUP, badIndex, st.yTmp);
    else fail(st, STATUS_STEP_TOO_SMALL, -1, st.y);
    return 0.0;
  }
  return h;
}

/**
 * Starting step for a method of order p (Hairer–Nørsett–Wanner I, II.4, "starting step size"):
 * h0 = 0.01 ‖y0‖/‖f0‖, one explicit Euler step to estimate ‖f'‖, then h1 = (0.01/max(‖f0‖, ‖f'‖ h0))^{1/(p+1)}.
 * Uses yTmp and fTmp as scratch.
 */
export function initialStep(st: Integrator, p: f64): f64 {
  const n = st.n;
  const y = st.y;
  const f = st.f;
  let d0 = 0.0, d1 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = st.atol + st.rtol * Math.abs(load<f64>(y + o));
    const a = load<f64>(y + o) / sk;
    const b = load<f64>(f + o) / sk;
    d0 += a * a;
    d1 += b * b;
  }
  d0 = Math.sqrt(d0 / <f64>n);
  d1 = Math.sqrt(d1 / <f64>n);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(st.yTmp + o, load<f64>(y + o) + h0 * load<f64>(f + o));
  }
  rhs(st, st.yTmp, st.fTmp);
  let d2 = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const sk = st.atol + st.rtol * Math.abs(load<f64>(y + o));
    const b = (load<f64>(st.fTmp + o) - load<f64>(f + o)) / sk;
    d2 += b * b;
  }
  d2 = Math.sqrt(d2 / <f64>n) / h0;
  const big = Math.max(d1, d2);
  const h1 = big <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / big, 1.0 / (p + 1.0));
  const h = Math.min(100.0 * h0, h1);
  return isFinite(h) && h > 0.0 ? h : 1e-6;
}
