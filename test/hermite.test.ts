import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, resolveActivation, type ActivationSpec } from '../src/hermite/activation.js';
import { ConfigError } from '../src/errors.js';
import { gaussHermite, hermiteValues, project } from '../src/hermite/projection.js';
import { loadCore } from '../src/wasm/loader.js';
import { cdf, expect as gaussExpect, hermiteCoefficients, pdf, tanhSinh } from './support/gaussian.js';

const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);

const doubleFactorial = (n: number): number => (n <= 0 ? 1 : n * doubleFactorial(n - 2));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const coefficientsOf = (spec: ActivationSpec, K: number) => project(simd, resolveActivation(spec), K);

/** The MODEL.md §1 table, k = 0..4. */
const MODEL_TABLE: Record<string, number[]> = {
  relu: [0.398942280401, 0.5, 0.282094791774, 0, -0.081433751984],
  tanh: [0, 0.605705509602, 0, -0.148437190787, 0],
  softplus: [0.806059183347, 0.5, 0.146103084880, 0, -0.012736628954],
  gelu: [0.282094791774, 0.5, 0.299206710301, 0, -0.071977947807],
};

/** h_k(p/q) from exact integers H_k = q^k He_k(p/q): H_{k+1} = p H_k − k q² H_{k−1}, h_k² = H_k² / (q^{2k} k!). */
function exactHermite(p: number, q: number, k: number): number {
  const [P, Q2] = [BigInt(p), BigInt(q * q)];
  let [prev, cur] = [1n, P];
  for (let j = 1; j < k; j++) [prev, cur] = [cur, P * cur - BigInt(j) * Q2 * prev];
  if (k === 0) cur = 1n;
  let den = 1n;
  for (let j = 1; j <= k; j++) den *= BigInt(j) * Q2;
  const num = cur * cur;
  const shift = Math.max(0, 40 - (num.toString().length - den.toString().length));
  const ratio = Number((num * 10n ** BigInt(shift)) / den) / 10 ** shift;
  return (cur < 0n ? -1 : 1) * Math.sqrt(ratio);
}

describe('Gauss–Hermite rule', () => {
  it('has the known small rules', () => {
    const r2 = gaussHermite(simd, 2);
    expect(maxAbsDiff(r2.nodes, [-1, 1])).toBeLessThan(1e-15);
    expect(maxAbsDiff(r2.weights, [0.5, 0.5])).toBeLessThan(1e-15);
    const r3 = gaussHermite(simd, 3);
    expect(maxAbsDiff(r3.nodes, [-Math.sqrt(3), 0, Math.sqrt(3)])).toBeLessThan(1e-15);
    expect(maxAbsDiff(r3.weights, [1 / 6, 2 / 3, 1 / 6])).toBeLessThan(1e-15);
  });

  it('has weights summing to 1 and symmetric nodes, up to n = 1000', () => {
    for (const n of [1, 5, 64, 200, 1000]) {
      const { nodes, weights } = gaussHermite(simd, n);
      expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-14);
      for (let i = 0; i < n; i++) expect(nodes[i] + nodes[n - 1 - i]).toBe(0);
      for (let i = 1; i < n; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
    }
  });

  it('integrates E G^{2j} = (2j−1)!! exactly for j ≤ 20 at n = 200', () => {
    const { nodes, weights } = gaussHermite(simd, 200);
    for (let j = 0; j <= 20; j++) {
      const m = nodes.reduce((s, x, i) => s + weights[i] * x ** (2 * j), 0);
      expect(Math.abs(m / doubleFactorial(2 * j - 1) - 1), `j = ${j}`).toBeLessThan(2e-14);
    }
  });

  it('has its nodes at the zeros of He_n (n = 30)', () => {
    const { nodes } = gaussHermite(simd, 30);
    // a Newton step on He_30 (He_{k+1} = x He_k − k He_{k−1}, He_30′ = 30 He_29) must not move a node
    for (const x of nodes) {
      let [a, b] = [1, x];
      for (let k = 1; k < 30; k++) [a, b] = [b, x * b - k * a];
      expect(Math.abs(b / (30 * a))).toBeLessThan(1e-14 * Math.max(1, Math.abs(x)));
    }
  });
});

