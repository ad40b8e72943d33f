// Explicit Runge–Kutta methods as data (Butcher tableaus, as scipy's RungeKutta and
// OrdinaryDiffEq.jl's ExplicitRKTableau hold them): one step routine runs any tableau.
//   k_1 = f(y),  k_i = f(y + h Σ_{j<i} a_ij k_j),  y_1 = y + h Σ_j b_j k_j,  k_{s+1} = f(y_1),
// and an embedded pair estimates the local error as h Σ_{j≤s+1} e_j k_j (e = b − b̂; k_{s+1} enters
// it when the pair is FSAL, as Dormand–Prince's is). k_1 is the state's f, k_2..k_s its stage
// vectors, k_{s+1} its fTmp, which accept() makes the next step's k_1.
// Each combination y + Σ_j (h a_ij) k_j is a run of axpys over the nonzero a_ij, left to right.
// Coefficients are numerators over a denominator per row, so that h a_ij is rounded once from
// the exact rational (RK4's h/6 rather than h·fl(1/6)).
import { axpy } from '../blas';
import { accept, copy, errorNorm, fail, Integrator, invalid, nextStep, reject, rhs, stage, STATUS_BLOWUP, trialStep } from './state';

@unmanaged export class Tableau {
  /** s: stages k_1..k_s before the solution. */
  stages: i32;
  /** Rows i = 2..s of a (a_i1..a_i,i−1), each padded to s − 1 numerators; one denominator per row. */
  a: usize;
  aDen: usize;
  /** b_1..b_s: numerators over bDen. */
  b: usize;
  bDen: f64;
  /** e_1..e_{s+1}, or 0 when the method has no error estimate (then it runs with fixed steps only). */
  e: usize;
  /** The order of the error estimate, for nextStep. */
  q: f64;
}

/** k_j (1-based) of the step being taken. */
@inline function k(st: Integrator, j: i32, s: i32): usize {
  return j == 1 ? st.f : j == s + 1 ? st.fTmp : stage(st, j - 2);
}

@inline function at(row: usize, j: i32): f64 {
  return load<f64>(row + (<usize>j << 3));
}

/** yt = y + Σ_{j<count} (h num_j / den) k_{j+1}, skipping zero coefficients. */
function combine(st: Integrator, yt: usize, num: usize, den: f64, count: i32, h: f64, s: i32): void {
  copy(st, yt, st.y);
  for (let j = 0; j < count; j++) {
    const c = at(num, j);
    if (c != 0.0) axpy(h * c / den, k(st, j + 1, s), yt, st.n);
  }
}

/**
 * Advances by one step of the method's tableau (st.tableau). Adaptive when the tableau has an
 * error estimate and the run is not `fixed`; values outside the domain cut the step by 4 there
 * and fail with fixed steps.
 */
export function explicitStep(st: Integrator): bool {
  const tab = changetype<Tableau>(st.tableau);
  const s = tab.stages;
  const n = st.n;
  const yt = st.yTmp;
  let bad = -1;
  while (true) {
    const h = trialStep(st, bad);
    if (h == 0.0) return false;
    for (let i = 2; i <= s; i++) {
      const row = <usize>(i - 2) * <usize>(s - 1);
      combine(st, yt, tab.a + (row << 3), at(tab.aDen, i - 2), i - 1, h, s);
      rhs(st, yt, k(st, i, s));
    }
    combine(st, yt, tab.b, tab.bDen, s, h, s);
    bad = invalid(st, yt);
    if (bad >= 0) {
      if (st.fixed) return fail(st, STATUS_BLOWUP, bad, yt);
      reject(st, 0.25 * h);
      continue;
    }
    rhs(st, yt, st.fTmp);
    if (st.fixed) {
      accept(st, h);
      return true;
    }
    // The error estimate goes to yOld's vector: nothing reads it during a step, and accept() moves
    // y there (reject and fail leave no dense output to evaluate).
    const err = errorNorm(st, st.y, yt, estimate(st, tab, st.yOld, h, s, n));
    if (err <= 1.0) {
      accept(st, h);
      st.h = nextStep(st, h, err, tab.q);
      return true;
    }
    reject(st, isFinite(err) ? nextStep(st, h, err, tab.q) : 0.25 * h);
  }
}

/** out = h Σ_j e_j k_j over the nonzero e_j, summed left to right per component; returns out. */
function estimate(st: Integrator, tab: Tableau, out: usize, h: f64, s: i32, n: i32): usize {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    let acc = 0.0;
    let first = true;
    for (let j = 1; j <= s + 1; j++) {
      const c = at(tab.e, j - 1);
      if (c == 0.0) continue;
      const term = c * load<f64>(k(st, j, s) + o);
      acc = first ? term : acc + term;
      first = false;
    }
    store<f64>(out + o, h * acc);
  }
  return out;
}

