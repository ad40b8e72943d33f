// Exact Hermite zeros by parity or degree (src/hermite/symmetry.ts), and what they fix downstream.
import { describe, expect, it } from 'vitest';
import { resolveActivation, type ActivationSpec } from '../src/hermite/activation.js';
import { project } from '../src/hermite/projection.js';
import { symmetryZeros } from '../src/hermite/symmetry.js';
import { run } from '../src/run.js';
import { loadCore } from '../src/wasm/loader.js';
import { hermiteCoefficients } from './support/gaussian.js';

const core = await loadCore();
const K = 8;
const evens = [0, 2, 4, 6, 8];
const oddsFrom3 = [3, 5, 7];

/** The zeros each named activation must have at K = 8, from its parity (symmetry.ts). */
const EXPECTED: [ActivationSpec, number[]][] = [
  ['tanh', evens], ['erf', evens], ['identity', [0, 2, 3, 4, 5, 6, 7, 8]], ['abs', [1, 3, 5, 7]],
  ['sigmoid', [2, 4, 6, 8]], ['relu', oddsFrom3], ['softplus', oddsFrom3], ['gelu', oddsFrom3], ['silu', oddsFrom3],
  [{ name: 'tanh', scale: -2 }, evens], [{ name: 'gelu', scale: 0.5 }, oddsFrom3],
  [{ name: 'tanh', shift: 0.3 }, []], [{ name: 'relu', shift: -0.1 }, []], [{ name: 'identity', shift: 1 }, [2, 3, 4, 5, 6, 7, 8]],
  [{ polynomial: [0, 1, 0, 1] }, evens.concat([5, 7]).sort()], [{ polynomial: [1, 0, 2], scale: 3 }, [1, 3, 4, 5, 6, 7, 8]],
  [{ polynomial: [0, 1, 0, 1], shift: 0.5 }, [4, 5, 6, 7, 8]], [{ hermite: [0, 1, 0, -1] }, []],
];

describe('exact zeros by symmetry', () => {
  it.each(EXPECTED)('%j has exactly the zeros of its parity and degree', (spec, zeros) => {
    const a = resolveActivation(spec);
    expect(symmetryZeros(a, K)).toEqual([...zeros].sort((x, y) => x - y));
    const p = project(core, a, K);
    for (const k of zeros) expect(p.coefficients[k]).toBe(0);
  });

  it('zeros only coefficients that an independent quadrature finds negligible, and none it finds present', () => {
    const fs: Record<string, (z: number) => number> = {
      tanh: Math.tanh, abs: Math.abs, sigmoid: (z) => 1 / (1 + Math.exp(-z)),
      softplus: (z) => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0), silu: (z) => z / (1 + Math.exp(-z)),
    };
    for (const [name, f] of Object.entries(fs)) {
      const reference = hermiteCoefficients(f, K, name === 'abs' ? [0] : []);
      const zeros = symmetryZeros(resolveActivation(name), K);
      reference.forEach((c, k) => {
        if (zeros.includes(k)) expect(Math.abs(c), `${name} f_${k}`).toBeLessThan(1e-12);
        else expect(Math.abs(c), `${name} f_${k}`).toBeGreaterThan(1e-4);
      });
    }
  });

  it('reports a coefficient within its error bound of 0 as 0, and lists it', () => {
    // tanh(z) + 1e-16: the constant is below the quadrature's error bound (~1e-14)
    const p = project(core, (z) => Math.tanh(z) + 1e-16, 4);
    expect(p.unresolved).toContain(0);
    expect(p.coefficients[0]).toBe(0);
    expect(p.coefficients[1]).toBeGreaterThan(0.6);
    // a Hermite list is exact: its tiny coefficient stays
    expect(project(core, resolveActivation({ hermite: [1e-20, 1] }), 1).coefficients[0]).toBe(1e-20);
  });

  it('gives erf with target h_1 − h_3 no constant learning time (it has nothing to learn)', async () => {
    const r = await run({
      activation: 'erf', target: { hermite: [0, 1, 0, -1] }, epsilon: 1e-6, m: 10, seed: 1,
      time: { start: 1e-9, end: 1, points: 60 }, degrees: 3,
    });
    expect(r.coefficients.sigma[0]).toBe(0);
    expect(r.coefficients.sigma[2]).toBe(0);
    expect(r.coefficients.zeros.sigma.slice(0, 3)).toEqual([0, 2, 4]);
    expect(r.initial.components[0]).toBe(0);
    expect(r.learningTimes[0]).toBeNull();
    expect(r.learningTimes[1]).toBeGreaterThan(1e-3);
  });
});
