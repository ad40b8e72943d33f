// Dense LU factorization with partial pivoting, in place, column-major n×n (entry (i, j) at
// A[j n + i]), and the matching solve (Golub & Van Loan, Matrix Computations, Alg. 3.4.1, in its
// column-oriented "gaxpy" form, as LAPACK's dgetf2/dgetrs). Used by the stiff integrator for the
// small systems it meets: the 2m×2m matrix x I − J of a few neurons (six solves per factorization)
// and the (K+1)×(K+1) capacitance matrix of the Woodbury solve.
// Why columns: every inner loop then runs down a contiguous column — the pivot search, the
// elimination and both triangular sweeps, which become axpys whose only dependency chain is one
// multiply-add per row, where dot products by rows wait on a horizontal sum each. At these sizes
// the loops are short, so their overhead is cut by doing four columns per pass (panels of four in
// the factorization, four sweep steps per pass over b in the solve). U's diagonal is stored as its
// reciprocals so that nothing divides in the sweeps (dgetf2 likewise scales the column by the
// reciprocal pivot). Both builds do the same operations in the same order, so they agree bit for bit.

/**
 * y[j] −= alpha x[j] for from ≤ j < to. The pairs start at even j whatever `from` is, so a sweep
 * that revisits y with `from` one higher reloads exactly the pairs it stored (store-to-load
 * forwarding stays intact; straddling pairs would stall on every step of the sweep).
 */
@inline function subScaled(alpha: f64, x: usize, y: usize, from: i32, to: i32): void {
  let j = from;
  if (ASC_FEATURE_SIMD) {
    if ((j & 1) != 0 && j < to) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) - alpha * load<f64>(x + o));
      j++;
    }
    const va = f64x2.splat(alpha);
    for (; j + 2 <= to; j += 2) {
      const o = <usize>j << 3;
      v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
    }
  }
  for (; j < to; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) - alpha * load<f64>(x + o));
  }
}

/** y[j] −= a0 x0[j], then −= a1 x1[j], for from ≤ j < to: two sweep steps per pass over y (pairs as in subScaled). */
@inline function subScaledTwo(a0: f64, x0: usize, a1: f64, x1: usize, y: usize, from: i32, to: i32): void {
  let j = from;
  if (ASC_FEATURE_SIMD) {
    if ((j & 1) != 0 && j < to) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) - a0 * load<f64>(x0 + o) - a1 * load<f64>(x1 + o));
      j++;
    }
    const v0 = f64x2.splat(a0);
    const v1 = f64x2.splat(a1);
    for (; j + 2 <= to; j += 2) {
      const o = <usize>j << 3;
      const t = f64x2.sub(v128.load(y + o), f64x2.mul(v0, v128.load(x0 + o)));
      v128.store(y + o, f64x2.sub(t, f64x2.mul(v1, v128.load(x1 + o))));
    }
  }
  for (; j < to; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) - a0 * load<f64>(x0 + o) - a1 * load<f64>(x1 + o));
  }
}

/** y[j] −= a0 x0[j], a1 x1[j], a2 x2[j], a3 x3[j] in turn, for from ≤ j < to: four sweep steps per pass over y. */
@inline function subScaledFour(a0: f64, x0: usize, a1: f64, x1: usize, a2: f64, x2: usize, a3: f64, x3: usize,
  y: usize, from: i32, to: i32): void {
  let j = from;
  if (ASC_FEATURE_SIMD) {
    if ((j & 1) != 0 && j < to) {
      const o = <usize>j << 3;
      store<f64>(y + o, load<f64>(y + o) - a0 * load<f64>(x0 + o) - a1 * load<f64>(x1 + o)
        - a2 * load<f64>(x2 + o) - a3 * load<f64>(x3 + o));
      j++;
    }
    const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1), v2 = f64x2.splat(a2), v3 = f64x2.splat(a3);
    for (; j + 2 <= to; j += 2) {
      const o = <usize>j << 3;
      let t = f64x2.sub(v128.load(y + o), f64x2.mul(v0, v128.load(x0 + o)));
      t = f64x2.sub(t, f64x2.mul(v1, v128.load(x1 + o)));
      t = f64x2.sub(t, f64x2.mul(v2, v128.load(x2 + o)));
      v128.store(y + o, f64x2.sub(t, f64x2.mul(v3, v128.load(x3 + o))));
    }
  }
  for (; j < to; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) - a0 * load<f64>(x0 + o) - a1 * load<f64>(x1 + o)
      - a2 * load<f64>(x2 + o) - a3 * load<f64>(x3 + o));
  }
}

/**
 * Step k of the elimination on column k, already updated by columns 0..k−1: picks the pivot
 * (largest |a_ik|, i ≥ k), swaps its row with row k across all columns, stores 1/a_kk on the
 * diagonal and the multipliers a_ik/a_kk below it. False when the pivot is zero or non-finite.
 */