// The classical fourth-order method (Kutta 1901; Hairer–Nørsett–Wanner I, Table II.1.2): fixed
// steps (no error estimate). Dense output: the cubic Hermite interpolant through y and f at both
// ends of the step, whose O(h⁴) error matches the method's order.
export const RK4 = memory.data(offsetof<Tableau>(), 8);
export const RK4_STAGES: i32 = 3;
const RK4_A = memory.data<f64>([
  0.5, 0.0, 0.0,
  0.0, 0.5, 0.0,
  0.0, 0.0, 1.0,
]);
const RK4_A_DEN = memory.data<f64>([1.0, 1.0, 1.0]);
const RK4_B = memory.data<f64>([1.0, 2.0, 2.0, 1.0]);

/** Cubic Hermite: y(tOld + θh) = h00 yOld + h10 h fOld + h01 y + h11 h f. */
export function rk4Interpolate(st: Integrator, t: f64, out: usize): void {
  const h = st.t - st.tOld;
  const th = (t - st.tOld) / h;
  const th2 = th * th;
  const th3 = th2 * th;
  const h00 = 2.0 * th3 - 3.0 * th2 + 1.0;
  const h10 = (th3 - 2.0 * th2 + th) * h;
  const h01 = 3.0 * th2 - 2.0 * th3;
  const h11 = (th3 - th2) * h;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, h00 * load<f64>(st.yOld + o) + h10 * load<f64>(st.fOld + o)
      + h01 * load<f64>(st.y + o) + h11 * load<f64>(st.f + o));
  }
}

// Dormand–Prince 5(4), the embedded pair RK5(4)7M (Dormand & Prince, J. Comput. Appl. Math. 6
// (1980) 19–26), advancing with the fifth-order solution (local extrapolation), FSAL: b is a's
// seventh row. Error weights e = b − b̂ and the fourth-order dense output d_j are those of
// Hairer's dopri5.f (Hairer–Nørsett–Wanner I, II.5–II.6).
export const DOPRI5 = memory.data(offsetof<Tableau>(), 8);
export const DOPRI5_STAGES: i32 = 5;
const DOPRI5_A = memory.data<f64>([
  1.0 / 5.0, 0.0, 0.0, 0.0, 0.0,
  3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0,
  44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0,
  19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0,
  9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0,
]);
const DOPRI5_A_DEN = memory.data<f64>([1.0, 1.0, 1.0, 1.0, 1.0]);
const DOPRI5_B = memory.data<f64>([35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0]);
const DOPRI5_E = memory.data<f64>([71.0 / 57600.0, 0.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0, 22.0 / 525.0, -1.0 / 40.0]);
/** Dense output weights d_1..d_7 (d_2 = 0). */
const DOPRI5_D = memory.data<f64>([-12715105075.0 / 11282082432.0, 0.0, 87487479700.0 / 32700410799.0,
  -10690763975.0 / 1880347072.0, 701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0]);

/** Hairer's dense output: y(tOld + θh) = yOld + θ(Δ + (1−θ)(b + θ(c + (1−θ) d))), d = h Σ_j d_j k_j. */
export function dopri5Interpolate(st: Integrator, t: f64, out: usize): void {
  const h = st.t - st.tOld;
  const th = (t - st.tOld) / h;
  const th1 = 1.0 - th;
  // after accept(), the step's k_1 is fOld and k_7 is f
  const k1 = st.fOld, k7 = st.f;
  const k3 = stage(st, 1), k4 = stage(st, 2), k5 = stage(st, 3), k6 = stage(st, 4);
  const D = DOPRI5_D;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const y0 = load<f64>(st.yOld + o);
    const dy = load<f64>(st.y + o) - y0;
    const f0 = load<f64>(k1 + o);
    const f1 = load<f64>(k7 + o);
    const b = h * f0 - dy;
    const c = dy - h * f1 - b;
    const d = h * (at(D, 0) * f0 + at(D, 2) * load<f64>(k3 + o) + at(D, 3) * load<f64>(k4 + o)
      + at(D, 4) * load<f64>(k5 + o) + at(D, 5) * load<f64>(k6 + o) + at(D, 6) * f1);
    store<f64>(out + o, y0 + th * (dy + th1 * (b + th * (c + th1 * d))));
  }
}

function define(tab: usize, stages: i32, a: usize, aDen: usize, b: usize, bDen: f64, e: usize, q: f64): void {
  const t = changetype<Tableau>(tab);
  t.stages = stages;
  t.a = a;
  t.aDen = aDen;
  t.b = b;
  t.bDen = bDen;
  t.e = e;
  t.q = q;
}

define(RK4, 4, RK4_A, RK4_A_DEN, RK4_B, 6.0, 0, 4.0);
define(DOPRI5, 6, DOPRI5_A, DOPRI5_A_DEN, DOPRI5_B, 1.0, DOPRI5_E, 5.0);
