// Quadrature rules for Gaussian expectations E[f(G)], G ~ N(0, 1).
//  - Gauss–Hermite for the probabilists' weight e^{−z²/2}/√(2π): nodes are the
//    eigenvalues of the Jacobi matrix (zero diagonal, off-diagonal √k) (Golub & Welsch
//    1969), found by implicit QL (EISPACK tql1, as in Numerical Recipes §11.3 tqli),
//    then polished by Newton on h_n; weights are Christoffel numbers 1/Σ_{k<n} h_k(x)².
//  - Gauss–Legendre on [−1, 1] by Newton from Tricomi's initial guesses, mapped onto
//    panels and multiplied by the Gaussian density: the split rule for kinked integrands.
import { INV_SQRT_2PI } from './erf';

const LN2: f64 = 0.6931471805599453;
const BIG: f64 = 1.157920892373162e77; // 2^256: rescale the recurrence above this
const SMALL: f64 = 8.636168555094445e-78; // 2^−256
const EPS: f64 = f64.EPSILON; // 2^−52
const MAX_QL_ITER: i32 = 60; // per eigenvalue; tql1 converges in ~2

/**
 * Runs the normalized recurrence to degree n at x, rescaling by 2^−256 to avoid overflow, and
 * returns the Newton step h_n / h_n′ = h_n / (√n h_{n−1}) (`newton`) or the Christoffel weight
 * 1/Σ_{k<n} h_k(x)² (both free of the rescaling).
 */
@inline function hermiteAt(x: f64, n: i32, newton: bool): f64 {
  let prev = 0.0;
  let cur = 1.0;
  let rk = 0.0; // √k
  let s = 0.0;
  let L = 0.0; // log of the scale taken out of cur and prev
  for (let k = 0; k < n; k++) {
    s += cur * cur;
    const rk1 = Math.sqrt(<f64>(k + 1));
    const next = (x * cur - rk * prev) / rk1;
    prev = cur;
    cur = next;
    rk = rk1;
    if (Math.abs(cur) > BIG) {
      prev *= SMALL;
      cur *= SMALL;
      s *= SMALL * SMALL;
      L += 256.0 * LN2;
    }
  }
  return newton ? cur / (Math.sqrt(<f64>n) * prev) : Math.exp(-2.0 * L) / s;
}

/** Eigenvalues of the symmetric tridiagonal matrix with diagonal d and off-diagonal e[0..n−2], into d. Returns false if QL fails. */
function tridiagonalEigenvalues(d: usize, e: usize, n: i32): bool {
  for (let l = 0; l < n; l++) {
    let iter = 0;
    while (true) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(load<f64>(d + (<usize>m << 3))) + Math.abs(load<f64>(d + (<usize>(m + 1) << 3)));
        if (Math.abs(load<f64>(e + (<usize>m << 3))) <= EPS * dd) break;
      }
      if (m == l) break;
      if (++iter > MAX_QL_ITER) return false;
      const dl = load<f64>(d + (<usize>l << 3));
      const el = load<f64>(e + (<usize>l << 3));
      let g = (load<f64>(d + (<usize>(l + 1) << 3)) - dl) / (2.0 * el);
      let r = Math.hypot(g, 1.0);
      g = load<f64>(d + (<usize>m << 3)) - dl + el / (g + (g >= 0 ? r : -r));
      let s = 1.0;
      let c = 1.0;
      let p = 0.0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const ei = load<f64>(e + (<usize>i << 3));
        const f = s * ei;
        const b = c * ei;
        r = Math.hypot(f, g);
        store<f64>(e + (<usize>(i + 1) << 3), r);
        if (r == 0.0) { // underflow: the matrix splits at i
          const q = d + (<usize>(i + 1) << 3);
          store<f64>(q, load<f64>(q) - p);
          store<f64>(e + (<usize>m << 3), 0.0);
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        const qi = d + (<usize>(i + 1) << 3);
        g = load<f64>(qi) - p;
        r = (load<f64>(d + (<usize>i << 3)) - g) * s + 2.0 * c * b;
        p = s * r;
        store<f64>(qi, g + p);
        g = c * r - b;
      }
      if (deflated) continue;
      store<f64>(d + (<usize>l << 3), load<f64>(d + (<usize>l << 3)) - p);
      store<f64>(e + (<usize>l << 3), g);
      store<f64>(e + (<usize>m << 3), 0.0);
    }
  }
  return true;
}

/** Sorts n doubles ascending in place (insertion sort: QL leaves them nearly ordered). */
function sortAscending(d: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = load<f64>(d + (<usize>i << 3));
    let j = i - 1;
    while (j >= 0 && load<f64>(d + (<usize>j << 3)) > v) {
      store<f64>(d + (<usize>(j + 1) << 3), load<f64>(d + (<usize>j << 3)));
      j--;
    }
    store<f64>(d + (<usize>(j + 1) << 3), v);
  }
}

