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
/** Row i of a (stage i + 2), padded to 4. */
const A_ROWS = memory.data<f64>([
  1.544, 0.0, 0.0, 0.0,
  0.9466785280815826, 0.2557011698983284, 0.0, 0.0,
  3.314825187068521, 2.896124015972201, 0.9986419139977817, 0.0,
  1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950,
]);
/** Row i of c (stage i + 2), padded to 5. */
const C_ROWS = memory.data<f64>([
  -5.6688, 0.0, 0.0, 0.0, 0.0,
  -2.430093356833875, -0.2063599157091915, 0.0, 0.0, 0.0,
  -0.1073529058151375, -9.594562251023355, -20.47028614809616, 0.0, 0.0,
  7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160, 0.0,
  8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054,
]);
/** Dense output: rows h_2 and h_3 on u_1..u_5 (rodas.f's d_ij, OrdinaryDiffEq.jl's h2j, h3j). */
const H_ROWS = memory.data<f64>([
  10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662,
  -0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872,
]);

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

/** y(tOld + θh) = (1−θ) yOld + θ (y + (1−θ)(d_2 + θ d_3)), d_r = Σ_j h_rj u_j (rows of H_ROWS). */
export function rodas4Interpolate(st: Integrator, t: f64, out: usize): void {
  const th = (t - st.tOld) / (st.t - st.tOld);
  const th1 = 1.0 - th;
  const u = st.stages;
  const vec = <usize>st.n << 3;
  for (let i = 0; i < st.n; i++) {
    const o = <usize>i << 3;
    let d2 = load<f64>(H_ROWS) * load<f64>(u + o);
    let d3 = load<f64>(H_ROWS, 40) * load<f64>(u + o);
    for (let j = 1; j < 5; j++) {
      const uj = load<f64>(u + <usize>j * vec + o);
      d2 += load<f64>(H_ROWS + (<usize>j << 3)) * uj;
      d3 += load<f64>(H_ROWS + (<usize>(5 + j) << 3)) * uj;
    }
    store<f64>(out + o, th1 * load<f64>(st.yOld + o) + th * (load<f64>(st.y + o) + th1 * (d2 + th * d3)));
  }
}
