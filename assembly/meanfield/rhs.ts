// The mean-field flow's right-hand side in its two forms (params.ts has the equations), the
// validity check of a state, and the risk R_mf with its Hermite components. The moment form is the
// second expressions (O(mK), exact for the truncated series); the kernel form the first ones, exact
// for a closed-form U, evaluated as a moment form of higher degree plus the closed form on the pairs
// with |s_i s_j| > ½ (rhsKernel).
import { moments, riskComponents } from '../moments';
import { kernelJet, KERNEL_SERIES } from '../kernels';
import { at, FORM_KERNEL, Meanfield, params, put, residualCoefficients, TAIL_SERIES_MAX } from './params';
import { hasRemainder, remainder, seriesDegreeAt } from './tails';

/** |s| may exceed 1 by this much (rounding); beyond it the state has left the sphere. */
const S_TOL: f64 = 1e-12;

/** ε ȧ_i = P(s_i), ṡ_i = (1 − s_i²) a_i P'(s_i) with P of degree d from the residuals. */
function rhsSeries(S: Meanfield, y: usize, dy: usize, d: i32): void {
  const m = S.m;
  const c = S.c;
  const ie = S.invEps;
  residualCoefficients(S, y, c, d);
  const half = <usize>m << 3;
  const cTop = at(c, d);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vie = f64x2.splat(ie);
    const one = f64x2.splat(1.0);
    for (; i + 4 <= m; i += 4) { // two independent Horner chains per pass hide their latency
      const o = <usize>i << 3;
      const x0 = v128.load(y + half + o);
      const x1 = v128.load(y + half + o, 16);
      let p0 = f64x2.splat(cTop);
      let p1 = p0;
      let dp0 = f64x2.splat(0.0);
      let dp1 = dp0;
      for (let k = d - 1; k >= 0; k--) {
        const ck = f64x2.splat(at(c, k));
        dp0 = f64x2.add(f64x2.mul(dp0, x0), p0);
        dp1 = f64x2.add(f64x2.mul(dp1, x1), p1);
        p0 = f64x2.add(f64x2.mul(p0, x0), ck);
        p1 = f64x2.add(f64x2.mul(p1, x1), ck);
      }
      v128.store(dy + o, f64x2.mul(p0, vie));
      v128.store(dy + o, f64x2.mul(p1, vie), 16);
      const w0 = f64x2.mul(f64x2.sub(one, x0), f64x2.add(one, x0));
      const w1 = f64x2.mul(f64x2.sub(one, x1), f64x2.add(one, x1));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w0, v128.load(y + o)), dp0));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w1, v128.load(y + o, 16)), dp1), 16);
    }
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const x = v128.load(y + half + o);
      let p = f64x2.splat(cTop);
      let dp = f64x2.splat(0.0);
      for (let k = d - 1; k >= 0; k--) {
        dp = f64x2.add(f64x2.mul(dp, x), p);
        p = f64x2.add(f64x2.mul(p, x), f64x2.splat(at(c, k)));
      }
      v128.store(dy + o, f64x2.mul(p, vie));
      const w = f64x2.mul(f64x2.sub(one, x), f64x2.add(one, x));
      v128.store(dy + half + o, f64x2.mul(f64x2.mul(w, v128.load(y + o)), dp));
    }
  }
  for (; i < m; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(y + half + o);
    let p = cTop;
    let dp = 0.0;
    for (let k = d - 1; k >= 0; k--) {
      dp = dp * x + p;
      p = p * x + at(c, k);
    }
    store<f64>(dy + o, p * ie);
    store<f64>(dy + half + o, (1.0 - x) * (1.0 + x) * load<f64>(y + o) * dp);
  }
}

/**
 * The kernel form: the series part of degree D through the moments, plus the remainder for the
 * pairs with |s_i s_j| > ½. Equal to the first expressions at the top of this file, but summing
 * (1/m) Σ_j a_j U(s_i s_j) whole would cancel against V(s_i) and lose |a|·ulp/ε — all digits once
 * ε ≲ 1e-10 — and cost O(m²) closed-form evaluations.
 */