@inline function pivotColumn(A: usize, n: i32, piv: usize, k: i32): bool {
  const col = <usize>n << 3;
  const ok = <usize>k << 3;
  const ck = A + <usize>k * col;
  let p = k;
  let best = Math.abs(load<f64>(ck + ok));
  if (ASC_FEATURE_SIMD) {
    // The largest |a_ik| two lanes at a time (pmax, like `v > best`, passes over NaN), then the
    // first row holding it: the row the scalar loop below picks, without its serial chain.
    let i = k + 1;
    let acc = f64x2.splat(best);
    for (; i + 2 <= n; i += 2) acc = f64x2.pmax(acc, f64x2.abs(v128.load(ck + (<usize>i << 3))));
    for (; i < n; i++) acc = f64x2.pmax(acc, f64x2.splat(Math.abs(load<f64>(ck + (<usize>i << 3)))));
    const hi = f64x2.extract_lane(acc, 1);
    best = select<f64>(hi, f64x2.extract_lane(acc, 0), hi > f64x2.extract_lane(acc, 0));
    if (!(Math.abs(load<f64>(ck + ok)) == best)) {
      p = k + 1;
      while (p < n && !(Math.abs(load<f64>(ck + (<usize>p << 3))) == best)) p++;
      if (p == n) p = k; // best is NaN (a_kk is): refused below
    }
  } else {
    for (let i = k + 1; i < n; i++) { // branch-free: which row wins is data, not a pattern to predict
      const v = Math.abs(load<f64>(ck + (<usize>i << 3)));
      const more = v > best;
      p = select<i32>(i, p, more);
      best = select<f64>(v, best, more);
    }
  }
  store<i32>(piv + (<usize>k << 2), p);
  if (!(best > 0.0) || !isFinite(best)) return false;
  if (p != k) {
    const op = <usize>p << 3;
    for (let j = 0; j < n; j++) {
      const cj = A + <usize>j * col;
      const t = load<f64>(cj + ok);
      store<f64>(cj + ok, load<f64>(cj + op));
      store<f64>(cj + op, t);
    }
  }
  const inv = 1.0 / load<f64>(ck + ok);
  store<f64>(ck + ok, inv);
  let i = k + 1;
  if (ASC_FEATURE_SIMD) {
    if ((i & 1) != 0 && i < n) {
      store<f64>(ck + (<usize>i << 3), load<f64>(ck + (<usize>i << 3)) * inv);
      i++;
    }
    const vi = f64x2.splat(inv);
    for (; i + 2 <= n; i += 2) {
      const o = ck + (<usize>i << 3);
      v128.store(o, f64x2.mul(v128.load(o), vi));
    }
  }
  for (; i < n; i++) {
    const o = ck + (<usize>i << 3);
    store<f64>(o, load<f64>(o) * inv);
  }
  return true;
}

/**
 * Factors A = P·L·U in place (column-major); piv[k] (i32) is the row swapped with row k. U's
 * diagonal is replaced by its reciprocals (luSolve multiplies by them). False when singular or
 * non-finite. Columns go in panels of four: each panel column is first brought up to date by the
 * panel columns before it, then pivoted; the columns right of the panel then take all four
 * updates in one pass. Every entry sees the same operations in the same order as eliminating one
 * column at a time (a row swap moves a row together with its multipliers, so it may come before
 * or after the row's pending updates).
 */
export function luFactor(A: usize, n: i32, piv: usize): bool {
  const col = <usize>n << 3;
  let k = 0;
  while (k < n) {
    const w = min(4, n - k);
    for (let c = k; c < k + w; c++) {
      const cc = A + <usize>c * col;
      for (let t = k; t < c; t++) subScaled(load<f64>(cc + (<usize>t << 3)), A + <usize>t * col, cc, t + 1, n);
      if (!pivotColumn(A, n, piv, c)) return false;
    }
    if (w == 4) {
      const c0 = A + <usize>k * col, c1 = c0 + col, c2 = c1 + col, c3 = c2 + col;
      const o0 = <usize>k << 3, o1 = o0 + 8, o2 = o1 + 8, o3 = o2 + 8;
      const l10 = load<f64>(c0 + o1), l20 = load<f64>(c0 + o2), l30 = load<f64>(c0 + o3);
      const l21 = load<f64>(c1 + o2), l31 = load<f64>(c1 + o3), l32 = load<f64>(c2 + o3);
      for (let j = k + 4; j < n; j++) {
        const cj = A + <usize>j * col;
        const u0 = load<f64>(cj + o0);
        const u1 = load<f64>(cj + o1) - l10 * u0;
        const u2 = load<f64>(cj + o2) - l20 * u0 - l21 * u1;
        const u3 = load<f64>(cj + o3) - l30 * u0 - l31 * u1 - l32 * u2;
        store<f64>(cj + o1, u1);
        store<f64>(cj + o2, u2);
        store<f64>(cj + o3, u3);
        subScaledFour(u0, c0, u1, c1, u2, c2, u3, c3, cj, k + 4, n);
      }
    }
    k += w;
  }
  return true;
}

