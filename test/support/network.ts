// Helpers for the finite-network tests: the ReLU Hermite coefficients and kernel from
// MODEL.md's closed forms, a seeded normal generator (independent of the Wasm RNG), and
// problem builders.
import seedrandom from 'seedrandom';
import { resolveActivation, type ActivationSpec } from '../../src/hermite/activation.js';
import type { NetworkProblem } from '../../src/models/network.js';

/** ReLU σ_0..σ_K (MODEL.md §1): σ_0 = 1/√(2π), σ_1 = ½, odd k ≥ 3: 0, even k ≥ 2: He_{k−2}(0)/(√(2π)√k!). */
export function reluCoefficients(K: number): Float64Array {
  const c = new Float64Array(K + 1);
  const inv = 1 / Math.sqrt(2 * Math.PI);
  let he = 1; // He_{k−2}(0) = (−1)^{(k−2)/2} (k−3)!!
  let fact = 2; // k!
  c[0] = inv;
  if (K >= 1) c[1] = 0.5;
  for (let k = 2; k <= K; k++) {
    if (k > 2) fact *= k;
    if (k % 2 === 0) {
      if (k >= 4) he *= -(k - 3);
      c[k] = (he * inv) / Math.sqrt(fact);
    }
  }
  return c;
}

/** ReLU kernel U and U' (Cho & Saul; MODEL.md §1). */
export const reluU = (r: number) => (Math.sqrt(Math.max(0, 1 - r * r)) + (Math.PI - Math.acos(Math.min(1, Math.max(-1, r)))) * r) / (2 * Math.PI);
export const reluUp = (r: number) => (Math.PI - Math.acos(Math.min(1, Math.max(-1, r)))) / (2 * Math.PI);

/** Σ c_k x^k and its derivative. */
export const poly = (c: ArrayLike<number>, x: number) => Array.from(c).reduceRight((s, ck) => s * x + ck, 0);
export const polyDeriv = (c: ArrayLike<number>, x: number) => Array.from(c).reduceRight((s, ck, k) => (k ? s * x + k * ck : s), 0);

/** Seeded N(0,1) sampler (seedrandom + Box–Muller), independent of the Wasm generator. */
export function normals(seed: string): () => number {
  const u = seedrandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** m random unit rows of length d. */
export function unitRows(m: number, d: number, g: () => number): Float64Array {
  const w = Float64Array.from({ length: m * d }, g);
  for (let i = 0; i < m; i++) {
    const row = w.subarray(i * d, (i + 1) * d);
    const n = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    row.forEach((x, j) => (row[j] = x / n));
  }
  return w;
}

const norm2 = (c: Float64Array) => c.reduce((s, x) => s + x * x, 0);

/**
 * A problem with a Hermite-series activation (σ_k given; exact) or ReLU (K = 40 coefficients
 * and ‖σ‖² = ½), target φ = Σ_k phi_k h_k.
 */
export function makeProblem(o: {
  activation: 'relu' | number[]; phi: number[]; m: number; d: number; epsilon?: number; noise?: number;
  a0?: Float64Array; w0?: Float64Array | null; direction?: Float64Array | null; seed?: number; degrees?: number;
}): NetworkProblem {
  const K = o.activation === 'relu' ? 40 : Math.max(o.activation.length, o.phi.length) - 1;
  const sigma = o.activation === 'relu' ? reluCoefficients(K) : Float64Array.from({ length: K + 1 }, (_, k) => (o.activation as number[])[k] ?? 0);
  const phi = Float64Array.from({ length: K + 1 }, (_, k) => o.phi[k] ?? 0);
  const spec: ActivationSpec = o.activation === 'relu' ? 'relu' : { hermite: o.activation };
  const g = normals(`a0-${o.m}`);
  return {
    activation: resolveActivation(spec), target: resolveActivation({ hermite: o.phi }, 'target'),
    sigma, phi, sigmaNorm2: o.activation === 'relu' ? 0.5 : norm2(sigma), phiNorm2: norm2(phi),
    noise: o.noise ?? 0, epsilon: o.epsilon ?? 1, d: o.d, m: o.m,
    a0: o.a0 ?? Float64Array.from({ length: o.m }, g), w0: o.w0 ?? null, direction: o.direction ?? null,
    seed: o.seed ?? 1, degrees: o.degrees ?? 2,
  };
}
