import { describe, expect, it } from 'vitest';
import { KERNEL_KINDS, resolveActivation, type ActivationSpec } from '../src/hermite/activation.js';
import { project } from '../src/hermite/projection.js';
import { crossKernel, dotKernel, kernelTailBound, kernelValues, type Kernel } from '../src/hermite/kernels.js';
import { loadCore } from '../src/wasm/loader.js';
import { cdf, expect as gaussExpect, pdf } from './support/gaussian.js';

const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);

function kernelOf(spec: ActivationSpec, K: number): Kernel {
  const a = resolveActivation(spec);
  return dotKernel(a, project(simd, a, K));
}
const asSeries = (k: Kernel): Kernel => ({ ...k, kind: KERNEL_KINDS.series, gain: 1 });
const grid = Array.from({ length: 41 }, (_, i) => -1 + i / 20);

describe('kernel kinds', () => {
  it('are the module\'s KERNEL_* codes', () => {
    const x = simd.exports;
    expect(KERNEL_KINDS).toEqual({ series: x.KERNEL_SERIES.value, relu: x.KERNEL_RELU.value, erf: x.KERNEL_ERF.value });
  });
});

describe('ReLU kernel', () => {
  const closed = kernelOf('relu', 400);

  it('matches the MODEL.md values', () => {
    const [u, du] = [kernelValues(simd, closed, [-0.9, 0.5, 0.99]), kernelValues(simd, closed, [0.5], true)];
    expect(Math.abs(u[0] - 0.004769199422336)).toBeLessThan(1e-15);
    expect(Math.abs(u[1] - 0.304498890522115)).toBeLessThan(1e-15);
    expect(Math.abs(u[2] - 0.495150127866577)).toBeLessThan(1e-15);
    expect(Math.abs(du[0] - 1 / 3)).toBeLessThan(1e-15);
  });

  it('equals its Hermite series within the a-priori tail bound', () => {
    const x = grid.map((v) => 0.95 * v);
    const exact = kernelValues(simd, closed, x);
    const series = kernelValues(simd, asSeries(closed), x);
    x.forEach((v, i) => {
      const err = Math.abs(exact[i] - series[i]);
      expect(err).toBeLessThanOrEqual(kernelTailBound(closed, Math.abs(v)) + 1e-15);
      if (Math.abs(v) <= 0.9) expect(err).toBeLessThan(1e-14);
    });
    const dExact = kernelValues(simd, closed, x, true);
    const dSeries = kernelValues(simd, asSeries(closed), x, true);
    x.forEach((v, i) => expect(Math.abs(dExact[i] - dSeries[i])).toBeLessThanOrEqual(kernelTailBound(closed, Math.abs(v), true) + 1e-14));
  });

  it('is U(ρ) = E relu(G1) relu(G2) by 1-D quadrature, with gain c² under scaling', () => {
    for (const rho of [-0.6, 0.3, 0.9]) {
      const s = Math.sqrt(1 - rho * rho);
      const ref = gaussExpect((x) => Math.max(x, 0) * (s * pdf((rho * x) / s) + rho * x * cdf((rho * x) / s)), [0]);
      expect(Math.abs(kernelValues(simd, closed, [rho])[0] - ref)).toBeLessThan(1e-14);
      const scaled = kernelOf({ name: 'relu', scale: -1.5 }, 10);
      expect(Math.abs(kernelValues(simd, scaled, [rho])[0] - 2.25 * ref)).toBeLessThan(1e-14);
    }
  });
});

describe('erf kernel', () => {
  it('equals (2/π) arcsin(ρ/2) and its own series', () => {
    const k = kernelOf('erf', 80);
    expect(k.kind).toBe(KERNEL_KINDS.erf);
    const exact = kernelValues(simd, k, grid);
    const series = kernelValues(simd, asSeries(k), grid);
    grid.forEach((r, i) => {
      expect(Math.abs(exact[i] - (2 / Math.PI) * Math.asin(r / 2))).toBeLessThan(1e-15);
      expect(Math.abs(exact[i] - series[i])).toBeLessThanOrEqual(kernelTailBound(k, Math.abs(r)) + 1e-14);
    });
    const d = kernelValues(simd, k, [0.3], true)[0];
    expect(Math.abs(d - 1 / (Math.PI * Math.sqrt(1 - 0.0225)))).toBeLessThan(1e-15);
  });
});

