import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { learningTimes, logLogFit, scalingExponent } from '../src/analysis/learning-times.js';
import { loadCore } from '../src/wasm/loader.js';

const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
const core = simd;

/** The formula the core replaced, with the engine's Math.log and Math.exp. */
const jsCrossing = (t0: number, r0: number, t1: number, r1: number, level: number) =>
  Math.exp(Math.log(t0) + ((r0 - level) / (r0 - r1)) * (Math.log(t1) - Math.log(t0)));

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
    const [t0, t1] = learningTimes(core, t, comp, initial, 0.1);
    // Exact crossings: e^{−t/τ0} = 0.1 ⇒ t = τ0 ln 10; 1/(1+t⁴) = 0.1 ⇒ t = 9^{1/4}.
    // The grid has ratio 10^0.1 between points: interpolation must do much better than that.
    expect(Math.abs(t0! / (tau0 * Math.log(10)) - 1)).toBeLessThan(0.05);
    expect(Math.abs(t1! / 9 ** 0.25 - 1)).toBeLessThan(0.03);
  });

  it('is exact, to rounding, where R is linear in log t: R = A − B ln t crosses θ·R(0) at exp((A − θ·R(0)) / B)', () => {
    // The interpolant is the curve itself, so the only error left is rounding: a few ulps of
    // t from the logarithms (|ln t| ≤ 12 here) and the exponential. Interpolating in t rather
    // than log t, or mixing up the ends, would be off by percents on this grid (ratio 10^0.25).
    const grid = Float64Array.from({ length: 41 }, (_, i) => 10 ** (-5 + i / 4));
    for (const [A, B] of [[1, 0.02], [0.3, 0.01], [5, 0.4]]) {
      const curve = grid.map((ti) => A - B * Math.log(ti));
      const r0 = A - B * Math.log(1e-6); // R(0) stand-in: the level is θ·initial
      for (const theta of [0.9, 0.75, 0.5]) {
        const level = theta * r0;
        const exact = Math.exp((A - level) / B);
        if (!(exact > grid[0] && exact < grid.at(-1)!)) continue;
        const [got] = learningTimes(core, grid, curve, Float64Array.of(r0), theta);
        expect(got, `A = ${A}, B = ${B}, θ = ${theta}`).not.toBeNull();
        expect(Math.abs(got! / exact - 1), `A = ${A}, B = ${B}, θ = ${theta}`).toBeLessThan(64 * Number.EPSILON);
      }
    }
  });

  it('returns the output time itself when the crossing falls on it, and the first output time when already below there', () => {
    const grid = Float64Array.of(0.5, 1, 2, 4);
    // R_0 reaches 0.1·1 exactly at t = 2; R_1 is below the level from the first output on.
    const comp2 = Float64Array.of(0.9, 0.05, 0.5, 0.04, 0.1, 0.03, 0.05, 0.02);
    expect(learningTimes(core, grid, comp2, Float64Array.of(1, 1), 0.1)).toEqual([2, 0.5]);
    // with an output at t = 0 (R(0) itself), a crossing at the next output is interpolated from 0: that time
    expect(learningTimes(core, Float64Array.of(0, 3), Float64Array.of(1, 0.01), Float64Array.of(1), 0.1)).toEqual([3]);
  });

  it('reports null when never reached and for a component that is zero from the start (nothing to learn)', () => {
    expect(learningTimes(core, t, comp, Float64Array.of(1, 1), 1e-30)[1]).toBeNull();
    const zero = new Float64Array(t.length * 2);
    expect(learningTimes(core, t, zero, Float64Array.of(0, 0), 0.1)).toEqual([null, null]);
  });
});

describe('logTimeCrossing (the core)', () => {
  const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  /** A segment with 0 < t0 < t1 and r0 > level ≥ r1, as learningTimes hands it over. */
  const segment = fc.tuple(finite(-12, 12), finite(1e-3, 6), finite(1e-300, 1e3), finite(0, 1), finite(0, 1))
    .map(([lt0, dl, r0, a, b]) => {
      const t0 = Math.exp(lt0);
      const t1 = t0 * Math.exp(dl);
      const r1 = r0 * Math.min(a, b);
      const level = r1 + (r0 - r1) * Math.max(a, b) * (1 - 1e-12);
      return [t0, r0, t1, r1, level] as const;
    })
    .filter(([t0, r0, t1, r1, level]) => t1 > t0 && r0 > level && level >= r1);

  it('stays in [t0, t1], agrees with the JavaScript formula to rounding, and gives the same bits in both builds', () => {
    fc.assert(fc.property(segment, (s) => {
      const got = core.exports.logTimeCrossing(...s);
      expect(got).toBeGreaterThanOrEqual(s[0]);
      expect(got).toBeLessThanOrEqual(s[2]);
      expect(scalar.exports.logTimeCrossing(...s)).toBe(got);
      // Both round ln t0 and ln t1 (≤ 1 ulp each), then exp of their combination: an error
      // of δ in the exponent's argument is a relative error δ in t, and δ is a few ulps of
      // |ln t0| + |ln t1|; measured over 2·10⁵ segments the largest was 1.09·ε·(2 + |ln t0| + |ln t1|).
      const js = Math.min(Math.max(jsCrossing(...s), s[0]), s[2]);
      const bound = 4 * Number.EPSILON * js * (2 + Math.abs(Math.log(s[0])) + Math.abs(Math.log(s[2])));
      expect(Math.abs(got - js), `${s.join(', ')}: ${got} vs ${js}`).toBeLessThanOrEqual(bound);
    }), { numRuns: 2000, seed: 7 });
  });

  it('returns t1 for a crossing exactly at t1, where exp(ln t1) need not be t1', () => {
    for (const t1 of [0.1, 3, 1e-7, 123.456]) {
      expect(core.exports.logTimeCrossing(t1 / 7, 1, t1, 0.25, 0.25)).toBe(t1);
    }
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
