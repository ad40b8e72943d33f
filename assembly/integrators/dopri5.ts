// Dormand–Prince 5(4), the explicit embedded pair RK5(4)7M (Dormand & Prince, J. Comput. Appl.
// Math. 6 (1980) 19–26), advancing with the fifth-order solution (local extrapolation), FSAL.
// Error coefficients e = b − b̂ and the fourth-order dense output d_j are those of Hairer's
// dopri5.f (Hairer–Nørsett–Wanner I, II.5–II.6).
import { axpy } from '../blas';
import { accept, STATUS_BLOWUP, copy, errorNorm, fail, Integrator, invalid, nextStep, reject, rhs, stage, trialStep } from './state';

export const DOPRI5_STAGES: i32 = 5;

const A21 = 1.0 / 5.0;
const A31 = 3.0 / 40.0, A32 = 9.0 / 40.0;
const A41 = 44.0 / 45.0, A42 = -56.0 / 15.0, A43 = 32.0 / 9.0;
const A51 = 19372.0 / 6561.0, A52 = -25360.0 / 2187.0, A53 = 64448.0 / 6561.0, A54 = -212.0 / 729.0;
const A61 = 9017.0 / 3168.0, A62 = -355.0 / 33.0, A63 = 46732.0 / 5247.0, A64 = 49.0 / 176.0, A65 = -5103.0 / 18656.0;
const A71 = 35.0 / 384.0, A73 = 500.0 / 1113.0, A74 = 125.0 / 192.0, A75 = -2187.0 / 6784.0, A76 = 11.0 / 84.0;
const E1 = 71.0 / 57600.0, E3 = -71.0 / 16695.0, E4 = 71.0 / 1920.0, E5 = -17253.0 / 339200.0, E6 = 22.0 / 525.0, E7 = -1.0 / 40.0;
const D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0, D4 = -10690763975.0 / 1880347072.0;
const D5 = 701980252875.0 / 199316789632.0, D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

export function dopri5Step(st: Integrator): bool {
  const n = st.n;
  const y = st.y;
  const yt = st.yTmp;
  const k1 = st.f;
  const k2 = stage(st, 0), k3 = stage(st, 1), k4 = stage(st, 2), k5 = stage(st, 3), k6 = stage(st, 4);
  const k7 = st.fTmp;
  let bad = -1;
  while (true) {
    const h = trialStep(st, bad);
    if (h == 0.0) return false;
    copy(st, yt, y); axpy(h * A21, k1, yt, n);
    rhs(st, yt, k2);
    copy(st, yt, y); axpy(h * A31, k1, yt, n); axpy(h * A32, k2, yt, n);
    rhs(st, yt, k3);
    copy(st, yt, y); axpy(h * A41, k1, yt, n); axpy(h * A42, k2, yt, n); axpy(h * A43, k3, yt, n);
    rhs(st, yt, k4);
    copy(st, yt, y); axpy(h * A51, k1, yt, n); axpy(h * A52, k2, yt, n); axpy(h * A53, k3, yt, n);
    axpy(h * A54, k4, yt, n);
    rhs(st, yt, k5);
    copy(st, yt, y); axpy(h * A61, k1, yt, n); axpy(h * A62, k2, yt, n); axpy(h * A63, k3, yt, n);
    axpy(h * A64, k4, yt, n); axpy(h * A65, k5, yt, n);
    rhs(st, yt, k6);
    copy(st, yt, y); axpy(h * A71, k1, yt, n); axpy(h * A73, k3, yt, n); axpy(h * A74, k4, yt, n);
    axpy(h * A75, k5, yt, n); axpy(h * A76, k6, yt, n);
    bad = invalid(st, yt);
    if (bad >= 0 && !st.fixed) {
      reject(st, 0.25 * h);
      continue;
    }
    rhs(st, yt, k7);
    // The error estimate goes to k2, which the solution and the dense output do not use.
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(k2 + o, h * (E1 * load<f64>(k1 + o) + E3 * load<f64>(k3 + o) + E4 * load<f64>(k4 + o)
        + E5 * load<f64>(k5 + o) + E6 * load<f64>(k6 + o) + E7 * load<f64>(k7 + o)));
    }
    const err = errorNorm(st, y, yt, k2);
    if (st.fixed) {
      if (bad >= 0) return fail(st, STATUS_BLOWUP, bad, yt);
      accept(st, h);
      return true;
    }
    if (err <= 1.0) {
      accept(st, h);
      st.h = nextStep(st, h, err, 5.0);
      return true;
    }
    reject(st, isFinite(err) ? nextStep(st, h, err, 5.0) : 0.25 * h);
  }
}

/** Hairer's dense output: y(tOld + θh) = yOld + θ(Δ + (1−θ)(b + θ(c + (1−θ) d))). */
export function dopri5Interpolate(st: Integrator, t: f64, out: usize): void {
  const h = st.t - st.tOld;
  const th = (t - st.tOld) / h;
  const th1 = 1.0 - th;
  const k1 = st.fOld, k7 = st.f;
  const k3 = stage(st, 1), k4 = stage(st, 2), k5 = stage(st, 3), k6 = stage(st, 4);
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const y0 = load<f64>(st.yOld + o);
    const dy = load<f64>(st.y + o) - y0;
    const f0 = load<f64>(k1 + o);
    const f1 = load<f64>(k7 + o);
    const b = h * f0 - dy;
    const c = dy - h * f1 - b;
    const d = h * (D1 * f0 + D3 * load<f64>(k3 + o) + D4 * load<f64>(k4 + o) + D5 * load<f64>(k5 + o)
      + D6 * load<f64>(k6 + o) + D7 * f1);
    store<f64>(out + o, y0 + th * (dy + th1 * (b + th * (c + th1 * d))));
  }
}