/**
 * The n-node Gauss–Hermite rule for E[f(G)]: x ascending, w summing to 1, exact for
 * polynomials of degree ≤ 2n − 1. scratch: n doubles. Returns 0, or 1 if QL failed.
 * Weights below ~1e−308 (the outermost nodes of rules with n ≳ 700) underflow to 0.
 */
export function gaussHermite(n: i32, x: usize, w: usize, scratch: usize): i32 {
  for (let i = 0; i < n; i++) {
    store<f64>(x + (<usize>i << 3), 0.0);
    store<f64>(scratch + (<usize>i << 3), i < n - 1 ? Math.sqrt(<f64>(i + 1)) : 0.0);
  }
  if (!tridiagonalEigenvalues(x, scratch, n)) return 1;
  sortAscending(x, n);
  const half = n >> 1;
  for (let i = n - half; i < n; i++) { // positive nodes; the rule is symmetric
    const o = <usize>i << 3;
    let xi = 0.5 * (load<f64>(x + o) - load<f64>(x + (<usize>(n - 1 - i) << 3)));
    for (let it = 0; it < 5; it++) { // Newton on h_n, h_n′ = √n h_{n−1}
      const dx = hermiteAt(xi, n, true);
      xi -= dx;
      if (Math.abs(dx) <= 2.0 * EPS * xi) break;
    }
    const wi = hermiteAt(xi, n, false);
    store<f64>(x + o, xi);
    store<f64>(w + o, wi);
    store<f64>(x + (<usize>(n - 1 - i) << 3), -xi);
    store<f64>(w + (<usize>(n - 1 - i) << 3), wi);
  }
  if (n & 1) {
    store<f64>(x + (<usize>half << 3), 0.0);
    store<f64>(w + (<usize>half << 3), hermiteAt(0.0, n, false)); // |h_k(0)| ≤ 1: no rescaling, e^0 = 1
  }
  return 0;
}

/** The n-node Gauss–Legendre rule on [−1, 1] (weights sum to 2). */
export function gaussLegendre(n: i32, x: usize, w: usize): void {
  const half = (n + 1) >> 1;
  for (let i = 0; i < half; i++) {
    // Tricomi's guess for the i-th largest root of P_n (Abramowitz & Stegun 22.16.6)
    const th = Math.PI * (<f64>i + 0.75) / (<f64>n + 0.5);
    let xi = (1.0 - (<f64>n - 1.0) / (8.0 * <f64>n * <f64>n * <f64>n)) * Math.cos(th);
    let dp = 0.0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1.0;
      let p1 = xi;
      for (let j = 1; j < n; j++) { // (j+1) P_{j+1} = (2j+1) x P_j − j P_{j−1}
        const p2 = ((2.0 * <f64>j + 1.0) * xi * p1 - <f64>j * p0) / <f64>(j + 1);
        p0 = p1;
        p1 = p2;
      }
      dp = <f64>n * (xi * p1 - p0) / (xi * xi - 1.0); // P_n′
      const dx = p1 / dp;
      xi -= dx;
      if (Math.abs(dx) <= 2.0 * EPS) break;
    }
    const wi = 2.0 / ((1.0 - xi * xi) * dp * dp);
    store<f64>(x + (<usize>(n - 1 - i) << 3), xi);
    store<f64>(w + (<usize>(n - 1 - i) << 3), wi);
    store<f64>(x + (<usize>i << 3), -xi);
    store<f64>(w + (<usize>i << 3), wi);
  }
}

/**
 * A composite rule for E[f(G)] over [edges[0], edges[nEdges−1]]: the q-node reference
 * rule (rx, rw on [−1, 1]) on every panel [edges[j], edges[j+1]], weights multiplied by
 * the N(0,1) density. x, w: q·(nEdges − 1) doubles. Kinks of f belong among the edges.
 */
export function gaussianPanels(edges: usize, nEdges: i32, q: i32, rx: usize, rw: usize, x: usize, w: usize): void {
  let o: usize = 0;
  for (let j = 0; j + 1 < nEdges; j++) {
    const a = load<f64>(edges + (<usize>j << 3));
    const b = load<f64>(edges + (<usize>(j + 1) << 3));
    const mid = 0.5 * (a + b);
    const half = 0.5 * (b - a);
    for (let i = 0; i < q; i++) {
      const z = mid + half * load<f64>(rx + (<usize>i << 3));
      store<f64>(x + o, z);
      store<f64>(w + o, half * load<f64>(rw + (<usize>i << 3)) * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
      o += 8;
    }
  }
}