/** Solves A x = b in place on b with the factors from luFactor. */
export function luSolve(A: usize, n: i32, piv: usize, b: usize): void {
  const col = <usize>n << 3;
  for (let k = 0; k < n; k++) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p != k) {
      const t = load<f64>(b + (<usize>k << 3));
      store<f64>(b + (<usize>k << 3), load<f64>(b + (<usize>p << 3)));
      store<f64>(b + (<usize>p << 3), t);
    }
  }
  // L y = P b: after y_k is final, the rows below it lose l_ik y_k; four k per pass, then two.
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const c0 = A + <usize>k * col, c1 = c0 + col, c2 = c1 + col, c3 = c2 + col;
    const o1 = <usize>(k + 1) << 3, o2 = o1 + 8, o3 = o2 + 8;
    const y0 = load<f64>(b + (<usize>k << 3));
    const y1 = load<f64>(b + o1) - y0 * load<f64>(c0 + o1);
    const y2 = load<f64>(b + o2) - y0 * load<f64>(c0 + o2) - y1 * load<f64>(c1 + o2);
    const y3 = load<f64>(b + o3) - y0 * load<f64>(c0 + o3) - y1 * load<f64>(c1 + o3) - y2 * load<f64>(c2 + o3);
    store<f64>(b + o1, y1);
    store<f64>(b + o2, y2);
    store<f64>(b + o3, y3);
    subScaledFour(y0, c0, y1, c1, y2, c2, y3, c3, b, k + 4, n);
  }
  for (; k + 2 <= n; k += 2) {
    const c0 = A + <usize>k * col;
    const c1 = c0 + col;
    const o1 = <usize>(k + 1) << 3;
    const y0 = load<f64>(b + (<usize>k << 3));
    const y1 = load<f64>(b + o1) - y0 * load<f64>(c0 + o1);
    store<f64>(b + o1, y1);
    subScaledTwo(y0, c0, y1, c1, b, k + 2, n);
  }
  // U x = y: x_k = y_k / u_kk, then the rows above it lose u_ik x_k; four k per pass, then one.
  k = n - 1;
  for (; k >= 3; k -= 4) {
    const c3 = A + <usize>k * col, c2 = c3 - col, c1 = c2 - col, c0 = c1 - col;
    const o3 = <usize>k << 3, o2 = o3 - 8, o1 = o2 - 8, o0 = o1 - 8;
    const x3 = load<f64>(b + o3) * load<f64>(c3 + o3);
    const x2 = (load<f64>(b + o2) - x3 * load<f64>(c3 + o2)) * load<f64>(c2 + o2);
    const x1 = (load<f64>(b + o1) - x3 * load<f64>(c3 + o1) - x2 * load<f64>(c2 + o1)) * load<f64>(c1 + o1);
    const x0 = (load<f64>(b + o0) - x3 * load<f64>(c3 + o0) - x2 * load<f64>(c2 + o0) - x1 * load<f64>(c1 + o0))
      * load<f64>(c0 + o0);
    store<f64>(b + o3, x3);
    store<f64>(b + o2, x2);
    store<f64>(b + o1, x1);
    store<f64>(b + o0, x0);
    subScaledFour(x3, c3, x2, c2, x1, c1, x0, c0, b, 0, k - 3);
  }
  for (; k >= 0; k--) {
    const ok = <usize>k << 3;
    const ck = A + <usize>k * col;
    const xk = load<f64>(b + ok) * load<f64>(ck + ok);
    store<f64>(b + ok, xk);
    subScaled(xk, ck, b, 0, k);
  }
}

/**
 * Factors A = x I − J (both column-major n×n; J is left as it is) with luFactor: the matrix of a
 * stiff method's stage equations, from the Jacobian J and x = 1/(γh). False when singular.
 */
export function luFactorShifted(J: usize, x: f64, A: usize, n: i32, piv: usize): bool {
  const nn = n * n;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= nn; i += 2) v128.store(A + (<usize>i << 3), f64x2.neg(v128.load(J + (<usize>i << 3))));
  }
  for (; i < nn; i++) store<f64>(A + (<usize>i << 3), -load<f64>(J + (<usize>i << 3)));
  for (i = 0; i < n; i++) {
    const d = A + (<usize>(i * n + i) << 3);
    store<f64>(d, load<f64>(d) + x);
  }
  return luFactor(A, n, piv);
}
