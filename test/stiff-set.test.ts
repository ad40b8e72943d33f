// The integrators on the standard stiff test set (assembly/systems/, references in
// test/support/stiff-set.ts): agreement with the published reference solutions, the achieved
// error following rtol over four decades (tolerance proportionality), and fixed-step orders on a
// problem with an exact solution.
import { describe, expect, it } from 'vitest';
import type { MethodName } from '../src/solvers/integrator.js';
import { loadCore } from '../src/wasm/loader.js';
import { HIRES, protheroRobinson, ROBERTSON, runProblem, scaledError, slowCurve, VDP3, VDP6, type TestProblem } from './support/stiff-set.js';

const core = await loadCore('simd');

/** atol per the smallest component scale, so that rtol governs every component. */
const atolFor = (p: TestProblem, rtol: number) => rtol * Math.min(...p.scale) * 1e-2;

/** Least-squares slope and intercept of y against x. */
function fit(x: number[], y: number[]): { slope: number; intercept: number } {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
  return { slope, intercept: my - slope * mx };
}

const PR_STIFF = protheroRobinson(-1e6, 10);
const PR_MILD = protheroRobinson(-10, 10);

describe('stiff test set: agreement with the references', () => {
  // Every method where it is sensible: the explicit DP5 only where the stiffness leaves it a
  // bounded step count (HIRES ~1e4 steps, van der Pol μ = 1e3 ~1e6); on Robertson, μ = 1e6 and
  // λ = −1e6 it would need 1e7 steps or more.
  // BDF's bound on van der Pol μ = 1e3 is looser: its error estimate is local, and the global error
  // grows through each of the jumps (measured 20–60 rtol for rtol = 1e-5 … 1e-9, the one-step
  // methods 0.2–1 rtol).
  const cases: [TestProblem, MethodName, number][] = [
    [ROBERTSON, 'rodas4', 10], [HIRES, 'rodas4', 10], [VDP3, 'rodas4', 10], [VDP6, 'rodas4', 10], [PR_STIFF, 'rodas4', 10], [PR_MILD, 'rodas4', 10],
    [ROBERTSON, 'bdf', 10], [HIRES, 'bdf', 10], [VDP3, 'bdf', 100], [VDP6, 'bdf', 10], [PR_STIFF, 'bdf', 10], [PR_MILD, 'bdf', 10],
    [HIRES, 'dopri5', 10], [VDP3, 'dopri5', 10], [PR_MILD, 'dopri5', 10],
  ];
  it.each(cases.map(([p, m, b]) => [p.name, m, b, p] as const))('%s, %s: within %i rtol of the reference at rtol 1e-8', (_, method, bound, p) => {
    const rtol = 1e-8;
    const run = runProblem(core, p, method, rtol, atolFor(p, rtol));
    expect(scaledError(p, run.y)).toBeLessThan(bound * rtol);
    if (method !== 'dopri5') expect(run.stats.njev).toBeGreaterThan(0);
  });

  it('BDF reuses its Jacobian and factorization across steps, where RODAS4 takes one of each per step (HIRES)', () => {
    const bdf = runProblem(core, HIRES, 'bdf', 1e-8, atolFor(HIRES, 1e-8)).stats;
    const rodas = runProblem(core, HIRES, 'rodas4', 1e-8, atolFor(HIRES, 1e-8)).stats;
    expect(rodas.njev).toBe(rodas.steps);
    expect(bdf.njev).toBeLessThan(0.2 * bdf.steps);
    expect(bdf.nlu).toBeLessThan(0.3 * bdf.steps);
    expect(bdf.nfev).toBeLessThan(4 * bdf.steps);
  });

  it('RK4 with a fixed step agrees on the non-stiff problems (HIRES at h = T/40000, Prothero–Robinson λ = −10 at h = 1e-3)', () => {
    for (const [p, N, bound] of [[HIRES, 40000, 1e-9], [PR_MILD, 10000, 1e-10]] as const) {
      const run = runProblem(core, p, 'rk4', 1, 1, p.T / N, true);
      expect(Math.abs(run.stats.steps - N)).toBeLessThanOrEqual(1); // t = k·h rounds: at most a sliver of a step more
      expect(scaledError(p, run.y)).toBeLessThan(bound);
    }
  });

  it('the μ = 1e6 reference is the slow curve: it satisfies (1 − y1²) y1\' = y1 and sits before the jump', () => {
    const [y1, y2] = slowCurve(0.5);
    const h = 1e-6;
    const d = (slowCurve(0.5 + h)[0] - slowCurve(0.5 - h)[0]) / (2 * h);
    expect(Math.abs((1 - y1 * y1) * d - y1)).toBeLessThan(1e-8);
    expect(y1).toBeGreaterThan(1);
    expect(y2).toBeCloseTo(y1 / (1 - y1 * y1), 14);
  });
});

describe('stiff test set: tolerance proportionality', () => {
  // With local extrapolation (advance with order p, control the embedded order p − 1 estimate per
  // step) the global error is ∝ tol^{p/((p−1)+1)} = tol¹ for DP5 (5(4)) and RODAS4 (4(3))
  // (Hairer–Nørsett–Wanner I, §II.4); BDF controls C_{q+1} ∇^{q+1} y, the local error of its current
  // order q, with q chosen to maximise the step: again ∝ tol¹. Nine tolerances over four decades;
  // both the slope and the level are asserted. Measured: RODAS4 on van der Pol slope 0.98, fitted
  // error at rtol = 1e-7 0.89 rtol; DP5 on Prothero–Robinson 1.04 and 0.18 rtol; BDF on HIRES 0.96
  // and 1.5 rtol. With the error estimate scaled by 0.01 (tried once) they became 0.75 and 52 rtol,
  // 1.02 and 20 rtol, 1.02 and 350 rtol: all fail.
  const rtols = Array.from({ length: 9 }, (_, i) => 10 ** (-5 - i / 2));
  it.each([
    ['rodas4', VDP3], ['dopri5', PR_MILD], ['bdf', HIRES],
  ] as const)('%s: error ∝ rtol^1, at the level of rtol (%#)', (method, p) => {
    const errors = rtols.map((rtol) => scaledError(p, runProblem(core, p, method, rtol, atolFor(p, rtol)).y));
    const { slope, intercept } = fit(rtols.map(Math.log10), errors.map(Math.log10));
    expect(slope).toBeGreaterThan(0.85);
    expect(slope).toBeLessThan(1.2);
    const at7 = 10 ** (intercept - 7 * slope) / 1e-7; // fitted error at rtol = 1e-7, over rtol
    expect(at7).toBeGreaterThan(0.01);
    expect(at7).toBeLessThan(2);
  });
});

describe('stiff test set: fixed-step orders', () => {
  // Prothero–Robinson with λ = −2 is non-stiff at these steps (|hλ| ≤ 1): every method shows its
  // classical order. Least-squares slope of −log error against log N over four halvings of h.
  const pr = protheroRobinson(-2, 10);
  it.each([['rk4', 4], ['dopri5', 5], ['rodas4', 4]] as const)('%s converges at order %i', (method, order) => {
    const Ns = [20, 40, 80, 160, 320];
    const errors = Ns.map((N) => scaledError(pr, runProblem(core, pr, method, 1, 1, pr.T / N, true).y));
    const { slope } = fit(Ns.map(Math.log2), errors.map((e) => -Math.log2(e)));
    expect(slope).toBeGreaterThan(order - 0.4);
    expect(slope).toBeLessThan(order + 0.6);
  });
});