describe('Hermite functions', () => {
  it('are orthonormal under the 200-node rule up to degree 199', () => {
    const n = 200;
    const K = 199;
    const { nodes, weights } = gaussHermite(simd, n);
    const h = hermiteValues(simd, nodes, K);
    let worst = 0;
    for (let j = 0; j <= K; j += 3) {
      for (let k = j; k <= K; k += 2) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i] * h[j * n + i] * h[k * n + i];
        worst = Math.max(worst, Math.abs(s - (j === k ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('stay accurate at high degree (k up to 1000) against exact rational arithmetic', () => {
    const K = 1000;
    const points: [number, number][] = [[3, 2], [7, 1], [-11, 3], [25, 1]];
    const h = hermiteValues(simd, points.map(([p, q]) => p / q), K);
    const psi = hermiteValues(simd, points.map(([p, q]) => p / q), K, true);
    for (const k of [0, 1, 2, 57, 500, 777, 1000]) {
      points.forEach(([p, q], i) => {
        const ref = exactHermite(p, q, k);
        expect(Math.abs(h[k * points.length + i] / ref - 1), `h_${k}(${p}/${q})`).toBeLessThan(1e-12);
        const scaled = ref * Math.exp(-((p / q) ** 2) / 4);
        expect(Math.abs(psi[k * points.length + i] / scaled - 1)).toBeLessThan(1e-12);
      });
    }
  });
});

describe('project', () => {
  it('reproduces the MODEL.md table', () => {
    for (const [name, row] of Object.entries(MODEL_TABLE)) {
      const { coefficients } = coefficientsOf(name, 4);
      expect(maxAbsDiff(coefficients, row), name).toBeLessThan(6e-13);
    }
  });

  it('agrees with an independent tanh–sinh quadrature for smooth activations', () => {
    const K = 10;
    const cases: [ActivationSpec, (z: number) => number][] = [
      ['gelu', (z) => z * cdf(z)],
      ['softplus', (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))],
      ['tanh', Math.tanh],
      [{ name: 'tanh', shift: 0.3 }, (z) => Math.tanh(z + 0.3)],
      [{ name: 'sigmoid', shift: -1, scale: 2 }, (z) => 1 / (1 + Math.exp(1 - 2 * z))],
      [{ name: 'silu', scale: -0.5 }, (z) => (-0.5 * z) / (1 + Math.exp(0.5 * z))],
      [{ name: 'tanh', scale: 5 }, (z) => Math.tanh(5 * z)], // poles at ±iπ/10: Gauss–Hermite alone stalls
    ];
    for (const [spec, f] of cases) {
      const p = coefficientsOf(spec, K);
      const ref = hermiteCoefficients(f, K);
      expect(maxAbsDiff(p.coefficients, ref), JSON.stringify(spec)).toBeLessThan(1e-12);
      expect(Math.abs(p.norm2 - gaussExpect((z) => f(z) ** 2))).toBeLessThan(1e-12);
      expect(p.errorBound).toBeLessThan(1e-12);
    }
  });

  it('gives exact relu and abs coefficients for any shift and scale', () => {
    const K = 9;
    for (const [b, c] of [[0, 1], [0.7, 1.3], [-0.4, -2], [1.5, -0.6]]) {
      const z0 = -b / c;
      for (const [name, f] of [['relu', (u: number) => Math.max(u, 0)], ['abs', Math.abs]] as const) {
        const p = coefficientsOf({ name, shift: b, scale: c }, K);
        const g = (z: number) => f(c * z + b);
        expect(maxAbsDiff(p.coefficients, hermiteCoefficients(g, K, [z0])), `${name}(${c}z + ${b})`).toBeLessThan(1e-13);
        expect(Math.abs(p.norm2 - gaussExpect((z) => g(z) ** 2, [z0]))).toBeLessThan(1e-13);
      }
    }
  });

  it('satisfies Parseval for polynomials, with zero coefficients above the degree', () => {
    // E (c u + b)^j for u ~ N(0,1): Σ_i C(j, i) c^i b^{j−i} E G^i, E G^{2m} = (2m−1)!!
    const moment = (j: number, b: number, c: number): number => {
      let s = 0;
      let binom = 1;
      for (let i = 0; i <= j; i++) {
        if (i % 2 === 0) s += binom * c ** i * b ** (j - i) * doubleFactorial(i - 1);
        binom = (binom * (j - i)) / (i + 1);
      }
      return s;
    };
    const coef = [0.3, -1, 0.5, 0.25, -0.1, 0.05];
    const [b, c] = [0.4, -1.5];
    const p = coefficientsOf({ polynomial: coef, shift: b, scale: c }, 12);
    let norm2 = 0;
    coef.forEach((ci, i) => coef.forEach((cj, j) => (norm2 += ci * cj * moment(i + j, b, c))));
    const parseval = p.coefficients.reduce((s, f) => s + f * f, 0);
    expect(Math.abs(parseval / norm2 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(p.norm2 / norm2 - 1)).toBeLessThan(1e-13);
    for (let k = coef.length; k <= 12; k++) expect(Math.abs(p.coefficients[k])).toBeLessThan(1e-13);
    expect(Math.abs(p.coefficients[0] - coef.reduce((s, ci, i) => s + ci * moment(i, b, c), 0))).toBeLessThan(1e-13);
  });

  it('returns Hermite lists as they are, and projects callbacks like the named activation', () => {
    const p = coefficientsOf({ hermite: [1, -2, 3] }, 4);
    expect(Array.from(p.coefficients)).toEqual([1, -2, 3, 0, 0]);
    expect(p.norm2).toBe(14);
    const named = coefficientsOf('gelu', 20);
    const callback = project(simd, (z) => z * cdf(z), 20);
    expect(maxAbsDiff(named.coefficients, callback.coefficients)).toBeLessThan(1e-14);
  });

  it('satisfies Mehler: E[f(G1) g(G2)] = Σ f_k g_k ρ^k against 2-D quadrature', () => {
    const K = 80;
    for (const rho of [-0.7, 0.35, 0.8]) {
      const s = Math.sqrt(1 - rho * rho);
      // f = tanh(z + 0.3), g = relu: the inner expectation E_Z relu(ρx + sZ) = s φ(ρx/s) + ρx Φ(ρx/s)
      const f = coefficientsOf({ name: 'tanh', shift: 0.3 }, K).coefficients;
      const g = coefficientsOf('relu', K).coefficients;
      const inner = (x: number) => s * pdf((rho * x) / s) + rho * x * cdf((rho * x) / s);
      const ref = gaussExpect((x) => Math.tanh(x + 0.3) * inner(x));
      const series = f.reduce((acc, fk, k) => acc + fk * g[k] * rho ** k, 0);
      expect(Math.abs(series - ref), `relu, ρ = ${rho}`).toBeLessThan(1e-12);
    }
    // two smooth functions: nested tanh–sinh over x and z
    const rho = 0.6;
    const s = 0.8;
    const gelu = (z: number) => z * cdf(z);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const ref = tanhSinh((x) => pdf(x) * gelu(x) * tanhSinh((z) => pdf(z) * sigmoid(rho * x + s * z), -14, 14, 1 / 128), -14, 14, 1 / 128);
    const f = coefficientsOf('gelu', 60).coefficients;
    const g = coefficientsOf('sigmoid', 60).coefficients;
    expect(Math.abs(f.reduce((acc, fk, k) => acc + fk * g[k] * rho ** k, 0) - ref)).toBeLessThan(1e-12);
  });

  it('refuses degrees outside [0, 1000] and callbacks with non-finite values', () => {
    for (const K of [-1, 1.5, 1001, NaN]) expect(() => coefficientsOf('relu', K)).toThrow(ConfigError);
    expect(() => gaussHermite(simd, 0)).toThrow(ConfigError);
    expect(() => project(simd, (z) => Math.log(z), 3)).toThrow(/finite/);
  });
});

describe('project: properties in shift and scale', () => {
  const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const scale = fc.oneof(finite(0.2, 3), finite(-3, -0.2));

  it('act(−(cz + b)) after reflection z → −z: coefficients (−1)^k f_k', () => {
    fc.assert(fc.property(fc.constantFrom(...ACTIVATION_NAMES), finite(-1, 1), scale, (name, b, c) => {
      const p = coefficientsOf({ name, shift: b, scale: c }, 12);
      const q = coefficientsOf({ name, shift: b, scale: -c }, 12);
      const tol = p.errorBound + q.errorBound + 1e-13;
      p.coefficients.forEach((f, k) => expect(Math.abs(q.coefficients[k] - (-1) ** k * f)).toBeLessThanOrEqual(tol));
    }), { numRuns: 25, seed: 7 });
  });

  it('relu(cz) = c·relu(z) for c > 0', () => {
    const base = coefficientsOf('relu', 16).coefficients;
    fc.assert(fc.property(finite(0.01, 50), (c) => {
      const p = coefficientsOf({ name: 'relu', scale: c }, 16).coefficients;
      p.forEach((f, k) => expect(Math.abs(f - c * base[k])).toBeLessThanOrEqual(1e-15 * c));
    }), { numRuns: 30, seed: 11 });
  });

  it('identity with shift b and scale c gives [b, c, 0, …]', () => {
    fc.assert(fc.property(finite(-5, 5), scale, (b, c) => {
      const p = coefficientsOf({ name: 'identity', shift: b, scale: c }, 6).coefficients;
      expect(maxAbsDiff(p, [b, c, 0, 0, 0, 0, 0])).toBeLessThan(1e-14 * (1 + Math.abs(b) + Math.abs(c)));
    }), { numRuns: 30, seed: 13 });
  });

  it('relu(cz + b): the closed form agrees with the split quadrature of a callback', () => {
    fc.assert(fc.property(finite(-2, 2), scale, (b, c) => {
      const closed = coefficientsOf({ name: 'relu', shift: b, scale: c }, 10);
      const split = project(simd, (z) => Math.max(c * z + b, 0), 10, { kinks: [-b / c] });
      expect(maxAbsDiff(closed.coefficients, split.coefficients)).toBeLessThanOrEqual(closed.errorBound + split.errorBound + 1e-13);
      expect(Math.abs(closed.norm2 - split.norm2)).toBeLessThan(1e-12);
    }), { numRuns: 15, seed: 17 });
  });
});

describe('SIMD and scalar builds', () => {
  it('agree to 1e-13 on rules, Hermite values and projections', () => {
    for (const n of [7, 200]) {
      const [a, b] = [gaussHermite(simd, n), gaussHermite(scalar, n)];
      expect(maxAbsDiff(a.nodes, b.nodes)).toBeLessThanOrEqual(1e-13 * n);
      expect(maxAbsDiff(a.weights, b.weights)).toBeLessThanOrEqual(1e-13);
    }
    const x = Array.from({ length: 101 }, (_, i) => -10 + 0.2 * i + 0.01);
    const [ha, hb] = [hermiteValues(simd, x, 60, true), hermiteValues(scalar, x, 60, true)];
    expect(maxAbsDiff(ha, hb)).toBeLessThanOrEqual(1e-13);
    for (const spec of ['relu', 'tanh', { name: 'gelu', shift: 0.2 }, { polynomial: [1, 2, 3] }] as ActivationSpec[]) {
      const a = resolveActivation(spec);
      const [pa, pb] = [project(simd, a, 40), project(scalar, a, 40)];
      expect(maxAbsDiff(pa.coefficients, pb.coefficients)).toBeLessThanOrEqual(1e-13 * Math.sqrt(pb.norm2));
    }
  });
});
