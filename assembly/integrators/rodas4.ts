// RODAS4, the stiff method: a 6-stage Rosenbrock method of order 4 with an embedded order-3
// error estimate and a third-order dense output (Hairer & Wanner, Solving ODEs II, §VI.4; the
// coefficients of their rodas.f, METH = 1, as tabulated in OrdinaryDiffEq.jl's Rodas4Tableau).
//
// Why this method: the a-equation relaxes at rates up to σ_0²/ε (1e12 at ε = 1e-12) while the
// learning itself is slow. RODAS4 is L-stable and stiffly accurate, so those modes are damped
// in one step whatever hλ, and it keeps its order on singularly perturbed problems (it satisfies
// the index-1 DAE conditions), which is what makes the step count independent of ε once the
// initial layer is passed. It is linearly implicit: one Jacobian and one factorization of
// x I − J (x = 1/(γh)) per step, no Newton iteration to converge — and the mean-field flow's exact
// Jacobian is cheap (2×2 blocks per neuron plus a rank-(K+1) term, solved in O(mK) by Woodbury).
// Stages, in Hairer–Wanner's transformed variables u_i:
//   (x I − J) u_i = f(y + Σ_{j<i} a_ij u_j) + Σ_{j<i} (c_ij/h) u_j,   y1 = y + Σ_{j≤4} a_5j u_j + u_5 + u_6,
// and u_6 itself is the error estimate.
import { axpy } from '../blas';
import { accept, copy, errorNorm, factor, fail, Integrator, invalid, jacobian, nextStep, reject, rhs, solve, stage, STATUS_BLOWUP, trialStep } from './state';

export const RODAS4_STAGES: i32 = 6;

const GAMMA = 0.25;
const A21 = 1.544;
const A31 = 0.9466785280815826, A32 = 0.2557011698983284;
const A41 = 3.314825187068521, A42 = 2.896124015972201, A43 = 0.9986419139977817;
const A51 = 1.221224509226641, A52 = 6.019134481288629, A53 = 12.53708332932087, A54 = -0.6878860361058950;
const C21 = -5.6688;
const C31 = -2.430093356833875, C32 = -0.2063599157091915;
const C41 = -0.1073529058151375, C42 = -9.594562251023355, C43 = -20.47028614809616;
const C51 = 7.496443313967647, C52 = -10.24680431464352, C53 = -33.99990352819905, C54 = 11.70890893206160;
const C61 = 8.083246795921522, C62 = -7.981132988064893, C63 = -31.52159432874371, C64 = 16.31930543123136;
const C65 = -6.058818238834054;
/** Row i of a (stage i + 2), padded to 4. */
const A_ROWS = memory.data<f64>([
  A21, 0.0, 0.0, 0.0,
  A31, A32, 0.0, 0.0,
  A41, A42, A43, 0.0,
  A51, A52, A53, A54,
]);
/** Row i of c (stage i + 2), padded to 5. */
const C_ROWS = memory.data<f64>([
  C21, 0.0, 0.0, 0.0, 0.0,
  C31, C32, 0.0, 0.0, 0.0,
  C41, C42, C43, 0.0, 0.0,
  C51, C52, C53, C54, 0.0,
  C61, C62, C63, C64, C65,
]);
const H21 = 10.12623508344586, H22 = -7.487995877610167, H23 = -34.80091861555747, H24 = -7.992771707568823;
const H25 = 1.025137723295662;
const H31 = -0.6762803392801253, H32 = 6.087714651680015, H33 = 16.43084320892478, H34 = 24.76722511418386;
const H35 = -6.594389125716872;

/**
 * out = base + Σ_{j<count} (scale · coef[j]) u_j over the first stage vectors, in one pass
 * (out may be base); the terms are added in the order of successive axpys.
 */
