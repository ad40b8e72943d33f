import { describe, expect, it } from 'vitest';
import { loadCore, type Core } from '../src/wasm/loader.js';

function words(core: Core, ptr: number, n: number): bigint[] {
  return Array.from(new BigUint64Array(core.exports.memory.buffer, ptr, n));
}

function normals(core: Core, seed: number, n: number): Float64Array {
  return core.scoped(() => {
    const state = core.allocF64(4);
    const out = core.allocF64(n);
    core.exports.rngSeed(state, seed);
    core.exports.rngNormals(state, out, n);
    return core.f64(out, n).slice();
  });
}

/** Φ by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), ample for a KS test at n = 1e5. */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return 0.5 * (1 + (x < 0 ? -erf : erf));
}

describe('random numbers in Wasm', () => {
  it('xoshiro256** reproduces the reference outputs from state {1, 2, 3, 4}', async () => {
    const core = await loadCore();
    // First outputs of prng.di.unimi.it/xoshiro256starstar.c from s = {1, 2, 3, 4}
    const want = [11520n, 0n, 1509978240n, 1215971899390074240n];
    const got = core.scoped(() => {
      const state = core.allocF64(4);
      new BigUint64Array(core.exports.memory.buffer, state, 4).set([1n, 2n, 3n, 4n]);
      const out = core.allocF64(4);
      core.exports.rngBits(state, out, 4);
      return words(core, out, 4);
    });
    expect(got).toEqual(want);
  });

  it('seeds through splitmix64 (reference outputs for seed 0)', async () => {
    const core = await loadCore();
    // First outputs of prng.di.unimi.it/splitmix64.c with x = 0
    const want = [0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn];
    const got = core.scoped(() => {
      const state = core.allocF64(4);
      core.exports.rngSeed(state, 0);
      return words(core, state, 3);
    });
    expect(got).toEqual(want);
  });

  it('gives the same bits for the same seed, in both builds, and different ones for another seed', async () => {
    const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
    const x = normals(simd, 42, 1001);
    expect(normals(simd, 42, 1001)).toEqual(x);
    expect(normals(scalar, 42, 1001)).toEqual(x);
    expect(normals(simd, 43, 1001)).not.toEqual(x);
  });

  it('draws standard normals: moments within 6 standard errors, Kolmogorov–Smirnov at the 0.1% level', async () => {
    const core = await loadCore();
    const n = 100_000;
    const x = normals(core, 7, n);
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const m2 = x.reduce((s, v) => s + v * v, 0) / n;
    const m4 = x.reduce((s, v) => s + v ** 4, 0) / n;
    // standard errors: √(1/n), √(2/n), √(96/n) for E x = 0, E x² = 1, E x⁴ = 3
    expect(Math.abs(mean)).toBeLessThan(6 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(6 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(6 * Math.sqrt(96 / n));
    const sorted = Array.from(x).sort((p, q) => p - q);
    const ks = sorted.reduce((worst, v, i) => Math.max(worst, Math.abs(normalCdf(v) - (i + 0.5) / n)), 0);
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n)); // KS critical value at α = 0.001
  });

  it('draws uniforms from the top 53 bits of the same stream', async () => {
    const core = await loadCore();
    const [bits, uniforms] = core.scoped(() => {
      const [s1, s2, b, u] = [core.allocF64(4), core.allocF64(4), core.allocF64(5), core.allocF64(5)];
      core.exports.rngSeed(s1, 9);
      core.exports.rngSeed(s2, 9);
      core.exports.rngBits(s1, b, 5);
      core.exports.rngUniforms(s2, u, 5);
      return [words(core, b, 5), core.f64(u, 5).slice()];
    });
    bits.forEach((x, i) => expect(uniforms[i]).toBe(Number(x >> 11n) / 2 ** 53));
  });

  it('draws χ²_k: mean k and variance 2k, for k = 1, 7 and 1e9', async () => {
    const core = await loadCore();
    const n = 20_000;
    for (const k of [1, 7, 1e9]) {
      const z = core.scoped(() => {
        const state = core.allocF64(4);
        core.exports.rngSeed(state, k);
        return Array.from({ length: n }, () => (core.exports.rngChi2(state, k) - k) / Math.sqrt(2 * k));
      });
      const mean = z.reduce((s, v) => s + v, 0) / n;
      const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
      // the standardized variate has mean 0, variance 1 and kurtosis 3 + 12/k ≤ 15
      expect(Math.abs(mean)).toBeLessThan(6 / Math.sqrt(n));
      expect(Math.abs(variance - 1)).toBeLessThan(6 * Math.sqrt(14 / n));
    }
  });
});
