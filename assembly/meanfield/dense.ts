// The mean-field flow's exact Jacobian as a dense 2m×2m matrix (column-major), in both forms, and
// the stiff method's linear algebra on it: x I − J factored by dense LU (lu.ts), O(m³) per
// factorization and O(m²) per solve — the choice for few neurons and for the kernel form, whose
// Jacobian has no low-rank structure beyond degree K. Owns the Dense part of the block.
import { align, take } from '../block';
import { luFactorShifted, luSolve } from '../lu';
import { kernelJetRow, seriesDeriv, seriesDeriv2 } from '../kernels';
import { at, FORM_KERNEL, Meanfield, params, put, residualCoefficients } from './params';

@unmanaged export class Dense {
  J: usize; // dense Jacobian ((2m)², column-major)
  LU: usize; // LU factors of x I − J ((2m)², column-major)
  piv: usize; // its pivots (2m i32)
  pw: usize; // powers s_i^k (m(K+1))
  jet: usize; // U, U', U'' at s_i s_j along one row of the kernel-form Jacobian (3m)
  gh: usize; // g_i and h_i of the kernel-form Jacobian (2m)
}

@inline function dense(S: Meanfield): Dense {
  return changetype<Dense>(S.dense);
}

/** Lays out (write) or measures the Dense part at p for m neurons and degree K; returns the end (block.ts). */
export function denseLayout(write: bool, p: u64, m: i32, K: i32): u64 {
  const h = write ? <usize>p : 0;
  p = align(p + offsetof<Dense>());
  p = take(h, offsetof<Dense>('J'), p, 4 * <i64>m * <i64>m);
  p = take(h, offsetof<Dense>('LU'), p, 4 * <i64>m * <i64>m);
  p = take(h, offsetof<Dense>('piv'), p, m); // 2m i32
  p = take(h, offsetof<Dense>('pw'), p, <i64>m * (K + 1));
  p = take(h, offsetof<Dense>('jet'), p, 3 * m);
  return take(h, offsetof<Dense>('gh'), p, 2 * m);
}

/** Index of entry (i, j) of an n×n matrix stored by columns, as the dense Jacobian and LU are. */
@inline function cell(n: i32, i: i32, j: i32): i32 {
  return j * n + i;
}

/** The exact Jacobian ∂f/∂y at y into the column-major 2m×2m matrix J. */
function jacobianDense(S: Meanfield, y: usize, J: usize): void {
  if (S.form == FORM_KERNEL) jacobianKernel(S, y, J);
  else jacobianMoment(S, y, J);
}

/** The exact Jacobian ∂f/∂y at y into the row-major 2m×2m matrix J (for tests; needs a block with the Dense part). */
export function meanfieldJacobianDense(sys: usize, y: usize, J: usize): void {
  const S = params(sys);
  jacobianDense(S, y, J);
  const n = 2 * S.m;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = at(J, cell(n, i, j));
      put(J, cell(n, i, j), at(J, cell(n, j, i)));
      put(J, cell(n, j, i), t);
    }
  }
}

/**
 * Adds to neuron i's 2×2 diagonal block of J (column-major, 2m×2m) the terms of differentiating
 * ε ȧ_i = P(s_i), ṡ_i = (1 − s_i²) a_i P'(s_i) in s_i and a_i where they stand outside P, given
 * p1 = P'(s_i) and p2 = P''(s_i) (the kernel form's g_i, h_i); the terms through P are already in J.
 */
@inline function addOwnTerms(J: usize, m: i32, i: i32, si: f64, ai: f64, ie: f64, p1: f64, p2: f64): void {
  const n = 2 * m;
  const wi = (1.0 - si) * (1.0 + si);
  put(J, cell(n, i, m + i), at(J, cell(n, i, m + i)) + ie * p1);
  put(J, cell(n, m + i, i), at(J, cell(n, m + i, i)) + wi * p1);
  put(J, cell(n, m + i, m + i), at(J, cell(n, m + i, m + i)) - 2.0 * si * ai * p1 + wi * ai * p2);
}

