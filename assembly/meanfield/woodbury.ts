// The stiff method's linear solves in O(md): J is per-neuron 2×2 blocks minus a rank-(d+1) term,
// J = D − (1/m) L Rᵀ, with (k = 0..d, w_k² = U_k, the series of U)
//   L_i = (w_k s_i^k / ε,  (1 − s_i²) a_i k w_k s_i^{k−1})_k,   R_i = (w_k s_i^k,  k w_k a_i s_i^{k−1})_k
// so (x I − J)⁻¹ follows from the 2×2 inverses of x I − D and the (d+1)×(d+1) capacitance matrix
// m I + Rᵀ (x I − D)⁻¹ L (Woodbury): every solve costs O(md) and each factorization O(md²).
// In the moment form d = K and w_k = σ_k (R_i is −m ∂r_k/∂(a_i, s_i)). The kernel form is the same
// structure wherever no pair needs the closed-form remainder (max s_i² ≤ ½, tails.ts): its flow is
// then the series of degree d = seriesDegreeAt, exactly up to tails of 1e-17, with w_k = √U_k.
// Owns the Woodbury part of the block.
import { align, take } from '../block';
import { axpy } from '../blas';
import { luFactor, luSolve } from '../lu';
import { series, seriesDeriv, seriesDeriv2 } from '../kernels';
import { at, FORM_KERNEL, Meanfield, params, put, residualCoefficients } from './params';
import { seriesDegreeAt } from './tails';

/** A 2×2 block whose determinant is below this fraction of its terms is treated as singular. */
const SINGULAR: f64 = 1e-10;
/** Below this fraction the Woodbury solve loses digits to cancellation: refine it once. */
const ILL_CONDITIONED: f64 = 1e-4;

@unmanaged export class Woodbury {
  /** The last factorization met an ill-conditioned 2×2 block: refine its solves. */
  refine: i32;
  /** Degree d of the low-rank term at the Jacobian last taken: K (moment form) or the kernel form's seriesDegreeAt. */
  deg: i32;
  /** The weights are real: every U_k ≥ 0 (else the kernel form keeps to dense LU). */
  usable: i32;
  w: usize; // weights w_k with w_k² = U_k, split between L and R: σ_k (moment form), √U_k (kernel form) (D+1)
  jy: usize; // state at which the Jacobian was taken (2m)
  jc: usize; // c_k there (D+1)
  jd: usize; // per neuron: P'(s)/ε, (1 − s²) P'(s), ∂ṡ/∂s diagonal (3m)
  binv: usize; // inverses of the neurons' 2×2 blocks of x I − D, as four m-vectors B00, B01, B10, B11 (4m)
  cap: usize; // capacitance matrix m I + Rᵀ B⁻¹ L, LU-factored ((d+1)², column-major)
  cpiv: usize; // its pivots (d+1 i32)
  q: usize; // max(d+1, 3) scratch
  rr: usize; // 2(d+1) scratch: one neuron's R_i
  res: usize; // 2m scratch (refinement residual)
}

@inline function wood(S: Meanfield): Woodbury {
  return changetype<Woodbury>(S.wood);
}

/** Lays out (write) or measures the Woodbury part at p for m neurons and degrees up to D; returns the end (block.ts). */
export function woodburyLayout(write: bool, p: u64, m: i32, D: i32): u64 {
  const h = write ? <usize>p : 0;
  const K1 = D + 1;
  p = align(p + offsetof<Woodbury>());
  p = take(h, offsetof<Woodbury>('w'), p, K1);
  p = take(h, offsetof<Woodbury>('jy'), p, 2 * m);
  p = take(h, offsetof<Woodbury>('jc'), p, K1);
  p = take(h, offsetof<Woodbury>('jd'), p, 3 * m);
  p = take(h, offsetof<Woodbury>('binv'), p, 4 * m);
  p = take(h, offsetof<Woodbury>('cap'), p, K1 * K1);
  p = take(h, offsetof<Woodbury>('cpiv'), p, K1);
  p = take(h, offsetof<Woodbury>('q'), p, max(K1, 3));
  p = take(h, offsetof<Woodbury>('rr'), p, 2 * K1);
  return take(h, offsetof<Woodbury>('res'), p, 2 * m);
}

