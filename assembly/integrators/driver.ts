// Runs an integrator between output times, so the host crosses into Wasm once per output time:
// integratorInit sets up the block, integratorAdvance(tOut) steps until the solution passes tOut
// and writes the dense output there, integratorStats reports time, counters and failure.
// Methods are rows of one table (step, dense output, stage vectors, order), indexed by their
// METHOD_* code: adding a method is adding a row. The codes, the status codes (state.ts) and the
// layout of integratorStats are exported, and the host reads them from here.
import { bdfInterpolate, bdfStart, bdfStep, BDF_STAGES } from './bdf';
import { dopri5Interpolate, dopri5Step, DOPRI5_STAGES } from './dopri5';
import { rk4Interpolate, rk4Step, RK4_STAGES } from './rk4';
import { rodas4Interpolate, rodas4Step, RODAS4_STAGES } from './rodas4';
import { copy, fail, initialStep, invalid, Integrator, rhs, state, STATUS_BLOWUP, STATUS_MAX_STEPS, STATUS_PAUSED, STATUS_RUNNING } from './state';
import { system } from './system';

type StepFn = (st: Integrator) => bool;
type InterpolateFn = (st: Integrator, t: f64, out: usize) => void;
type StartFn = (st: Integrator) => void;

export const METHOD_RK4: i32 = 0;
export const METHOD_DOPRI5: i32 = 1;
export const METHOD_RODAS4: i32 = 2;
export const METHOD_BDF: i32 = 3;
/** Number of rows of the method table (valid codes are 0 .. METHOD_COUNT − 1). */
export const METHOD_COUNT: i32 = 4;

// The method table, one row per METHOD_* code, in code order.
/** Advances by one accepted step (retrying rejected ones) or sets a failure status and returns false. */
const STEP: StaticArray<StepFn> = [rk4Step, dopri5Step, rodas4Step, bdfStep];
/** Dense output on the last step [tOld, t]. */
const INTERPOLATE: StaticArray<InterpolateFn> = [rk4Interpolate, dopri5Interpolate, rodas4Interpolate, bdfInterpolate];
/** Sets up what the method keeps beyond the common state, once y, f and h are in place. */
const START: StaticArray<StartFn> = [noStart, noStart, noStart, bdfStart];
/** Stage vectors of n doubles the method keeps besides the common ones. */
const STAGES: StaticArray<i32> = [RK4_STAGES, DOPRI5_STAGES, RODAS4_STAGES, BDF_STAGES];
/** Order p, for the starting step (initialStep); BDF starts at order 1. */
const ORDER: StaticArray<f64> = [4.0, 5.0, 4.0, 1.0];
/** Takes a fixed step without error control (rk4 has no error estimate). */
const FIXED_ONLY: StaticArray<bool> = [true, false, false, false];

function noStart(st: Integrator): void {}

// Layout of integratorStats' output: index of each f64.
export const STAT_T: i32 = 0;
export const STAT_H: i32 = 1;
export const STAT_NFEV: i32 = 2;
export const STAT_NJEV: i32 = 3;
export const STAT_NLU: i32 = 4;
export const STAT_STEPS: i32 = 5;
export const STAT_REJECTED: i32 = 6;
export const STAT_STATUS: i32 = 7;
export const STAT_FAIL_INDEX: i32 = 8;
export const STAT_FAIL_VALUE: i32 = 9;
export const STAT_ORDER: i32 = 10;
export const STAT_ERROR_FAILS: i32 = 11;
export const STAT_NEWTON_FAILS: i32 = 12;
export const STAT_NEWTON_ITERS: i32 = 13;
export const STAT_FLOORED: i32 = 14;
export const STATS_LENGTH: i32 = 15;

/** Solution, previous solution, scratch, and f at each: six vectors besides the stages. */
const COMMON_VECTORS: i32 = 6;

@inline function header(): usize {
  return (offsetof<Integrator>() + 15) & ~15;
}

/** Bytes of an integrator block for `method` (a METHOD_* code) on n unknowns. */
export function integratorBytes(method: i32, n: i32): usize {
  return header() + <usize>(COMMON_VECTORS + STAGES[method]) * (<usize>n << 3);
}

