// The statements of docs/fidelity.md (src/analysis/fidelity.ts), computed on shorter runs,
// each within its stated tolerance; and the theory block's rules on inputs made to break them.
import { describe, expect, it } from 'vitest';
import { extrapolateInM } from '../src/analysis/extrapolate.js';
import { fidelityStatements } from '../src/analysis/fidelity.js';
import { logCorrectedFit } from '../src/analysis/learning-times.js';
import { departures, measurePlateaus, predictTheory, type TheoryInput } from '../src/analysis/theory.js';
import { quantiles } from '../src/models/init.js';
import { loadCore } from '../src/wasm/loader.js';

const core = await loadCore();

describe('docs/fidelity.md statements (quick runs)', async () => {
  const data = await fidelityStatements(core, 'quick');
  it.each(data.statements.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    expect(s.ok, `predicted ${s.predicted}, measured ${s.measured} (${s.tolerance})`).toBe(true);
  });
  it('covers the statements the theory page promises', () => {
    const names = data.statements.map((s) => s.name).join('\n');
    for (const key of ['parity zeros of erf', 'no constant learning time', 'plateaus: ReLU', 'plateaus: gelu(z + 0.5), φ = h_0 + h_1 + h_3',
      'plateaus: tanh, φ = h_0 + h_1 + h_2 + h_3', 'plateaus: tanh, φ = h_0 + h_1 + h_2 − h_3', 'plateaus: erf', 'B fitted', 'm = ∞']) {
      expect(names).toContain(key);
    }
    expect(data.statements.filter((s) => s.name.startsWith('B fitted'))).toHaveLength(3);
  });
});

const base = (over: Partial<TheoryInput>): TheoryInput => ({
  sigma: Float64Array.of(0.4, 0.5, 0.3, -0.1), phi: Float64Array.of(1, 1, 1, 1), phiNorm2: 4, sigmaZeros: [], sigmaUnresolved: [],
  noise: 0, a0: Float64Array.of(1, -1, 0.5), s0: new Float64Array(3), degrees: 3, threshold: 0.1, ...over,
});

describe('predictTheory', () => {
  it('gives plateaus ½ Σ_{j>k} φ_j² plus ½τ², and a zero floor when every degree is learnable', () => {
    const th = predictTheory(base({ sigma: Float64Array.of(0.4, 0.5, 0.3, 0.1), noise: 0.2 }));
    expect(th.plateaus).toEqual([1.5 + 0.02, 1 + 0.02, 0.5 + 0.02, 0.02].map((x) => expect.closeTo(x, 14)));
    expect(th.floor).toBeCloseTo(0.02, 14);
    expect(th.unlearnable).toEqual([]);
    expect(th.exponents).toEqual([1, 0.5, 0.25, 1 / 6]);
  });

  it('keeps the target beyond the truncation on every plateau', () => {
    expect(predictTheory(base({ phiNorm2: 5, sigma: Float64Array.of(0.4, 0.5, 0.3, 0.1) })).plateaus[3]).toBeCloseTo(0.5, 14);
  });

  it('cannot learn a degree with σ_k = 0, and says why', () => {
    const th = predictTheory(base({ sigma: Float64Array.of(0.4, 0.5, 0.3, 0), sigmaZeros: [3] }));
    expect(th.unlearnable.map((u) => u.k)).toEqual([3]);
    expect(th.unlearnable[0].reason).toMatch(/parity/);
    expect(th.floor).toBe(0.5);
    expect(th.exponents[3]).toBeNull();
  });

  it('freezes every degree ≥ 1 when σ_1 φ_1 = 0 and s(0) = 0, but not from s(0) ≠ 0', () => {
    const th = predictTheory(base({ phi: Float64Array.of(1, 0, 1, 1), phiNorm2: 3 }));
    expect(th.unlearnable.map((u) => u.k)).toEqual([2, 3]);
    expect(th.unlearnable[0].reason).toMatch(/never move/);
    expect(th.floor).toBe(1);
    const moved = predictTheory(base({ phi: Float64Array.of(1, 0, 1, 1), phiNorm2: 3, s0: Float64Array.of(0.1, 0, 0) }));
    expect(moved.unlearnable).toEqual([]);
  });

  it('applies the sign condition to an odd degree after a gap, by the sign of σ_1 φ_1 σ_3 φ_3', () => {
    const gap = { sigma: Float64Array.of(0, 0.6, 0, -0.15) };
    expect(predictTheory(base({ ...gap })).unlearnable.map((u) => u.k)).toEqual([0, 2, 3]);
    expect(predictTheory(base({ ...gap, phi: Float64Array.of(1, 1, 1, -1) })).unlearnable.map((u) => u.k)).toEqual([0, 2]);
    expect(predictTheory(base({ ...gap, phi: Float64Array.of(1, 1, 1, -1) })).exponents[3]).toBe(0);
    // with degree 2 present and learnable, no gap: the rule does not apply
    expect(predictTheory(base({ sigma: Float64Array.of(0.4, 0.6, 0.3, -0.15) })).unlearnable).toEqual([]);
  });

  it('gives the closed forms of t_0 and t_1 (theory.md §4–5)', () => {
    const th = predictTheory(base({}));
    expect(th.timeScales.t0!.c).toBeCloseTo(Math.log(10) / (2 * 0.16), 12);
    const V = ((1 - 1 / 6) ** 2 + (-1 - 1 / 6) ** 2 + (0.5 - 1 / 6) ** 2) / 3; // variance of a(0): σ_0 ≠ 0
    expect(th.timeScales.t1!.B).toBeCloseTo(1 / (4 * 0.5), 14);
    const rt = Math.sqrt(0.1);
    expect(th.timeScales.t1!.A).toBeCloseTo((Math.log((4 * 2) / V) + Math.log((1 - rt) / rt)) / (2 * 0.5), 12);
    const odd = predictTheory(base({ sigma: Float64Array.of(0, 0.5, 0, -0.1) })); // σ_0 = 0: second moment
    expect(odd.timeScales.t1!.A).toBeCloseTo((Math.log((4 * 2) / (2.25 / 3)) + Math.log((1 - rt) / rt)) / (2 * 0.5), 12);
    expect(odd.timeScales.t0).toBeNull();
  });
});

