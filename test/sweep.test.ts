import { describe, expect, it } from 'vitest';
import { timeScaleTables } from '../src/analysis/markdown.js';
import { ConfigError } from '../src/errors.js';
import { predictedExponent, sweepEpsilon, timeScaleTable } from '../src/analysis/sweep.js';

describe('sweeps over ε', () => {
  it('states the paper\'s predicted exponents', () => {
    expect([0, 1, 2, 3].map(predictedExponent)).toEqual([1, 1 / 2, 1 / 4, 1 / 6]);
  });

  it('tabulates learning times per degree and fits their power laws', () => {
    const eps = [1e-2, 1e-4, 1e-6];
    const table = timeScaleTable(eps, eps.map((e) => [2 * e, 3 * Math.sqrt(e), null]));
    expect(table.map((r) => r.degree)).toEqual([0, 1, 2]);
    expect(table[0].fit!.slope).toBeCloseTo(1, 12);
    expect(table[1].fit!.slope).toBeCloseTo(0.5, 12);
    expect(table[2].fit).toBeNull();
  });

  it('prints the span of ε the exponents were fitted over', () => {
    const eps = [1e-2, 1e-4, 1e-6];
    const table = timeScaleTable(eps, eps.map((e) => [e]));
    expect(timeScaleTables(eps, table)).toContain('| degree k | predicted exponent | fitted (two smallest decades) | local slopes, large ε → small ε |');
    expect(timeScaleTables(eps, table, 1).join('\n')).toMatch(/fitted \(smallest decade\)/);
    expect(timeScaleTables(eps, table, 4).join('\n')).toMatch(/fitted \(4 smallest decades\)/);
  });

  it('finds t_0 = ε·ln(10)/(2σ_0²) for the constant phase, at every ε', async () => {
    // With s(0) = 0 the first phase is ε ȧ_i = σ_0 r_0 (s moves only on times ≫ ε), so
    // r_0 decays as e^{−σ_0² t/ε} and R_0 = ½r_0² reaches a tenth at t = ε ln 10 / (2σ_0²);
    // for ReLU σ_0² = 1/(2π), so t_0 = π ln(10) ε.
    const config = { activation: 'relu', target: { hermite: [1, 1, 1] }, m: 6, seed: 4, degrees: 1, time: { end: 1e-2, points: 1500 } };
    const seen: number[] = [];
    const r = await sweepEpsilon(config, [1e-8, 1e-4, 1e-6], { onRun: (e) => seen.push(e) });
    expect(r.epsilon).toEqual([1e-4, 1e-6, 1e-8]);
    expect(seen).toEqual(r.epsilon);
    r.table[0].times.forEach((t, i) => expect(Math.abs(t! / (Math.PI * Math.log(10) * r.epsilon[i]) - 1)).toBeLessThan(2e-3));
    expect(r.table[0].fit!.slope).toBeCloseTo(1, 3);
  });

  it('needs two valid ε', async () => {
    const config = { m: 2, time: { end: 1, points: 3 } };
    await expect(sweepEpsilon(config, [1e-3])).rejects.toThrow(ConfigError);
    await expect(sweepEpsilon(config, [1e-3, -1])).rejects.toMatchObject({ field: 'epsilon' });
  });
});