/**
 * Starts `method` on the system at `sys` (a block that begins with a System header, system.ts)
 * from y0 at t0, never stepping past tBound. h0 > 0 is the (rk4: fixed) step or the first step to
 * try; h0 ≤ 0 lets the method choose. With `fixed`, every step is accepted with h = h0 (for
 * convergence-order studies).
 */
export function integratorInit(p: usize, method: i32, sys: usize, y0: usize, t0: f64, tBound: f64,
  rtol: f64, atol: f64, h0: f64, fixed: bool, maxSteps: f64): void {
  const st = state(p);
  const n = system(sys).n;
  st.method = method;
  st.n = n;
  st.sys = sys;
  st.status = STATUS_RUNNING;
  st.failIndex = -1;
  st.failValue = 0.0;
  st.fixed = fixed || FIXED_ONLY[method] ? 1 : 0;
  st.fresh = 0;
  st.rejectedLast = 0;
  st.order = 0;
  st.equal = 0;
  st.factored = 0;
  st.xLU = 0.0;
  st.rate = 1.0;
  st.rateAge = 0;
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
  st.errorFails = 0.0;
  st.newtonFails = 0.0;
  st.newtonIters = 0.0;
  st.floored = 0.0;
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
    fail(st, STATUS_BLOWUP, bad, st.y);
    return;
  }
  rhs(st, st.y, st.f);
  copy(st, st.fOld, st.f);
  st.h = h0 > 0.0 ? h0 : initialStep(st, ORDER[method]);
  START[method](st);
}

/**
 * Steps until t ≥ tOut (tOut ≤ tBound, non-decreasing across calls) and writes y(tOut) into
 * `out` from the dense output of the last step. Returns the status, or STATUS_PAUSED after
 * `budget` steps (so the host can report progress and honour an abort); on failure `out` is
 * untouched and the state holds the last accepted solution.
 */
export function integratorAdvance(p: usize, tOut: f64, out: usize, budget: f64): i32 {
  const st = state(p);
  if (st.status != STATUS_RUNNING) return st.status;
  const step = STEP[st.method];
  let left = budget;
  while (st.t < tOut) {
    if (left <= 0.0) return STATUS_PAUSED;
    if (st.steps >= st.maxSteps) {
      st.status = STATUS_MAX_STEPS;
      return STATUS_MAX_STEPS;
    }
    if (!step(st)) return st.status;
    left -= 1.0;
  }
  if (tOut == st.t || st.t == st.tOld) copy(st, out, st.y);
  else INTERPOLATE[st.method](st, tOut, out);
  return STATUS_RUNNING;
}

/**
 * out[STAT_*] = t, h, nfev, njev, nlu, steps, rejected, status, failIndex, failValue, order
 * (multistep methods; 0 otherwise), error-test failures, Newton convergence failures, Newton
 * iterations (stiff methods; 0 where they do not apply), steps with a weight raised to the rounding
 * floor (BDF) — STATS_LENGTH doubles.
 */
export function integratorStats(p: usize, out: usize): void {
  const st = state(p);
  store<f64>(out + (<usize>STAT_T << 3), st.t);
  store<f64>(out + (<usize>STAT_H << 3), st.h);
  store<f64>(out + (<usize>STAT_NFEV << 3), st.nfev);
  store<f64>(out + (<usize>STAT_NJEV << 3), st.njev);
  store<f64>(out + (<usize>STAT_NLU << 3), st.nlu);
  store<f64>(out + (<usize>STAT_STEPS << 3), st.steps);
  store<f64>(out + (<usize>STAT_REJECTED << 3), st.rejected);
  store<f64>(out + (<usize>STAT_STATUS << 3), <f64>st.status);
  store<f64>(out + (<usize>STAT_FAIL_INDEX << 3), <f64>st.failIndex);
  store<f64>(out + (<usize>STAT_FAIL_VALUE << 3), st.failValue);
  store<f64>(out + (<usize>STAT_ORDER << 3), <f64>st.order);
  store<f64>(out + (<usize>STAT_ERROR_FAILS << 3), st.errorFails);
  store<f64>(out + (<usize>STAT_NEWTON_FAILS << 3), st.newtonFails);
  store<f64>(out + (<usize>STAT_NEWTON_ITERS << 3), st.newtonIters);
  store<f64>(out + (<usize>STAT_FLOORED << 3), st.floored);
}