function rhsKernel(S: Meanfield, y: usize, dy: usize): void {
  const m = S.m;
  const half = <usize>m << 3;
  const d = seriesDegreeAt(S, y);
  rhsSeries(S, y, dy, d);
  if (S.kind == KERNEL_SERIES) return;
  // Only neurons with |s_i| > ½ can be in a pair with |s_i s_j| > ½ (|s| ≤ 1): list them, then take
  // each unordered pair once — U and U' at ρ = s_i s_j serve both neurons — from one closed-form
  // jet and one Horner pass for the series' value and derivative.
  const su = S.rem, sd = su + half, list = sd + half;
  let count = 0;
  for (let i = 0; i < m; i++) {
    if (Math.abs(at(y + half, i)) <= TAIL_SERIES_MAX) continue;
    store<i32>(list + (<usize>count << 2), i);
    put(su, i, 0.0);
    put(sd, i, 0.0);
    count++;
  }
  for (let p = 0; p < count; p++) {
    const i = load<i32>(list + (<usize>p << 2));
    const si = at(y + half, i);
    const ai = at(y, i);
    let ui = at(su, i);
    let di = at(sd, i);
    for (let q = p; q < count; q++) {
      const j = load<i32>(list + (<usize>q << 2));
      const sj = at(y + half, j);
      const rho = si * sj;
      if (!hasRemainder(S, rho)) continue;
      remainderJet(S, d, rho);
      const r0 = load<f64>(JET), r1 = load<f64>(JET, 8);
      const aj = at(y, j);
      ui += aj * r0;
      di += aj * sj * r1;
      if (q != p) {
        put(su, j, at(su, j) + ai * r0);
        put(sd, j, at(sd, j) + ai * si * r1);
      }
    }
    put(su, i, ui);
    put(sd, i, di);
  }
  const invM = 1.0 / <f64>m;
  for (let p = 0; p < count; p++) {
    const i = load<i32>(list + (<usize>p << 2));
    const si = at(y + half, i);
    put(dy, i, at(dy, i) - at(su, i) * invM * S.invEps);
    put(dy + half, i, at(dy + half, i) - (1.0 - si) * (1.0 + si) * at(y, i) * at(sd, i) * invM);
  }
}

/** Scratch for remainderJet's two values and kernelJet's three. */
const JET = memory.data(24);

/**
 * JET[0] = U(ρ) − Σ_{k≤d} U_k ρ^k and JET[1] = U'(ρ) − Σ_{k≤d} k U_k ρ^{k−1} (tails.ts' remainder and
 * remainderDeriv), from one closed-form jet and one Horner pass for the series and its derivative.
 */
@inline function remainderJet(S: Meanfield, d: i32, rho: f64): void {
  kernelJet(S.kind, S.gain, S.u, S.K, rho, JET, JET + 8, JET + 16);
  const c = S.uD;
  let p = at(c, d);
  let dp = 0.0;
  for (let k = d - 1; k >= 0; k--) {
    dp = dp * rho + p;
    p = p * rho + at(c, k);
  }
  store<f64>(JET, load<f64>(JET) - p);
  store<f64>(JET, load<f64>(JET, 8) - dp, 8);
}

/** dy = f(y), in the form chosen at init. */
export function meanfieldRhs(sys: usize, y: usize, dy: usize): void {
  const S = params(sys);
  if (S.form == FORM_KERNEL) rhsKernel(S, y, dy);
  else rhsSeries(S, y, dy, S.K);
}

/**
 * R[k] = ½ r_k² for k = 0..K; returns R_mf (without the noise term ½τ²). The components come
 * from the residuals, never from the expanded kernel form. In the kernel form with a closed-form
 * U the exact risk also holds the part of U beyond degree K, which the target lacks:
 * ½ (1/m²) Σ_ij a_i a_j [U(s_i s_j) − Σ_{k≤K} σ_k² (s_i s_j)^k] = ½ Σ_{K<k≤d} U_k M_k² plus the
 * remainder of the pairs with |s_i s_j| > ½ (d from seriesDegreeAt); it is added to the total, not to a component. The
 * moment form's flow is the gradient flow of the truncated risk, so it reports that.
 */
export function meanfieldRisk(sys: usize, y: usize, R: usize): f64 {
  const S = params(sys);
  const m = S.m;
  const d = seriesDegreeAt(S, y);
  moments(y, y + (<usize>m << 3), m, d, S.M);
  let total = riskComponents(S.phi, S.sigma, S.M, S.K, R);
  if (S.form == FORM_KERNEL && S.kind != KERNEL_SERIES) {
    for (let k = S.K + 1; k <= d; k++) total += 0.5 * at(S.uD, k) * at(S.M, k) * at(S.M, k);
    const half = <usize>m << 3;
    let tail = 0.0;
    for (let i = 0; i < m; i++) {
      const si = at(y + half, i);
      let row = 0.0;
      for (let j = 0; j < m; j++) {
        const rho = si * at(y + half, j);
        if (hasRemainder(S, rho)) row += at(y, j) * remainder(S, d, rho);
      }
      tail += at(y, i) * row;
    }
    total += 0.5 * tail / (<f64>m * <f64>m);
  }
  return total;
}

/** Index of the first non-finite entry of y or |s_i| > 1 (beyond rounding), or −1. */
export function meanfieldInvalid(sys: usize, y: usize): i32 {
  const m = params(sys).m;
  for (let i = 0; i < 2 * m; i++) {
    const v = at(y, i);
    if (!isFinite(v) || (i >= m && Math.abs(v) > 1.0 + S_TOL)) return i;
  }
  return -1;
}
