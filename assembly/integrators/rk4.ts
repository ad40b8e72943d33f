// The classical fourth-order Runge–Kutta method (Kutta 1901; Hairer–Nørsett–Wanner I, Table II.1.2),
// fixed step h. Dense output: the cubic Hermite interpolant through y and f at both ends of the
// step, whose O(h⁴) error matches the method's order.
import { axpy } from '../blas';
import { accept, STATUS_BLOWUP, copy, fail, Integrator, invalid, rhs, stage, trialStep } from './state';

export const RK4_STAGES: i32 = 3;

export function rk4Step(st: Integrator): bool {
  const h = trialStep(st, -1);
  if (h == 0.0) return false;
  const n = st.n;
  const y = st.y;
  const yt = st.yTmp;
  const k1 = st.f;
  const k2 = stage(st, 0);
  const k3 = stage(st, 1);
  const k4 = stage(st, 2);
  copy(st, yt, y); axpy(0.5 * h, k1, yt, n);
  rhs(st, yt, k2);
  copy(st, yt, y); axpy(0.5 * h, k2, yt, n);
  rhs(st, yt, k3);
  copy(st, yt, y); axpy(h, k3, yt, n);
  rhs(st, yt, k4);
  copy(st, yt, y);
  axpy(h / 6.0, k1, yt, n);
  axpy(h / 3.0, k2, yt, n);
  axpy(h / 3.0, k3, yt, n);
  axpy(h / 6.0, k4, yt, n);
  const bad = invalid(st, yt);
  if (bad >= 0) return fail(st, STATUS_BLOWUP, bad, yt);
  rhs(st, yt, st.fTmp);
  accept(st, h);
  return true;
}

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
