// Dense LU factorization with partial pivoting, in place, row-major n×n, and the
// matching solve (Golub & Van Loan, Matrix Computations, Alg. 3.4.1). Used by the
// stiff integrator for the small systems it meets: the 2m×2m Newton matrix of a
// few neurons and the (K+1)×(K+1) capacitance matrix of the Woodbury solve.
import { axpy, dot } from './blas';

/** Factors A = P·L·U in place; piv[k] (i32) is the row swapped with row k. False when singular or non-finite. */
export function luFactor(A: usize, n: i32, piv: usize): bool {
  const row = <usize>n << 3;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(load<f64>(A + <usize>k * row + (<usize>k << 3)));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(load<f64>(A + <usize>i * row + (<usize>k << 3)));
      if (v > best) { best = v; p = i; }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (!(best > 0.0) || !isFinite(best)) return false;
    const rk = A + <usize>k * row;
    if (p != k) {
      const rp = A + <usize>p * row;
      for (let j = 0; j < n; j++) {
        const o = <usize>j << 3;
        const t = load<f64>(rk + o);
        store<f64>(rk + o, load<f64>(rp + o));
        store<f64>(rp + o, t);
      }
    }
    const pivot = load<f64>(rk + (<usize>k << 3));
    const tail = n - k - 1;
    const rkTail = rk + (<usize>(k + 1) << 3);
    for (let i = k + 1; i < n; i++) {
      const ri = A + <usize>i * row;
      const l = load<f64>(ri + (<usize>k << 3)) / pivot;
      store<f64>(ri + (<usize>k << 3), l);
      if (l != 0.0) axpy(-l, rkTail, ri + (<usize>(k + 1) << 3), tail);
    }
  }
  return true;
}

/** Solves A x = b in place on b with the factors from luFactor. */
export function luSolve(A: usize, n: i32, piv: usize, b: usize): void {
  const row = <usize>n << 3;
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) {
      const t = load<f64>(b + (<usize>k << 3));
      store<f64>(b + (<usize>k << 3), load<f64>(b + (<usize>p << 3)));
      store<f64>(b + (<usize>p << 3), t);
    }
  }
  for (let i = 1; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(b + o, load<f64>(b + o) - dot(A + <usize>i * row, b, i));
  }
  for (let i = n - 1; i >= 0; i--) {
    const o = <usize>i << 3;
    const ri = A + <usize>i * row;
    const s = load<f64>(b + o) - dot(ri + o + 8, b + o + 8, n - i - 1);
    store<f64>(b + o, s / load<f64>(ri + o));
  }
}
