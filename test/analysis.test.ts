import { describe, expect, it } from 'vitest';
import { learningTimes, logLogFit, scalingExponent } from '../src/analysis/learning-times.js';

describe('learning times', () => {
  // Two components: R_0 = e^{−t/τ0}, R_1 = ½ + ½ tanh-like drop at t ≈ 1 sampled on a log grid.
  const t = Float64Array.from({ length: 81 }, (_, i) => 10 ** (-4 + i / 10));
  const tau0 = 1e-2;
  const comp = new Float64Array(t.length * 2);
  t.forEach((ti, j) => {
    comp[2 * j] = Math.exp(-ti / tau0);
    comp[2 * j + 1] = 1 / (1 + (ti / 1) ** 4);
  });
  const initial = Float64Array.of(1, 1);

  it('finds the threshold crossing, interpolated in log t', () => {
    const [t0, t1] = learningTimes(t, comp, initial, 0.1);
    // Exact crossings: e^{−t/τ0} = 0.1 ⇒ t = τ0 ln 10; 1/(1+t⁴) = 0.1 ⇒ t = 9^{1/4}.
    // The grid has ratio 10^0.1 between points: interpolation must do much better than that.
    expect(Math.abs(t0! / (tau0 * Math.log(10)) - 1)).toBeLessThan(0.05);
    expect(Math.abs(t1! / 9 ** 0.25 - 1)).toBeLessThan(0.03);
  });

  it('reports null when never reached and for a component that is zero from the start (nothing to learn)', () => {
    expect(learningTimes(t, comp, Float64Array.of(1, 1), 1e-30)[1]).toBeNull();
    const zero = new Float64Array(t.length * 2);
    expect(learningTimes(t, zero, Float64Array.of(0, 0), 0.1)).toEqual([null, null]);
  });
});

describe('scaling exponents', () => {
  it('recovers a power law exactly and local slopes of a crossover', () => {
    const eps = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4];
    const fit = logLogFit(eps, eps.map((e) => 3 * e ** 0.25));
    expect(fit.slope).toBeCloseTo(0.25, 12);
    expect(Math.exp(fit.intercept)).toBeCloseTo(3, 10);
    // t = ε^{1/2} + ε: slope → 1/2 as ε → 0, larger where ε matters.
    const r = scalingExponent(eps.concat([1e-1]), eps.concat([1e-1]).map((e) => Math.sqrt(e) + e), 2);
    expect(r.fit!.slope).toBeCloseTo(0.5, 3);
    // Between ε = 1e-4 and 1e-1: log((0.1 + √0.1)/(1e-4 + 1e-2)) / log(1000) ≈ 0.538.
    expect(r.localSlopes.at(-1)!.slope).toBeCloseTo(Math.log((0.1 + Math.sqrt(0.1)) / (1e-4 + 1e-2)) / Math.log(1000), 12);
  });

  it('skips sweeps where the time was never reached', () => {
    const r = scalingExponent([1e-3, 1e-2, 1e-1], [null, 0.1, 1]);
    expect(r.localSlopes).toHaveLength(1);
    expect(r.localSlopes[0].slope).toBeCloseTo(1, 12);
  });
});