/**
 * Starts the Woodbury part at S.linear: the weights w_k, σ_k in the moment form (so that its
 * factorization is the one it always was) and √U_k in the kernel form, whose series part of degree
 * d has the same structure with U_k in place of σ_k² (params.ts; U_k = σ_k² for k ≤ K).
 */
export function woodburyInit(S: Meanfield): void {
  const W = wood(S);
  W.usable = 1;
  W.deg = S.K;
  for (let k = 0; k <= S.D; k++) {
    const u = at(S.uD, k);
    if (!(u >= 0.0)) W.usable = 0;
    put(W.w, k, S.form == FORM_KERNEL ? Math.sqrt(Math.max(u, 0.0)) : (k <= S.K ? at(S.sigma, k) : 0.0));
  }
}

/** Whether the weights are real (every U_k ≥ 0), so that the kernel form may use this part. */
export function woodburyUsable(S: Meanfield): bool {
  return wood(S).usable != 0;
}

/** Index of entry (i, j) of the column-major capacitance matrix of order n. */
@inline function cell(n: i32, i: i32, j: i32): i32 {
  return j * n + i;
}

/** System jacobian (integrators/system.ts): takes the Jacobian's parts D, L, R at y for the factorizations that follow. */
export function woodburyJacobian(sys: usize, y: usize): void {
  const S = params(sys);
  const W = wood(S);
  const m = S.m;
  memory.copy(W.jy, y, <usize>(2 * m) << 3);
  W.deg = S.form == FORM_KERNEL ? seriesDegreeAt(S, y) : S.K;
  residualCoefficients(S, y, W.jc, W.deg);
  const half = <usize>m << 3;
  for (let i = 0; i < m; i++) {
    const s = at(y + half, i);
    const a = at(y, i);
    const w = (1.0 - s) * (1.0 + s);
    const dp = seriesDeriv(W.jc, W.deg, s);
    put(W.jd, 3 * i, dp * S.invEps);
    put(W.jd, 3 * i + 1, w * dp);
    put(W.jd, 3 * i + 2, -2.0 * s * a * dp + w * a * seriesDeriv2(W.jc, W.deg, s));
  }
}

/**
 * System factor: x I − J for the Jacobian last taken, as the 2×2 block inverses and the LU-factored
 * capacitance matrix. False when it (or a neuron's 2×2 block) is numerically singular.
 */
export function woodburyFactor(sys: usize, x: f64): bool {
  const S = params(sys);
  const W = wood(S);
  const m = S.m;
  const K1 = W.deg + 1;
  const C = W.cap;
  const ie = S.invEps;
  const half = <usize>m << 3;
  for (let k = 0; k < K1 * K1; k++) put(C, k, 0.0);
  let worst = 1.0;
  for (let i = 0; i < m; i++) {
    const s = at(W.jy + half, i);
    const a = at(W.jy, i);
    const w = (1.0 - s) * (1.0 + s);
    // x I − D_i = [[x, −P'/ε], [−(1−s²)P', x − d]]
    const d01 = -at(W.jd, 3 * i);
    const d10 = -at(W.jd, 3 * i + 1);
    const d11 = x - at(W.jd, 3 * i + 2);
    const det = x * d11 - d01 * d10;
    const relative = Math.abs(det) / (Math.abs(x * d11) + Math.abs(d01 * d10));
    if (!(relative > SINGULAR)) return false;
    worst = Math.min(worst, relative);
    const b00 = d11 / det, b01 = -d01 / det, b10 = -d10 / det, b11 = x / det;
    put(W.binv, i, b00);
    put(W.binv, m + i, b01);
    put(W.binv, 2 * m + i, b10);
    put(W.binv, 3 * m + i, b11);
    // C[k][l] += Ra_k (b00 La_l + b01 Ls_l) + Rs_k (b10 La_l + b11 Ls_l), with La = Ra/ε and Ls = w Rs.
    const al = b00 * ie, be = b01 * w, ga = b10 * ie, de = b11 * w;
    const ra = W.rr;
    const rs = W.rr + (<usize>K1 << 3);
    let sk = 1.0; // s^k
    let skm = 0.0; // k s^{k−1}
    for (let k = 0; k < K1; k++) {
      const sg = at(W.w, k);
      put(ra, k, sg * sk);
      put(rs, k, sg * skm * a);
      skm = skm * s + sk;
      sk *= s;
    }
    for (let l = 0; l < K1; l++) {
      const col = C + (<usize>cell(K1, 0, l) << 3); // column l of Rᵀ B⁻¹ L = Ra (al Ra_l + be Rs_l) + Rs (ga Ra_l + de Rs_l)
      axpy(al * at(ra, l) + be * at(rs, l), ra, col, K1);
      axpy(ga * at(ra, l) + de * at(rs, l), rs, col, K1);
    }
  }
  for (let k = 0; k < K1; k++) put(C, cell(K1, k, k), at(C, cell(K1, k, k)) + <f64>m);
  W.refine = worst < ILL_CONDITIONED ? 1 : 0;
  return luFactor(C, K1, W.cpiv);
}

