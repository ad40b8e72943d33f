// The d→∞ flow's model: right-hand side against the gradient of an independently written risk,
// the two forms against each other, the exact Jacobian against finite differences, the Woodbury
// solve against dense LU, and the SIMD build against the scalar one.
import { describe, expect, it } from 'vitest';
import { prepareSystem, type MeanfieldProblem } from '../src/models/meanfield.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { normals, poly, reluCoefficients, reluU } from './support/network.js';

const core = await loadCore('simd');
const scalar = await loadCore('scalar');
const RELU = core.exports.KERNEL_RELU.value;
const ERF = core.exports.KERNEL_ERF.value;
/** σ(z) = erf(z/√2): U(ρ) = (2/π) arcsin(ρ/2) (MODEL.md §1) = ρ/π + ρ³/(24π) + …, so σ_1² = 1/π, σ_3² = 1/(24π). */
const erfU = (r: number) => (2 / Math.PI) * Math.asin(r / 2);
const ERF_SIGMA = [0, 1 / Math.sqrt(Math.PI), 0, -1 / Math.sqrt(24 * Math.PI)];

/** A random state: a ~ N(0,1), s uniform in (−smax, smax). */
function state(m: number, smax: number, seed: string): { a0: Float64Array; s0: Float64Array } {
  const g = normals(seed);
  const a0 = Float64Array.from({ length: m }, g);
  const s0 = Float64Array.from({ length: m }, () => smax * Math.tanh(g()));
  return { a0, s0 };
}

function problem(sigma: number[] | Float64Array, phi: number[] | Float64Array, m: number, epsilon: number,
  kernel: MeanfieldProblem['kernel'] = null, smax = 0.9): MeanfieldProblem {
  return { sigma: Float64Array.from(sigma), phi: Float64Array.from(phi), kernel, noise: 0, epsilon, degrees: 0, ...state(m, smax, `mf-${m}`) };
}

/** R_mf from its definition (MODEL.md §4) with U and V given as functions: independent of the Wasm code. */
function riskRef(p: MeanfieldProblem, U: (r: number) => number, y: Float64Array): number {
  const m = p.a0.length;
  const a = y.subarray(0, m);
  const s = y.subarray(m);
  const V = (x: number) => poly(p.phi.map((f, k) => f * p.sigma[k]), x);
  let r = 0.5 * p.phi.reduce((t, f) => t + f * f, 0);
  for (let i = 0; i < m; i++) {
    r -= (a[i] * V(s[i])) / m;
    for (let j = 0; j < m; j++) r += (a[i] * a[j] * U(s[i] * s[j])) / (2 * m * m);
  }
  return r;
}

function evalRhs(c: Core, p: MeanfieldProblem, form: 'kernel' | 'moment', y: Float64Array): Float64Array {
  return c.scoped(() => {
    const sys = prepareSystem(c, p, form, true);
    const yp = c.put(y);
    const dy = c.allocF64(y.length);
    c.exports.systemRhs(sys, yp, dy);
    return c.f64(dy, y.length).slice();
  });
}

const yOf = (p: MeanfieldProblem) => Float64Array.from([...p.a0, ...p.s0]);
const maxAbs = (v: ArrayLike<number>) => Math.max(...Array.from(v, Math.abs));
const relDiff = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  maxAbs(Array.from(x, (v, i) => v - y[i])) / maxAbs(y);

const POLY_SIGMA = [0.3, 0.8, 0.5, -0.25, 0.15];
const POLY_PHI = [0.5, 1, -0.7, 0.4, 0];
const polyU = (r: number) => poly(POLY_SIGMA.map((c) => c * c), r);