function jacobianMoment(S: Meanfield, y: usize, J: usize): void {
  const m = S.m;
  const K = S.K;
  const n = 2 * m;
  const half = <usize>m << 3;
  const ie = S.invEps;
  const invM = 1.0 / <f64>m;
  residualCoefficients(S, y, S.c, K);
  for (let i = 0; i < m; i++) {
    const s = at(y + half, i);
    let pk = 1.0;
    for (let k = 0; k <= K; k++) {
      put(dense(S).pw, i * (K + 1) + k, pk);
      pk *= s;
    }
  }
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    const ai = at(y, i);
    const wi = (1.0 - si) * (1.0 + si);
    const pi = dense(S).pw + <usize>(i * (K + 1)) * 8;
    for (let j = 0; j < m; j++) {
      const aj = at(y, j);
      const pj = dense(S).pw + <usize>(j * (K + 1)) * 8;
      let gaa = 0.0, gas = 0.0, gsa = 0.0, gss = 0.0;
      for (let k = 0; k <= K; k++) {
        const u = at(S.u, k);
        gaa += u * at(pi, k) * at(pj, k);
        if (k > 0) {
          const fk = <f64>k;
          gas += u * at(pi, k) * fk * aj * at(pj, k - 1);
          gsa += u * fk * at(pi, k - 1) * at(pj, k);
          gss += u * fk * fk * at(pi, k - 1) * aj * at(pj, k - 1);
        }
      }
      put(J, cell(n, i, j), -ie * gaa * invM);
      put(J, cell(n, i, m + j), -ie * gas * invM);
      put(J, cell(n, m + i, j), -wi * ai * gsa * invM);
      put(J, cell(n, m + i, m + j), -wi * ai * gss * invM);
    }
    addOwnTerms(J, m, i, si, ai, ie, seriesDeriv(S.c, K, si), seriesDeriv2(S.c, K, si));
  }
}

function jacobianKernel(S: Meanfield, y: usize, J: usize): void {
  const m = S.m;
  const K = S.K;
  const n = 2 * m;
  const half = <usize>m << 3;
  const ie = S.invEps;
  // g_i = V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j) and h_i = V''(s_i) − (1/m) Σ_j a_j s_j² U''(s_i s_j),
  // accumulated in the scratch gh while the symmetric pair loop fills J.
  const g = dense(S).gh;
  const h = g + half;
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    put(g, i, seriesDeriv(S.v, K, si));
    put(h, i, seriesDeriv2(S.v, K, si));
  }
  // Each pair (i, j ≥ i) fills its entries in rows i and j at once from U, U', U'' at ρ = s_i s_j;
  // g_i and h_i are carried in locals along row i, in the same order of terms as one at a time.
  const invM = 1.0 / <f64>m;
  const U0 = dense(S).jet, U1 = U0 + half, U2 = U1 + half;
  for (let i = 0; i < m; i++) {
    const si = at(y + half, i);
    const ai = at(y, i);
    const wi = (1.0 - si) * (1.0 + si);
    let gi = at(g, i);
    let hi = at(h, i);
    kernelJetRow(S.kind, S.gain, S.u, K, si, y + half + (<usize>i << 3), m - i, U0, U1, U2);
    for (let j = i; j < m; j++) {
      const sj = at(y + half, j);
      const aj = at(y, j);
      const rho = si * sj;
      const u0 = -ie * at(U0, j - i) * invM;
      const u1 = at(U1, j - i) * invM;
      const u2 = at(U2, j - i) * invM;
      const ss = -aj * ai * (u1 + rho * u2);
      gi -= aj * sj * u1;
      hi -= aj * sj * sj * u2;
      put(J, cell(n, i, j), u0);
      put(J, cell(n, i, m + j), -ie * aj * si * u1);
      put(J, cell(n, m + i, j), -wi * ai * sj * u1);
      put(J, cell(n, m + i, m + j), wi * ss);
      if (j != i) {
        const wj = (1.0 - sj) * (1.0 + sj);
        put(g, j, at(g, j) - ai * si * u1);
        put(h, j, at(h, j) - ai * si * si * u2);
        put(J, cell(n, j, i), u0);
        put(J, cell(n, j, m + i), -ie * ai * sj * u1);
        put(J, cell(n, m + j, i), -wj * aj * si * u1);
        put(J, cell(n, m + j, m + i), wj * ss);
      }
    }
    put(g, i, gi);
    put(h, i, hi);
  }
  for (let i = 0; i < m; i++) addOwnTerms(J, m, i, at(y + half, i), at(y, i), ie, at(g, i), at(h, i));
}

/** System jacobian (integrators/system.ts): the exact dense Jacobian at y. */
export function denseJacobian(sys: usize, y: usize): void {
  const S = params(sys);
  jacobianDense(S, y, dense(S).J);
}

/** System factor: x I − J by dense LU; false when singular. */
export function denseFactor(sys: usize, x: f64): bool {
  const S = params(sys);
  const D = dense(S);
  return luFactorShifted(D.J, x, D.LU, 2 * S.m, D.piv);
}

/** System solve: (x I − J) u = b in place on b with the last factorization. */
export function denseSolve(sys: usize, x: f64, b: usize): void {
  const S = params(sys);
  const D = dense(S);
  luSolve(D.LU, 2 * S.m, D.piv, b);
}