/** q[k] = Σ_i R_i[·,k] · v_i = σ_k Σ_i (s_i^k v_{a,i} + k a_i s_i^{k−1} v_{s,i}) at the Jacobian's state. */
function projectR(S: Meanfield, W: Woodbury, v: usize, q: usize): void {
  const m = S.m;
  const K1 = W.deg + 1;
  const half = <usize>m << 3;
  const jy = W.jy;
  for (let k = 0; k < K1; k++) put(q, k, 0.0);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const acc = W.rr; // K+1 two-lane sums, one lane per neuron of the pair
    for (let k = 0; k < K1; k++) v128.store(acc + (<usize>k << 4), f64x2.splat(0.0));
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const s = v128.load(jy + half + o);
      const va = v128.load(v + o);
      const vs = f64x2.mul(v128.load(v + half + o), v128.load(jy + o));
      let sk = f64x2.splat(1.0);
      let skm = f64x2.splat(0.0);
      for (let k = 0; k < K1; k++) {
        const slot = acc + (<usize>k << 4);
        v128.store(slot, f64x2.add(v128.load(slot), f64x2.add(f64x2.mul(sk, va), f64x2.mul(skm, vs))));
        skm = f64x2.add(f64x2.mul(skm, s), sk);
        sk = f64x2.mul(sk, s);
      }
    }
    for (let k = 0; k < K1; k++) {
      const lanes = v128.load(acc + (<usize>k << 4));
      put(q, k, f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1));
    }
  }
  for (; i < m; i++) {
    const s = at(jy + half, i);
    const va = at(v, i);
    const vs = at(v + half, i) * at(jy, i);
    let sk = 1.0;
    let skm = 0.0;
    for (let k = 0; k < K1; k++) {
      put(q, k, at(q, k) + (sk * va + skm * vs));
      skm = skm * s + sk;
      sk *= s;
    }
  }
  for (let k = 0; k < K1; k++) put(q, k, at(q, k) * at(W.w, k));
}

/**
 * out = (x I − D)⁻¹ b − (x I − D)⁻¹ L (m I + Rᵀ (x I − D)⁻¹ L)⁻¹ Rᵀ (x I − D)⁻¹ b (Woodbury);
 * out may alias b. The 2×2 inverses are stored as four m-vectors B00, B01, B10, B11.
 */
