import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODES, ACTIVATION_NAMES, KERNEL_KINDS, resolveActivation, type Activation } from '../src/hermite/activation.js';
import { ConfigError } from '../src/errors.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { cdf, erfRef, erfcLarge, hermiteRow, pdf } from './support/gaussian.js';

const cores = await Promise.all([loadCore('simd'), loadCore('scalar')]);
const [simd, scalar] = cores;

function bulk(core: Core, a: Activation, x: number[], deriv = false): Float64Array {
  return core.scoped(() => {
    const px = core.put(x);
    const out = core.allocF64(x.length);
    core.exports.activationBulk(a.code, a.shift, a.scale, core.put(a.params), a.params.length, px, out, x.length, deriv);
    return core.f64(out, x.length).slice();
  });
}

// Plain formulas, valid where they do not overflow (|u| ≤ 30 here)
const reference: Record<string, (u: number) => number> = {
  identity: (u) => u,
  relu: (u) => Math.max(u, 0),
  abs: Math.abs,
  tanh: (u) => (Math.exp(2 * u) - 1) / (Math.exp(2 * u) + 1),
  erf: (u) => erfRef(u / Math.SQRT2),
  sigmoid: (u) => 1 / (1 + Math.exp(-u)),
  softplus: (u) => Math.log(1 + Math.exp(u)),
  gelu: (u) => u * cdf(u),
  silu: (u) => u / (1 + Math.exp(-u)),
};

const grid = Array.from({ length: 121 }, (_, i) => -30 + i * 0.5 + 0.0123);

describe('erf (port of FreeBSD s_erf.c)', () => {
  it('matches an independent series / continued fraction to a few ulps, erfc in the far tail', () => {
    for (const x of [...grid.map((v) => v / 5), 1e-10, -0.3, 0.84, 0.85, 1.249, 1.26, 2.85, 2.86, 5.9, 6.1]) {
      const ref = erfRef(x);
      expect(Math.abs(simd.exports.erf(x) - ref)).toBeLessThanOrEqual(1e-15 * Math.abs(ref)); // both sides round: a few ulps
    }
    for (const x of [3, 5, 10, 20, 26]) {
      expect(Math.abs(simd.exports.erfc(x) / erfcLarge(x) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(simd.exports.erfc(-x) - (2 - erfcLarge(x)))).toBeLessThan(5e-16);
    }
    expect(simd.exports.erf(Infinity)).toBe(1);
    expect(simd.exports.erfc(-Infinity)).toBe(2);
    expect(Number.isNaN(simd.exports.erf(NaN))).toBe(true);
  });
});

describe('activation kernels', () => {
  it('have codes matching the Wasm module', () => {
    for (const [name, code] of Object.entries(ACTIVATION_CODES)) {
      const key = `ACT_${name === 'polynomial' ? 'POLY' : name.toUpperCase()}` as keyof typeof simd.exports;
      expect((simd.exports[key] as { value: number }).value).toBe(code);
    }
    for (const [name, kind] of Object.entries(KERNEL_KINDS)) {
      const key = `KERNEL_${name.toUpperCase()}` as keyof typeof simd.exports;
      expect((simd.exports[key] as { value: number }).value).toBe(kind);
    }
  });

  it('evaluate act(scale·z + shift) like the plain formulas', () => {
    for (const name of ACTIVATION_NAMES) {
      const a = resolveActivation({ name, shift: 0.3, scale: -1.7 });
      const got = bulk(simd, a, grid.map((z) => z / 2));
      grid.forEach((z, i) => {
        const ref = reference[name](-1.7 * (z / 2) + 0.3);
        expect(Math.abs(got[i] - ref), `${name} at ${z / 2}`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(ref)));
      });
    }
  });

  it('have derivatives matching central differences, with the scale factor', () => {
    const z = grid.filter((v) => Math.abs(v) < 8 && Math.abs(v + 0.3 / 1.7) > 0.05).map((v) => v / 2);
    const h = 1e-6;
    for (const name of ACTIVATION_NAMES) {
      const a = resolveActivation({ name, shift: 0.3, scale: 1.7 });
      const d = bulk(simd, a, z, true);
      const up = bulk(simd, a, z.map((v) => v + h));
      const down = bulk(simd, a, z.map((v) => v - h));
      z.forEach((_, i) => expect(Math.abs(d[i] - (up[i] - down[i]) / (2 * h)), name).toBeLessThan(1e-7));
    }
    const kinked = [resolveActivation('relu'), resolveActivation('abs')];
    expect(kinked.map((a) => bulk(simd, a, [0], true)[0])).toEqual([0, 0]);
  });

  it('stay finite and accurate far out (no overflow, no cancellation)', () => {
    const at = (name: string, u: number, deriv = false) => bulk(simd, resolveActivation(name), [u], deriv)[0];
    expect(at('sigmoid', -800)).toBe(0);
    expect(at('sigmoid', 800)).toBe(1);
    expect(at('softplus', 800)).toBe(800);
    expect(at('softplus', -40) / Math.exp(-40)).toBeCloseTo(1, 14); // log1p(e^u) ≈ e^u
    expect(at('gelu', -30) / (-30 * 0.5 * erfcLarge(30 / Math.SQRT2))).toBeCloseTo(1, 12);
    expect(at('silu', -800)).toBe(-0);
    expect(at('tanh', 400)).toBe(1);
    expect(at('erf', 30, true) / (Math.sqrt(2 / Math.PI) * Math.exp(-450))).toBeCloseTo(1, 12);
  });

  it('sum polynomial and Hermite series, and their derivatives', () => {
    const c = [0.5, -1, 0.25, 2];
    const z = [-2.5, -1, 0, 0.4, 3];
    const poly = resolveActivation({ polynomial: c, shift: -0.5, scale: 2 });
    const herm = resolveActivation({ hermite: c });
    const pv = bulk(simd, poly, z);
    const pd = bulk(simd, poly, z, true);
    const hv = bulk(simd, herm, z);
    const hd = bulk(simd, herm, z, true);
    z.forEach((x, i) => {
      const u = 2 * x - 0.5;
      expect(pv[i]).toBeCloseTo(c[0] + c[1] * u + c[2] * u * u + c[3] * u ** 3, 12);
      expect(pd[i]).toBeCloseTo(2 * (c[1] + 2 * c[2] * u + 3 * c[3] * u * u), 12);
      // h_2 = (z² − 1)/√2, h_3 = (z³ − 3z)/√6
      expect(hv[i]).toBeCloseTo(c[0] + c[1] * x + (c[2] * (x * x - 1)) / Math.SQRT2 + (c[3] * (x ** 3 - 3 * x)) / Math.sqrt(6), 12);
      expect(hd[i]).toBeCloseTo(c[1] + c[2] * Math.SQRT2 * x + (c[3] * (3 * x * x - 3)) / Math.sqrt(6), 12);
      expect(hermiteRow(x, 3).reduce((s, h, k) => s + c[k] * h, 0)).toBeCloseTo(hv[i], 12);
    });
  });

  it('give the same values in the SIMD and scalar builds', () => {
    for (const name of ACTIVATION_NAMES) {
      const a = resolveActivation({ name, shift: -0.2, scale: 1.3 });
      for (const deriv of [false, true]) {
        const s = bulk(simd, a, grid, deriv);
        const r = bulk(scalar, a, grid, deriv);
        s.forEach((v, i) => expect(Math.abs(v - r[i])).toBeLessThanOrEqual(1e-13 * Math.abs(r[i])));
      }
    }
  });

  it('use the Gaussian density where expected', () => {
    const d = bulk(simd, resolveActivation('gelu'), [0.7], true)[0];
    expect(d).toBeCloseTo(cdf(0.7) + 0.7 * pdf(0.7), 14);
  });
});

