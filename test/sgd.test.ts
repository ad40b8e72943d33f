import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { populationRisk, solveNetwork } from '../src/models/network.js';
import { solveSgd } from '../src/models/sgd.js';
import { loadCore } from '../src/wasm/loader.js';
import { makeProblem, normals, unitRows } from './support/network.js';

const m = 4;
const d = 20;
const g = normals('sgd');
const w0 = unitRows(m, d, g);
const direction = Float64Array.from({ length: d }, g);
// Hermite activations keep σ, σ' polynomial: exact kernels and light tails for the sample statistics
const base = { activation: [0.2, 1, 0.5, 0.2], phi: [0.5, 1, 0.7], m, d, w0, direction, epsilon: 0.5 };

describe('SGD', () => {
  it('gives the same bits for the same seed (online and multi-pass)', async () => {
    const core = await loadCore();
    const p = makeProblem({ ...base, noise: 0.1, seed: 5 });
    const times = Float64Array.of(0.01, 0.05);
    for (const samples of [0, 50]) {
      const alg = { eta: 1e-3, batch: 3, samples, keepWeights: true };
      const x = solveSgd(core, p, alg, times);
      const y = solveSgd(core, p, alg, times);
      expect(x.retcode).toBe('success');
      for (const key of ['risk', 'mfRisk', 'a', 's', 'components'] as const) expect(y[key]).toEqual(x[key]);
      expect(solveSgd(core, { ...p, seed: 6 }, alg, times).a).not.toEqual(x.a);
    }
  });

  it('reports the population risk R(a, W) of its weights, which the loss on many fixed samples estimates', async () => {
    const core = await loadCore();
    const p = makeProblem({ ...base, noise: 0.3 });
    const n = 20_000;
    const sol = solveSgd(core, p, { eta: 1e-3, batch: 1, samples: n }, Float64Array.of(0));
    expect(sol.risk[0]).toBeCloseTo(populationRisk(core, p, p.a0, w0).risk, 14);
    // ½(y − f)² has relative spread ≈ √2 for near-Gaussian residuals: 5 standard errors ≈ 5%
    expect(Math.abs(sol.loss![0] - sol.risk[0])).toBeLessThan(0.05 * sol.risk[0]);
  });

  it('gives close trajectories in the SIMD and scalar builds', async () => {
    const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
    const p = makeProblem({ ...base, d: 1001, w0: null, direction: null, noise: 0.2 });
    const alg = { eta: 1e-3, batch: 2, samples: 0, keepWeights: true };
    const times = Float64Array.of(0.5);
    const x = solveSgd(simd, p, alg, times);
    const y = solveSgd(scalar, p, alg, times);
    // Same random bits; only the summation order of the length-d dot products differs, at
    // worst d·2⁻⁵³ ≈ 1e-13 relative per step; added up linearly over 500 steps of a
    // non-expanding map that is 5e-11, under 1e-10.
    for (const key of ['risk', 'a', 's'] as const) {
      x[key]!.forEach((v, i) => expect(Math.abs(v - y[key]![i])).toBeLessThan(1e-10));
    }
    expect(x.a).not.toEqual(p.a0);
  });

  it('refuses an unstable step and stops on a blow-up with the trajectory so far', async () => {
    const core = await loadCore();
    const p = makeProblem(base);
    const alg = { eta: 5, batch: 1, samples: 0 };
    expect(() => solveSgd(core, p, alg, Float64Array.of(1))).toThrow(ConfigError);
    expect(() => solveSgd(core, p, { ...alg, eta: 0.1, batch: 0 }, Float64Array.of(1))).toThrow(/^batch: must be an integer ≥ 1/);
    expect(() => solveSgd(core, p, { ...alg, eta: 0.1, samples: 10, batch: 11 }, Float64Array.of(1))).toThrow(/^batch: must be ≤ samples = 10/);
    // understating ‖σ‖² lets an unstable η through
    const sol = solveSgd(core, { ...p, sigmaNorm2: 1e-6 }, alg, Float64Array.of(0, 5, 1e6));
    expect(sol.retcode).toBe('blowup');
    expect(sol.message).toMatch(/^non-finite [aw]\[\d\] at t = \d+ \(step \d+\)$/);
    expect(Array.from(sol.t)).toEqual([0, 5]);
  });

  it('averaged over seeds, tracks population GD from the same start', async () => {
    const core = await loadCore();
    const p = makeProblem(base);
    const eta = 1e-4;
    const T = 0.5;
    const times = Float64Array.of(T);
    const gd = solveNetwork(core, p, { eta, keepWeights: true }, times);
    const S = 64;
    const runs = Array.from({ length: S }, (_, seed) => solveSgd(core, { ...p, seed }, { eta, batch: 1, samples: 0, keepWeights: true }, times));
    const series = (pick: (r: (typeof runs)[number]) => number) => {
      const x = runs.map(pick);
      const mean = x.reduce((s, v) => s + v, 0) / S;
      const se = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (S - 1) / S);
      return { mean, se };
    };
    const checks = [
      { name: 'R', want: gd.risk[0], got: series((r) => r.risk[0]) },
      ...Array.from({ length: m }, (_, i) => ({ name: `a[${i}]`, want: gd.a![i], got: series((r) => r.a![i]) })),
      ...Array.from({ length: m }, (_, i) => ({ name: `s[${i}]`, want: gd.s![i], got: series((r) => r.s![i]) })),
    ];
    // Each SGD step is an unbiased estimate of the GD step; what remains is the sampling
    // noise of the mean (4 standard errors, estimated from the same runs) and the O(η)
    // drift of the normalization, ½η²‖g‖² per step with E‖g‖² = O(d), over T/η steps: ≈ η·d·T.
    for (const c of checks) expect(Math.abs(c.got.mean - c.want), c.name).toBeLessThan(4 * c.got.se + eta * d * T);
    // and the test has teeth: GD moved much further than that
    expect(Math.abs(gd.risk[0] - populationRisk(core, p, p.a0, w0).risk)).toBeGreaterThan(20 * (4 * checks[0].got.se + eta * d * T));
  });
});