describe('measured plateaus and departures', () => {
  it('reads the flattest risk between learning times, and the note names a plateau that is off', () => {
    const t = Float64Array.from({ length: 61 }, (_, j) => 10 ** (-3 + j / 10));
    // drops at t = 1e-2 and t = 10: 2 → 1 → 0.25
    const risk = t.map((x) => 0.25 + 0.75 / (1 + (x / 10) ** 4) + 1 / (1 + (x / 1e-2) ** 4));
    const m = measurePlateaus(t, risk, [1e-2, 10]);
    expect(m.plateaus[0]).toBeCloseTo(1, 2);
    expect(m.plateaus[1]).toBe(risk[risk.length - 1]);
    const th = { plateaus: [1, 0.25], floor: 0.25, unlearnable: [], exponents: [1, 0.5], timeScales: { t0: null, t1: null } };
    expect(departures(th, m, [1e-2, 10], 2)).toBeUndefined();
    expect(departures({ ...th, plateaus: [0.5, 0.25] }, m, [1e-2, 10], 2)).toMatch(/plateau after degree 0: predicted 0.5, measured 1/);
    expect(departures({ ...th, unlearnable: [{ k: 1, reason: '' }] }, m, [1e-2, 10], 2)).toMatch(/degree 1 was learnt/);
  });
});

describe('fits and extrapolation', () => {
  it('recovers A and B of t = √ε (A + B ln(1/ε)) exactly', () => {
    const eps = [1e-4, 1e-5, 1e-6, 1e-7];
    const fit = logCorrectedFit(eps, eps.map((e) => Math.sqrt(e) * (2 + 0.5 * Math.log(1 / e))), 0.5, 10)!;
    expect(fit.A).toBeCloseTo(2, 10);
    expect(fit.B).toBeCloseTo(0.5, 10);
    expect(logCorrectedFit(eps, eps.map(() => 1), 1 / 3)).toBeNull();
  });

  it('extrapolates a polynomial in 1/m exactly, and estimates its error from the orders', () => {
    const m = [10, 20, 40, 80];
    const x = extrapolateInM(m, m.map((v) => 3 + 2 / v - 5 / v ** 2));
    expect(x.value).toBeCloseTo(3, 12);
    expect(x.error).toBeLessThan(1e-10);
    const rough = extrapolateInM([10, 20], [3.2, 3.1]);
    expect(rough.value).toBeCloseTo(3, 12);
    expect(rough.error).toBeCloseTo(0.1, 12);
    expect(() => extrapolateInM([10], [1])).toThrow(RangeError);
  });

  it('puts a(0) at the normal quantiles, symmetric and monotone', () => {
    const q = quantiles(core, 5, 'normal');
    expect(q[2]).toBe(0);
    expect(q[0]).toBe(-q[4]);
    expect(q[4]).toBeCloseTo(1.2815515655446004, 14); // Φ^{-1}(0.9)
    expect(q[3]).toBeCloseTo(0.5244005127080407, 14); // Φ^{-1}(0.7)
    expect(Array.from(quantiles(core, 4, 'uniform'))).toEqual([-0.75, -0.25, 0.25, 0.75]);
  });
});

describe('measured plateaus of a run that ends early', () => {
  it('claims no final plateau while a component expected to be learnt is still pending', () => {
    const t = Float64Array.of(1, 2, 3, 4);
    const risk = Float64Array.of(1, 0.9, 0.6, 0.3);
    expect(measurePlateaus(t, risk, [null, null], [false, true]).plateaus).toEqual([null, null]);
    expect(measurePlateaus(t, risk, [2.5, null], [true, true]).plateaus).toEqual([null, null]);
    expect(measurePlateaus(t, risk, [null, null], [false, false]).plateaus).toEqual([0.3, 0.3]);
  });
});