function applyInverse(S: Meanfield, W: Woodbury, b: usize, out: usize): void {
  const m = S.m;
  const K = W.deg;
  const half = <usize>m << 3;
  const ie = S.invEps;
  const B00 = W.binv, B01 = B00 + half, B10 = B01 + half, B11 = B10 + half;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const ba = v128.load(b + o);
      const bs = v128.load(b + half + o);
      v128.store(out + o, f64x2.add(f64x2.mul(v128.load(B00 + o), ba), f64x2.mul(v128.load(B01 + o), bs)));
      v128.store(out + half + o, f64x2.add(f64x2.mul(v128.load(B10 + o), ba), f64x2.mul(v128.load(B11 + o), bs)));
    }
  }
  for (; i < m; i++) {
    const ba = at(b, i);
    const bs = at(b + half, i);
    put(out, i, at(B00, i) * ba + at(B01, i) * bs);
    put(out + half, i, at(B10, i) * ba + at(B11, i) * bs);
  }
  const q = W.q;
  projectR(S, W, out, q);
  luSolve(W.cap, K + 1, W.cpiv, q);
  // L_i v = (Pv(s_i)/ε, (1 − s_i²) a_i Pv'(s_i)) with Pv(x) = Σ_k σ_k v_k x^k, by Horner.
  for (let k = 0; k <= K; k++) put(q, k, at(q, k) * at(W.w, k));
  const qK = at(q, K);
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const vie = f64x2.splat(ie);
    const one = f64x2.splat(1.0);
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const s = v128.load(W.jy + half + o);
      let p = f64x2.splat(qK);
      let dp = f64x2.splat(0.0);
      for (let k = K - 1; k >= 0; k--) {
        dp = f64x2.add(f64x2.mul(dp, s), p);
        p = f64x2.add(f64x2.mul(p, s), f64x2.splat(at(q, k)));
      }
      const la = f64x2.mul(p, vie);
      const ls = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.sub(one, s), f64x2.add(one, s)), v128.load(W.jy + o)), dp);
      v128.store(out + o, f64x2.sub(v128.load(out + o),
        f64x2.add(f64x2.mul(v128.load(B00 + o), la), f64x2.mul(v128.load(B01 + o), ls))));
      v128.store(out + half + o, f64x2.sub(v128.load(out + half + o),
        f64x2.add(f64x2.mul(v128.load(B10 + o), la), f64x2.mul(v128.load(B11 + o), ls))));
    }
  }
  for (; i < m; i++) {
    const s = at(W.jy + half, i);
    let p = qK;
    let dp = 0.0;
    for (let k = K - 1; k >= 0; k--) {
      dp = dp * s + p;
      p = p * s + at(q, k);
    }
    const la = p * ie;
    const ls = (1.0 - s) * (1.0 + s) * at(W.jy, i) * dp;
    put(out, i, at(out, i) - (at(B00, i) * la + at(B01, i) * ls));
    put(out + half, i, at(out + half, i) - (at(B10, i) * la + at(B11, i) * ls));
  }
}

/** System solve: (x I − J) u = b in place on b with the last factorization (x as passed to woodburyFactor). */
export function woodburySolve(sys: usize, x: f64, b: usize): void {
  const S = params(sys);
  const W = wood(S);
  const m = S.m;
  if (!W.refine) {
    applyInverse(S, W, b, b);
    return;
  }
  // One step of iterative refinement: a nearly singular 2×2 block makes the Woodbury formula lose
  // digits to cancellation, which the residual r = b − (x I − J) u, computed in O(mK), gives back.
  const r = W.res;
  const half = <usize>m << 3;
  memory.copy(r, b, <usize>(2 * m) << 3);
  applyInverse(S, W, b, b);
  const q = W.q;
  projectR(S, W, b, q);
  for (let k = 0; k <= W.deg; k++) put(q, k, at(q, k) * at(W.w, k) / <f64>m);
  for (let i = 0; i < m; i++) {
    const s = at(W.jy + half, i);
    const a = at(W.jy, i);
    const ua = at(b, i);
    const us = at(b + half, i);
    // (x I − J) u = x u − D u + (1/m) L Rᵀ u
    const wa = x * ua - at(W.jd, 3 * i) * us + series(q, W.deg, s) * S.invEps;
    const ws = x * us - at(W.jd, 3 * i + 1) * ua - at(W.jd, 3 * i + 2) * us
      + (1.0 - s) * (1.0 + s) * a * seriesDeriv(q, W.deg, s);
    put(r, i, at(r, i) - wa);
    put(r + half, i, at(r + half, i) - ws);
  }
  applyInverse(S, W, r, r);
  for (let i = 0; i < 2 * m; i++) put(b, i, at(b, i) + at(r, i));
}