describe('mean-field right-hand side', () => {
  const cases: [string, MeanfieldProblem, (r: number) => number, 'kernel' | 'moment'][] = [
    ['polynomial σ, moment form', problem(POLY_SIGMA, POLY_PHI, 7, 0.3), polyU, 'moment'],
    ['polynomial σ, kernel form', problem(POLY_SIGMA, POLY_PHI, 7, 0.3), polyU, 'kernel'],
    ['ReLU closed-form kernel', problem(reluCoefficients(6), [1, 1, 1, 0, 0, 0, 0], 6, 0.05, { kind: RELU, gain: 1 }), reluU, 'kernel'],
    ['erf closed-form kernel', problem(ERF_SIGMA, [0.3, 1, 0, 0.5], 6, 0.05, { kind: ERF, gain: 1 }), erfU, 'kernel'],
  ];

  it.each(cases)('is −m ∂R/∂a / ε and −m (1 − s²) ∂R/∂s by finite differences (%s)', (_, p, U, form) => {
    const m = p.a0.length;
    const y = yOf(p);
    const f = evalRhs(core, p, form, y);
    const grad = Float64Array.from(y, (_, i) => {
      const h = 1e-5;
      const up = y.slice(); up[i] += h;
      const dn = y.slice(); dn[i] -= h;
      return (riskRef(p, U, up) - riskRef(p, U, dn)) / (2 * h);
    });
    const expected = Float64Array.from(grad, (g, i) => (i < m ? -m * g / p.epsilon : -m * (1 - y[i] ** 2) * g));
    expect(relDiff(f, expected)).toBeLessThan(1e-8);
  });

  it.each(cases)('reports R_mf equal to its definition (%s)', (_, p, U, form) => {
    const y = yOf(p);
    const risk = core.scoped(() => core.exports.meanfieldRisk(prepareSystem(core, p, form, false), core.put(y), core.allocF64(p.sigma.length)));
    expect(Math.abs(risk - riskRef(p, U, y))).toBeLessThan(1e-13);
  });

  it('agrees in both forms: polynomial σ exactly, closed-form ReLU (K = 2) with its series to K = 200', () => {
    const p = problem(POLY_SIGMA, POLY_PHI, 9, 0.01);
    expect(relDiff(evalRhs(core, p, 'moment', yOf(p)), evalRhs(core, p, 'kernel', yOf(p)))).toBeLessThan(1e-13);
    // |s| < 0.95, so |ρ| < 0.9: the ReLU series beyond degree 200 sums to < 1e-15 there, and both
    // branches of the kernel form's tail (its own series for |ρ| ≤ ½, closed form minus head above) are used.
    const phi = new Float64Array(201); phi.set([1, 1, 1]);
    const series = problem(reluCoefficients(200), phi, 9, 0.01, null, 0.95);
    const closed = { ...series, sigma: reluCoefficients(2), phi: phi.slice(0, 3), kernel: { kind: RELU, gain: 1 } };
    expect(Math.max(...series.s0.map(Math.abs))).toBeGreaterThan(0.75);
    expect(relDiff(evalRhs(core, closed, 'kernel', yOf(closed)), evalRhs(core, series, 'moment', yOf(series)))).toBeLessThan(1e-12);
  });

  it('cuts the kernel form\'s series where the neglected tails of U and s·U\' are within 1e-17, whatever the history', () => {
    // Taylor coefficients of U summed term by term, independently of the Wasm recurrences: ReLU σ_k²
    // (MODEL.md §1) to k = 160 and (2/π) arcsin(ρ/2) = (2/π) Σ_n C(2n,n)/4^n (ρ/2)^{2n+1}/(2n+1) to the
    // same degree; beyond it, with r ≤ ½, both tails are below 160·2^{−159}, far under the tolerance.
    const N = 160;
    const relu = Array.from(reluCoefficients(N), (c) => c * c);
    const erf = new Array<number>(N + 1).fill(0);
    for (let n = 0, b = 1; 2 * n + 1 <= N; n++, b *= (2 * n - 1) / (2 * n)) erf[2 * n + 1] = (2 / Math.PI) * b / ((2 * n + 1) * 2 ** (2 * n + 1));
    const order = [0.9, 0.05, 0.41, 0.7, 0.2, 0.6, 0.45, 0.01];
    for (const [kind, U, sigma] of [[RELU, relu, reluCoefficients(2)], [ERF, erf, ERF_SIGMA]] as const) {
      for (const gain of [1, 3]) {
        const p = problem(sigma, [0.2, 1, 0.5, 0].slice(0, sigma.length), 10, 1e-6, { kind, gain }, 0.01);
        const at = (smax: number) => { const y = yOf(p); y.fill(0.001, 10); y[13] = -smax; return y; };
        const degree = (c: Core, smaxes: number[]) => c.scoped(() => {
          const sys = prepareSystem(c, p, 'kernel', true);
          return smaxes.map((smax) => c.exports.meanfieldSeriesDegree(sys, c.put(at(smax))));
        });
        const fresh = order.map((smax) => degree(core, [smax])[0]);
        expect(degree(core, order)).toEqual(fresh); // one system, states in a scrambled order
        expect(degree(scalar, order)).toEqual(fresh);
        order.forEach((smax, i) => {
          const d = fresh[i];
          const r = Math.min(smax * smax, 0.5);
          let t0 = 0;
          let t1 = 0;
          for (let k = d + 1; k <= N; k++) {
            t0 += gain * U[k] * r ** k;
            t1 += gain * smax * k * U[k] * r ** (k - 1);
          }
          expect(t0).toBeLessThanOrEqual(1e-17);
          expect(t1).toBeLessThanOrEqual(1e-17);
          expect(d).toBeGreaterThanOrEqual(sigma.length - 1);
        });
      }
    }
    // Tighter than the earlier |U_k| ≤ 1 bound, which took degree 22 at max s² = 0.17 (ReLU, gain 1).
    const p = problem(reluCoefficients(2), [1, 1, 1], 10, 1e-6, { kind: RELU, gain: 1 }, 0.01);
    const y = yOf(p); y[12] = Math.sqrt(0.17);
    expect(core.scoped(() => core.exports.meanfieldSeriesDegree(prepareSystem(core, p, 'kernel', true), core.put(y)))).toBe(18);
  });

  it('gives the same values in the SIMD and scalar builds', () => {
    const p = problem(reluCoefficients(12), [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 101, 1e-6);
    for (const form of ['moment', 'kernel'] as const) {
      expect(relDiff(evalRhs(scalar, p, form, yOf(p)), evalRhs(core, p, form, yOf(p)))).toBeLessThan(1e-13);
    }
  });
});

describe('mean-field Jacobian and linear solves', () => {
  function jacobian(p: MeanfieldProblem, form: 'kernel' | 'moment', y: Float64Array): Float64Array {
    const n = y.length;
    return core.scoped(() => {
      const J = core.allocF64(n * n);
      core.exports.meanfieldJacobianDense(prepareSystem(core, p, form, true), core.put(y), J);
      return core.f64(J, n * n).slice();
    });
  }

  it.each([
    ['moment form', problem(POLY_SIGMA, POLY_PHI, 5, 0.02), 'moment'],
    ['ReLU kernel form', problem(reluCoefficients(4), [1, 1, 1, 0, 0], 5, 0.02, { kind: RELU, gain: 1 }), 'kernel'],
  ] as const)('is exact: matches central differences of the right-hand side (%s)', (_, p, form) => {
    const y = yOf(p);
    const n = y.length;
    const J = jacobian(p, form, y);
    for (let j = 0; j < n; j++) {
      const h = 1e-6;
      const up = y.slice(); up[j] += h;
      const dn = y.slice(); dn[j] -= h;
      const fu = evalRhs(core, p, form, up);
      const fd = evalRhs(core, p, form, dn);
      const col = Float64Array.from(fu, (v, i) => (v - fd[i]) / (2 * h));
      const got = Float64Array.from(col, (_, i) => J[i * n + j]);
      expect(maxAbs(got.map((v, i) => v - col[i]))).toBeLessThan(1e-6 * Math.max(1, maxAbs(col)));
    }
  });

  /**
   * x (1 + 1e-9) for the x at which neuron 0's own 2×2 block of x I − J (without the rank-(K+1)
   * coupling), [[x, −P'(s)/ε], [−(1−s²)P'(s), x − d]] with d = −2 s a P'(s) + (1−s²) a P''(s), is
   * singular: there the Woodbury formula cancels badly (errors ~5e-9 unrefined) and must refine.
   */
  function nearlySingular(p: MeanfieldProblem, y: Float64Array): number {
    const m = p.a0.length;
    const c = p.sigma.map((sk, k) => sk * (p.phi[k] - sk * p.a0.reduce((t, a, i) => t + a * p.s0[i] ** k, 0) / m));
    const [a, s] = [y[0], y[m]];
    const P1 = c.reduce((t, ck, k) => t + (k >= 1 ? k * ck * s ** (k - 1) : 0), 0);
    const P2 = c.reduce((t, ck, k) => t + (k >= 2 ? k * (k - 1) * ck * s ** (k - 2) : 0), 0);
    const d = -2 * s * a * P1 + (1 - s * s) * a * P2;
    return 0.5 * (d + Math.sqrt(d * d + (4 * (1 - s * s) * P1 * P1) / p.epsilon)) * (1 + 1e-9);
  }

  it.each([1e-2, 1e-12])('solves (x I − J) u = b by Woodbury as dense LU does, at ε = %s, also next to a singular block', (epsilon) => {
    const phi = new Float64Array(9); phi.set([1, 1, 1]);
    const p = problem(reluCoefficients(8), phi, 40, epsilon);
    const y = yOf(p);
    const n = y.length;
    const b = Float64Array.from({ length: n }, normals('b'));
    for (const x of [1 / (0.25 * 1e-3), nearlySingular(p, y)]) {
      const solve = (dense: boolean) => core.scoped(() => {
        const sys = prepareSystem(core, p, 'moment', dense);
        core.exports.systemJacobian(sys, core.put(y));
        expect(core.exports.systemFactor(sys, x)).toBeTruthy();
        const u = core.put(b);
        core.exports.systemSolve(sys, x, u);
        return core.f64(u, n).slice();
      });
      const dense = solve(true);
      expect(relDiff(solve(false), dense)).toBeLessThan(5e-10);
      // and the dense solution satisfies the system built from the independent-checked Jacobian
      const J = jacobian(p, 'moment', y);
      const residual = Float64Array.from(b, (bi, i) => {
        let s = x * dense[i] - bi;
        for (let j = 0; j < n; j++) s -= J[i * n + j] * dense[j];
        return s;
      });
      expect(maxAbs(residual)).toBeLessThan(1e-12 * (x * maxAbs(dense) + maxAbs(J) * maxAbs(dense) * n));
    }
  });

  it.each([1e-2, 1e-12])('takes the kernel form\'s Jacobian to Woodbury where no pair needs the remainder, and solves exactly there (ReLU, m = 30, ε = %s)', (epsilon) => {
    const x = core.exports;
    const phi = [1, 1, 1];
    for (const [smax, part] of [[0.3, x.LINEAR_WOODBURY.value], [0.95, x.LINEAR_DENSE.value]] as const) {
      const p = problem(reluCoefficients(2), phi, 30, epsilon, { kind: RELU, gain: 1 }, smax);
      const y = yOf(p);
      const n = y.length;
      const b = Float64Array.from({ length: n }, normals('kb'));
      const J = jacobian(p, 'kernel', y);
      for (const shift of [1 / (0.25 * 1e-3), 1 / (0.25 * 10)]) {
        const u = core.scoped(() => {
          const sys = prepareSystem(core, p, 'kernel', true);
          x.systemJacobian(sys, core.put(y));
          expect(x.meanfieldLinear(sys)).toBe(part);
          expect(x.systemFactor(sys, shift)).toBeTruthy();
          const v = core.put(b);
          x.systemSolve(sys, shift, v);
          return core.f64(v, n).slice();
        });
        // the residual against the exact dense Jacobian (checked by finite differences above)
        const residual = Float64Array.from(b, (bi, i) => {
          let s = shift * u[i] - bi;
          for (let j = 0; j < n; j++) s -= J[i * n + j] * u[j];
          return s;
        });
        expect(maxAbs(residual)).toBeLessThan(1e-12 * (shift * maxAbs(u) + maxAbs(J) * maxAbs(u) * n));
      }
    }
  });
});
