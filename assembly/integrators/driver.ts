// Runs an integrator between output times, so the host crosses into Wasm once per output time:
// integratorInit sets up the block, integratorAdvance(tOut) steps until the solution passes tOut
// and writes the dense output there, integratorStats reports time, counters and failure.
// Each method is one record of the method table below (its name, step, dense output, storage,
// order); its code is its row. Adding a method is adding a row: the host reads the names
// (integratorMethodName), the status codes (state.ts) and the names of integratorStats' fields
// (integratorStatNames) from here.
import { bdfInterpolate, bdfStart, bdfStep, BDF_SCRATCH_BYTES, BDF_STAGES } from './bdf';
import { DOPRI5, DOPRI5_STAGES, dopri5Interpolate, explicitStep, RK4, RK4_STAGES, rk4Interpolate } from './explicit';
import { rodas4Interpolate, rodas4Step, RODAS4_STAGES } from './rodas4';
import { copy, fail, initialStep, invalid, Integrator, rhs, state, STATUS_BLOWUP, STATUS_MAX_STEPS, STATUS_PAUSED, STATUS_RUNNING } from './state';
import { system } from './system';

type StepFn = (st: Integrator) => bool;
type InterpolateFn = (st: Integrator, t: f64, out: usize) => void;
type StartFn = (st: Integrator) => void;

/** One integration method. */
@unmanaged class Method {
  /** Its name for the host (a static string). */
  name: usize;
  /** Advances by one accepted step (retrying rejected ones) or sets a failure status and returns false. */
  step: StepFn;
  /** Dense output on the last step [tOld, t]. */
  interpolate: InterpolateFn;
  /** Sets up what the method keeps beyond the common state, once y, f and h are in place. */
  start: StartFn;
  /** Stage vectors of n doubles the method keeps besides the common ones. */
  stages: i32;
  /** Bytes of fixed-size scratch after the stage vectors. */
  scratchBytes: i32;
  /** Order p, for the starting step (initialStep); BDF starts at order 1. */
  order: f64;
  /** Explicit Runge–Kutta methods: the tableau (explicit.ts); 0 otherwise. */
  tableau: usize;
  /** Takes fixed steps only (no error estimate). */
  fixedOnly: bool;
}

const METHOD_CAPACITY: i32 = 8;
const ROW: usize = (offsetof<Method>() + 7) & ~7;
const TABLE = memory.data(<i32>ROW * METHOD_CAPACITY, 8);
let methodCount: i32 = 0;

@inline function method(code: i32): Method {
  return changetype<Method>(TABLE + <usize>code * ROW);
}

function row(name: string, step: StepFn, interpolate: InterpolateFn, start: StartFn, stages: i32, scratchBytes: i32,
  order: f64, tableau: usize, fixedOnly: bool): void {
  assert(methodCount < METHOD_CAPACITY, 'method table full');
  const m = method(methodCount++);
  m.name = changetype<usize>(name);
  m.step = step;
  m.interpolate = interpolate;
  m.start = start;
  m.stages = stages;
  m.scratchBytes = scratchBytes;
  m.order = order;
  m.tableau = tableau;
  m.fixedOnly = fixedOnly;
}

function noStart(st: Integrator): void {}

// The method table: a method's code is its row.
row('rk4', explicitStep, rk4Interpolate, noStart, RK4_STAGES, 0, 4.0, RK4, true);
row('dopri5', explicitStep, dopri5Interpolate, noStart, DOPRI5_STAGES, 0, 5.0, DOPRI5, false);
row('rodas4', rodas4Step, rodas4Interpolate, noStart, RODAS4_STAGES, 0, 4.0, 0, false);
row('bdf', bdfStep, bdfInterpolate, bdfStart, BDF_STAGES, BDF_SCRATCH_BYTES, 1.0, 0, false);

/** Methods in the table (valid codes are 0 .. count − 1). */
export function integratorMethodCount(): i32 {
  return methodCount;
}

/** The name of method `code`: a static string (UTF-16, its byte length in the 4 bytes before it). */
export function integratorMethodName(code: i32): usize {
  return method(code).name;
}

/** The fields integratorStats writes, one f64 each, in this order: the host finds each by its name. */
const STAT_NAMES = 't h nfev njev nlu steps rejected status failIndex failValue order errorFails newtonFails newtonIters floored';

/** STAT_NAMES, space-separated: a static string like integratorMethodName's. */
export function integratorStatNames(): usize {
  return changetype<usize>(STAT_NAMES);
}

/** Solution, previous solution, scratch, and f at each: six vectors besides the stages. */
const COMMON_VECTORS: i32 = 6;

@inline function header(): usize {
  return (offsetof<Integrator>() + 15) & ~15;
}

/** Bytes of an integrator block for method `code` (a row of the method table) on n unknowns: its whole workspace. */
export function integratorBytes(code: i32, n: i32): usize {
  const m = method(code);
  return header() + <usize>(COMMON_VECTORS + m.stages) * (<usize>n << 3) + <usize>m.scratchBytes;
}

/**
 * Starts method `code` on the system at `sys` (a block that begins with a System header, system.ts)
 * from y0 at t0, never stepping past tBound. h0 > 0 is the (rk4: fixed) step or the first step to
 * try; h0 ≤ 0 lets the method choose. With `fixed`, every step is accepted with h = h0 (for
 * convergence-order studies).
 */
export function integratorInit(p: usize, code: i32, sys: usize, y0: usize, t0: f64, tBound: f64,
  rtol: f64, atol: f64, h0: f64, fixed: bool, maxSteps: f64): void {
  const st = state(p);
  const n = system(sys).n;
  const m = method(code);
  st.method = code;
  st.tableau = m.tableau;
  st.n = n;
  st.sys = sys;
  st.status = STATUS_RUNNING;
  st.failIndex = -1;
  st.failValue = 0.0;
  st.fixed = fixed || m.fixedOnly ? 1 : 0;
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
  st.h = h0 > 0.0 ? h0 : initialStep(st, m.order);
  m.start(st);
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
  const m = method(st.method);
  let left = budget;
  while (st.t < tOut) {
    if (left <= 0.0) return STATUS_PAUSED;
    if (st.steps >= st.maxSteps) {
      st.status = STATUS_MAX_STEPS;
      return STATUS_MAX_STEPS;
    }
    if (!m.step(st)) return st.status;
    left -= 1.0;
  }
  if (tOut == st.t || st.t == st.tOld) copy(st, out, st.y);
  else m.interpolate(st, tOut, out);
  return STATUS_RUNNING;
}

@inline function put(at: usize, v: f64): usize {
  store<f64>(at, v);
  return at + 8;
}

/** Writes the fields named by STAT_NAMES, in its order, to `out`. */
export function integratorStats(p: usize, out: usize): void {
  const st = state(p);
  let o = out;
  o = put(o, st.t);
  o = put(o, st.h);
  o = put(o, st.nfev);
  o = put(o, st.njev);
  o = put(o, st.nlu);
  o = put(o, st.steps);
  o = put(o, st.rejected);
  o = put(o, <f64>st.status);
  o = put(o, <f64>st.failIndex);
  o = put(o, st.failValue);
  o = put(o, <f64>st.order);
  o = put(o, st.errorFails);
  o = put(o, st.newtonFails);
  o = put(o, st.newtonIters);
  o = put(o, st.floored);
}