describe('resolveActivation', () => {
  it('resolves names, shifts, scales, polynomials and Hermite lists', () => {
    expect(resolveActivation('relu')).toMatchObject({ label: 'relu', code: ACTIVATION_CODES.relu, shift: 0, scale: 1, kernel: { kind: KERNEL_KINDS.relu, gain: 1 } });
    expect(resolveActivation({ name: 'relu', scale: -2 }).kernel).toEqual({ kind: KERNEL_KINDS.relu, gain: 4 });
    expect(resolveActivation({ name: 'relu', shift: 0.1 }).kernel).toBeNull();
    expect(resolveActivation({ name: 'erf', scale: -1 }).kernel).toEqual({ kind: KERNEL_KINDS.erf, gain: 1 });
    expect(resolveActivation({ name: 'erf', scale: 2 }).kernel).toBeNull();
    expect(resolveActivation({ name: 'tanh', shift: -0.3, scale: 2 }).label).toBe('tanh(2z - 0.3)');
    const h = resolveActivation({ hermite: [1, 1, 1] });
    expect([h.code, Array.from(h.params)]).toEqual([ACTIVATION_CODES.hermite, [1, 1, 1]]);
    expect(resolveActivation({ polynomial: [0, 1], shift: 1 }).code).toBe(ACTIVATION_CODES.polynomial);
  });

  it('refuses bad specs with a ConfigError naming the field', () => {
    const cases: [unknown, string][] = [
      ['swish', 'target'],
      [{ name: 'mish' }, 'target.name'],
      [{ name: 'tanh', scale: 0 }, 'target.scale'],
      [{ name: 'tanh', shift: Infinity }, 'target.shift'],
      [{ name: 'tanh', shift: '1' }, 'target.shift'],
      [{ hermite: [] }, 'target.hermite'],
      [{ polynomial: [1, NaN] }, 'target.polynomial'],
      [{ hermite: [1], scale: 2 }, 'target'],
      [{ name: 'relu', polynomial: [1] }, 'target'],
      [42, 'target'],
    ];
    for (const [spec, field] of cases) {
      const run = () => resolveActivation(spec as never, 'target');
      expect(run).toThrow(ConfigError);
      try {
        run();
      } catch (e) {
        expect((e as ConfigError).field).toBe(field);
      }
    }
    expect(() => resolveActivation('swish')).toThrow(/one of identity, relu, abs, tanh, erf, sigmoid, softplus, gelu, silu/);
  });
});