function combine(st: Integrator, out: usize, base: usize, coef: usize, count: i32, scale: f64): void {
  const n = st.n;
  const u = st.stages;
  const vec = <usize>n << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      let acc = v128.load(base + o);
      for (let j = 0; j < count; j++) {
        const w = f64x2.splat(scale * load<f64>(coef + (<usize>j << 3)));
        acc = f64x2.add(acc, f64x2.mul(w, v128.load(u + <usize>j * vec + o)));
      }
      v128.store(out + o, acc);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    let acc = load<f64>(base + o);
    for (let j = 0; j < count; j++) acc += scale * load<f64>(coef + (<usize>j << 3)) * load<f64>(u + <usize>j * vec + o);
    store<f64>(out + o, acc);
  }
}

export function rodas4Step(st: Integrator): bool {
  const n = st.n;
  const y = st.y;
  const yt = st.yTmp;
  const u1 = stage(st, 0), u5 = stage(st, 4), u6 = stage(st, 5);
  if (!st.fresh) {
    jacobian(st, y);
    st.fresh = 1;
  }
  let bad = -1;
  while (true) {
    const h = trialStep(st, bad);
    if (h == 0.0) return false;
    bad = -1;
    const x = 1.0 / (GAMMA * h);
    const ih = 1.0 / h;
    if (!factor(st, x)) {
      reject(st, 0.5 * h);
      continue;
    }
    copy(st, u1, st.f);
    solve(st, x, u1);
    // Stage i: yt = y + Σ_j a_ij u_j, then u_i = f(yt) + Σ_j (c_ij/h) u_j, one pass over n each.
    for (let i = 1; i < 5; i++) {
      const ui = stage(st, i);
      combine(st, yt, y, A_ROWS + (<usize>(i - 1) * 4 << 3), i, 1.0);
      rhs(st, yt, ui);
      combine(st, ui, ui, C_ROWS + (<usize>(i - 1) * 5 << 3), i, ih);
      solve(st, x, ui);
    }
    axpy(1.0, u5, yt, n); // the embedded third-order solution
    rhs(st, yt, u6);
    combine(st, u6, u6, C_ROWS + (<usize>4 * 5 << 3), 5, ih);
    solve(st, x, u6);
    axpy(1.0, u6, yt, n);
    bad = invalid(st, yt);
    if (bad >= 0) {
      if (st.fixed) return fail(st, STATUS_BLOWUP, bad, yt);
      reject(st, 0.25 * h);
      continue;
    }
    const err = errorNorm(st, y, yt, u6);
    if (st.fixed || err <= 1.0) {
      rhs(st, yt, st.fTmp);
      accept(st, h);
      st.fresh = 0;
      if (!st.fixed) st.h = nextStep(st, h, err, 4.0);
      return true;
    }
    reject(st, isFinite(err) ? nextStep(st, h, err, 4.0) : 0.25 * h);
  }
}

/** y(tOld + θh) = (1−θ) yOld + θ (y + (1−θ)(Σ h2j u_j + θ Σ h3j u_j)). */
export function rodas4Interpolate(st: Integrator, t: f64, out: usize): void {
  const th = (t - st.tOld) / (st.t - st.tOld);
  const th1 = 1.0 - th;
  const u1 = stage(st, 0), u2 = stage(st, 1), u3 = stage(st, 2), u4 = stage(st, 3), u5 = stage(st, 4);
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    const k1 = load<f64>(u1 + o), k2 = load<f64>(u2 + o), k3 = load<f64>(u3 + o);
    const k4 = load<f64>(u4 + o), k5 = load<f64>(u5 + o);
    const d2 = H21 * k1 + H22 * k2 + H23 * k3 + H24 * k4 + H25 * k5;
    const d3 = H31 * k1 + H32 * k2 + H33 * k3 + H34 * k4 + H35 * k5;
    store<f64>(out + o, th1 * load<f64>(st.yOld + o) + th * (load<f64>(st.y + o) + th1 * (d2 + th * d3)));
  }
}
