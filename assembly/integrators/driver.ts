// Runs an integrator between output times, so the host crosses into Wasm once per output time:
// integratorInit sets up the block, integratorAdvance(tOut) steps until the solution passes tOut
// and writes the dense output there, integratorStats reports time, counters and failure.
import { dopri5Interpolate, dopri5Step, DOPRI5_STAGES } from './dopri5';
import { rk4Interpolate, rk4Step, RK4_STAGES } from './rk4';
import { rodas4Interpolate, rodas4Step, RODAS4_STAGES } from './rodas4';
import { BLOWUP, copy, fail, initialStep, invalid, Integrator, MAX_STEPS, rhs, RUNNING, state } from './state';

export const METHOD_RK4: i32 = 0;
export const METHOD_DOPRI5: i32 = 1;
export const METHOD_RODAS4: i32 = 2;

/** Solution, previous solution, scratch, and f at each: six vectors besides the stages. */
const COMMON_VECTORS: i32 = 6;

function stages(method: i32): i32 {
  return method == METHOD_RK4 ? RK4_STAGES : method == METHOD_DOPRI5 ? DOPRI5_STAGES : RODAS4_STAGES;
}

/** Order p of the method, for the starting step (initialStep). */
function order(method: i32): f64 {
  return method == METHOD_DOPRI5 ? 5.0 : 4.0;
}

@inline function header(): usize {
  return (offsetof<Integrator>() + 15) & ~15;
}

/** Bytes of an integrator block for `method` on n unknowns. */
export function integratorBytes(method: i32, n: i32): usize {
  return header() + <usize>(COMMON_VECTORS + stages(method)) * (<usize>n << 3);
}

/**
 * Starts `method` on the system `sys` (a meanfieldInit block) from y0 at t0, never stepping past
 * tBound. h0 > 0 is the (rk4: fixed) step or the first step to try; h0 ≤ 0 lets the method choose.
 * With `fixed`, every step is accepted with h = h0 (for convergence-order studies).
 */
export function integratorInit(p: usize, method: i32, sys: usize, n: i32, y0: usize, t0: f64, tBound: f64,
  rtol: f64, atol: f64, h0: f64, fixed: bool, maxSteps: f64): void {
  const st = state(p);
  st.method = method;
  st.n = n;
  st.sys = sys;
  st.status = RUNNING;
  st.failIndex = -1;
  st.failValue = 0.0;
  st.fixed = fixed || method == METHOD_RK4 ? 1 : 0;
  st.fresh = 0;
  st.rejectedLast = 0;
  st.t = t0;
  st.tOld = t0;
  st.tBound = tBound;
  st.rtol = rtol;
  st.atol = atol;
  st.maxSteps = maxSteps;
  st.nfev = 0.0;
  st.njev = 0.0;
  st.nlu = 0.0;
  st.steps = 0.0;
  st.rejected = 0.0;
  const v = p + header();
  const vec = <usize>n << 3;
  st.y = v;
  st.yOld = v + vec;
  st.yTmp = v + 2 * vec;
  st.f = v + 3 * vec;
  st.fOld = v + 4 * vec;
  st.fTmp = v + 5 * vec;
  st.stages = v + 6 * vec;
  copy(st, st.y, y0);
  copy(st, st.yOld, y0);
  const bad = invalid(st, st.y);
  if (bad >= 0) {
    fail(st, BLOWUP, bad, st.y);
    return;
  }
  rhs(st, st.y, st.f);
  copy(st, st.fOld, st.f);
  st.h = h0 > 0.0 ? h0 : initialStep(st, order(method));
}

function step(st: Integrator): bool {
  if (st.method == METHOD_RK4) return rk4Step(st);
  if (st.method == METHOD_DOPRI5) return dopri5Step(st);
  return rodas4Step(st);
}

function interpolate(st: Integrator, t: f64, out: usize): void {
  if (t == st.t || st.t == st.tOld) copy(st, out, st.y);
  else if (st.method == METHOD_RK4) rk4Interpolate(st, t, out);
  else if (st.method == METHOD_DOPRI5) dopri5Interpolate(st, t, out);
  else rodas4Interpolate(st, t, out);
}

/** Returned by integratorAdvance when its step budget ran out before tOut: call again to go on. */
export const PAUSED: i32 = -1;

/**
 * Steps until t ≥ tOut (tOut ≤ tBound, non-decreasing across calls) and writes y(tOut) into
 * `out` from the dense output of the last step. Returns the status, or PAUSED after `budget`
 * steps (so the host can report progress and honour an abort); on failure `out` is untouched
 * and the state holds the last accepted solution.
 */
export function integratorAdvance(p: usize, tOut: f64, out: usize, budget: f64): i32 {
  const st = state(p);
  if (st.status != RUNNING) return st.status;
  let left = budget;
  while (st.t < tOut) {
    if (left <= 0.0) return PAUSED;
    if (st.steps >= st.maxSteps) {
      st.status = MAX_STEPS;
      return MAX_STEPS;
    }
    if (!step(st)) return st.status;
    left -= 1.0;
  }
  interpolate(st, tOut, out);
  return RUNNING;
}

/** out = [t, h, nfev, njev, nlu, steps, rejected, status, failIndex, failValue]. */
export function integratorStats(p: usize, out: usize): void {
  const st = state(p);
  store<f64>(out, st.t);
  store<f64>(out, st.h, 8);
  store<f64>(out, st.nfev, 16);
  store<f64>(out, st.njev, 24);
  store<f64>(out, st.nlu, 32);
  store<f64>(out, st.steps, 40);
  store<f64>(out, st.rejected, 48);
  store<f64>(out, <f64>st.status, 56);
  store<f64>(out, <f64>st.failIndex, 64);
  store<f64>(out, st.failValue, 72);
}