describe('truncated series', () => {
  it('stays within its tail bound, for U and U′ of a kernel without closed form', () => {
    const spec = { name: 'tanh', shift: 0.3 };
    const full = kernelOf(spec, 300); // the reference: its own tail is < 1e-30 on |ρ| ≤ 0.8
    for (const K of [3, 8, 20]) {
      const k = kernelOf(spec, K);
      expect(k.kind).toBe(KERNEL_KINDS.series);
      expect(k.tail).toBeGreaterThan(0);
      for (const deriv of [false, true]) {
        const rs = deriv ? grid.map((r) => 0.8 * r) : grid;
        const a = kernelValues(simd, k, rs, deriv);
        const b = kernelValues(simd, full, rs, deriv);
        rs.forEach((r, i) => {
          const bound = kernelTailBound(k, Math.abs(r), deriv);
          expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(bound + 1e-14);
        });
      }
    }
    expect(kernelTailBound(kernelOf(spec, 5), 1, true)).toBe(Infinity);
    expect(() => kernelTailBound(kernelOf(spec, 5), 1.5)).toThrow(/\[0, 1\]/);
  });

  it('V(s) = E[φ(G1) σ(G2)]: series within the Cauchy–Schwarz bound, closed forms where exact', () => {
    const sigma = resolveActivation('relu');
    const ps = project(simd, sigma, 200);
    // target relu(2z): closed form 2·U_relu; target relu(−z): no closed form
    const twice = resolveActivation({ name: 'relu', scale: 2 });
    const v = crossKernel(twice, project(simd, twice, 200), sigma, ps);
    expect([v.kind, v.gain]).toEqual([KERNEL_KINDS.relu, 2]);
    const mirrored = resolveActivation({ name: 'relu', scale: -1 });
    const vm = crossKernel(mirrored, project(simd, mirrored, 200), sigma, ps);
    expect(vm.kind).toBe(KERNEL_KINDS.series);
    const s = [-0.8, -0.2, 0.5, 0.8];
    const uMinus = kernelValues(simd, dotKernel(sigma, ps), s.map((x) => -x)); // E relu(−G1) relu(G2) = U(−s)
    kernelValues(simd, vm, s).forEach((val, i) => expect(Math.abs(val - uMinus[i])).toBeLessThanOrEqual(kernelTailBound(vm, 0.8) + 1e-14));
    // target tanh(z + 0.3) with a short series against a long one
    const target = resolveActivation({ name: 'tanh', shift: 0.3 });
    const short = crossKernel(target, project(simd, target, 6), sigma, ps);
    const long = crossKernel(target, project(simd, target, 200), sigma, ps);
    expect(short.coefficients.length).toBe(7);
    const [a, b] = [kernelValues(simd, short, grid), kernelValues(simd, long, grid)];
    grid.forEach((r, i) => expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(kernelTailBound(short, Math.abs(r)) + 1e-14));
    expect(crossKernel(resolveActivation({ name: 'erf', scale: -1 }), project(simd, resolveActivation('erf'), 5), resolveActivation('erf'), project(simd, resolveActivation('erf'), 5)).gain).toBe(-1);
  });

  it('is evaluated alike by the SIMD and scalar builds and by a plain Horner sum', () => {
    const k = kernelOf('softplus', 40);
    const c = k.coefficients;
    for (const n of [1, 2, 11, 1011]) { // every interleaving remainder: 8 and 2 points per step, then one
      const x = Array.from({ length: n }, (_, i) => -1 + (2 * i) / Math.max(n - 1, 1));
      for (const deriv of [false, true]) {
        const [a, b] = [kernelValues(simd, k, x, deriv), kernelValues(scalar, k, x, deriv)];
        a.forEach((v, i) => {
          expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-13 * Math.abs(b[i]));
          const ref = c.reduce((s, ck, j) => s + (deriv ? (j === 0 ? 0 : j * ck * x[i] ** (j - 1)) : ck * x[i] ** j), 0);
          expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(ref)));
        });
      }
    }
  });
});
