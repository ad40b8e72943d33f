import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { populationGradient, populationRisk, solveNetwork, type NetworkProblem } from '../src/models/network.js';
import { loadCore } from '../src/wasm/loader.js';
import { resolveActivation } from '../src/hermite/activation.js';
import { makeProblem, normals, poly, polyDeriv, reluCoefficients, reluU, reluUp, unitRows } from './support/network.js';

type Kernels = { U: (r: number) => number; Up: (r: number) => number; V: (s: number) => number; Vp: (s: number) => number };

/** U, U', V, V' straight from MODEL.md §2: the ReLU closed form, or the Mehler series of a Hermite activation. */
function kernelsOf(p: NetworkProblem): Kernels {
  const vc = p.phi.map((x, k) => x * p.sigma[k]);
  const uc = p.sigma.map((x) => x * x);
  const relu = p.activation.label === 'relu';
  const both = relu && p.target.label === 'relu'; // V = U
  return {
    U: relu ? reluU : (r) => poly(uc, r), Up: relu ? reluUp : (r) => polyDeriv(uc, r),
    V: both ? reluU : (s) => poly(vc, s), Vp: both ? reluUp : (s) => polyDeriv(vc, s),
  };
}

const dotRows = (x: Float64Array, i: number, y: Float64Array, j: number, d: number) => {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[i * d + k] * y[j * d + k];
  return s;
};

function unit(p: NetworkProblem): Float64Array {
  const u = p.direction ?? Float64Array.from({ length: p.d }, (_, i) => +(i === 0));
  const n = Math.sqrt(dotRows(u, 0, u, 0, p.d));
  return u.map((x) => x / n);
}

/** Population risk in the expanded form of MODEL.md §2, in full dimension. */
function fullRisk(p: NetworkProblem, k: Kernels, a: Float64Array, w: Float64Array): number {
  const { m, d } = p;
  const u = unit(p);
  let r = 0.5 * (p.phiNorm2 + p.noise ** 2);
  for (let i = 0; i < m; i++) {
    r -= (a[i] * k.V(dotRows(w, i, u, 0, d))) / m;
    for (let j = 0; j < m; j++) r += (a[i] * a[j] * k.U(dotRows(w, i, w, j, d))) / (2 * m * m);
  }
  return r;
}

/** Plain projected GD in R^d (MODEL.md §3), one step: the reference for the reduced-basis solver. */
function fullStep(p: NetworkProblem, k: Kernels, eta: number, a: Float64Array, w: Float64Array): void {
  const { m, d } = p;
  const u = unit(p);
  const ga = new Float64Array(m);
  const gw = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    const si = dotRows(w, i, u, 0, d);
    ga[i] = k.V(si);
    for (let j = 0; j < m; j++) {
      const rho = dotRows(w, i, w, j, d);
      ga[i] -= (a[j] * k.U(rho)) / m;
      for (let l = 0; l < d; l++) gw[i * d + l] -= (a[i] * a[j] * k.Up(rho) * w[j * d + l]) / m;
    }
    for (let l = 0; l < d; l++) gw[i * d + l] += a[i] * k.Vp(si) * u[l];
    const c = dotRows(gw, i, w, i, d);
    for (let l = 0; l < d; l++) gw[i * d + l] -= c * w[i * d + l];
  }
  for (let i = 0; i < m; i++) {
    a[i] += (eta / p.epsilon) * ga[i];
    for (let l = 0; l < d; l++) w[i * d + l] += eta * gw[i * d + l];
    const n = Math.sqrt(dotRows(w, i, w, i, d));
    for (let l = 0; l < d; l++) w[i * d + l] /= n;
  }
}

describe('population GD in the reduced basis', () => {
  const cases = [
    { name: 'ReLU, d = 7 > m + 1', activation: 'relu' as const, m: 4, d: 7, phi: [1, 1, 1] },
    { name: 'Hermite σ = h_0/2 + h_1 + h_2/2 + h_3/3, d = 3 < m + 1 (rank-deficient span)', activation: [0.5, 1, 0.5, 1 / 3], m: 5, d: 3, phi: [0.3, 1, 0.7, 0.2] },
  ];
  for (const c of cases) {
    it(`equals plain full-d GD to 1e-10: ${c.name}`, async () => {
      const core = await loadCore();
      const g = normals(`w-${c.name}`);
      const direction = Float64Array.from({ length: c.d }, g);
      const p = makeProblem({ ...c, epsilon: 0.5, noise: 0.3, w0: unitRows(c.m, c.d, g), direction });
      const k = kernelsOf(p);
      const eta = 0.05;
      const times = Float64Array.of(0, 0.5, 2);
      const sol = solveNetwork(core, p, { eta, keepWeights: true }, times);
      expect(sol.retcode).toBe('success');
      const a = p.a0.slice();
      const w = p.w0!.slice();
      const u = unit(p);
      let step = 0;
      times.forEach((t, n) => {
        for (; step < Math.round(t / eta); step++) fullStep(p, k, eta, a, w);
        expect(sol.t[n]).toBeCloseTo(t, 14);
        expect(Math.abs(sol.risk[n] - fullRisk(p, k, a, w))).toBeLessThan(1e-10);
        for (let i = 0; i < c.m; i++) {
          expect(Math.abs(sol.a![n * c.m + i] - a[i])).toBeLessThan(1e-10);
          expect(Math.abs(sol.s![n * c.m + i] - dotRows(w, i, u, 0, c.d))).toBeLessThan(1e-10);
        }
      });
    });
  }

  it('gives the same trajectory in the SIMD and scalar builds (to 1e-12)', async () => {
    const p = makeProblem({ activation: 'relu', m: 12, d: 1e6, phi: [1, 1, 1], epsilon: 0.1 });
    const times = Float64Array.of(0.1, 1);
    const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
    const x = solveNetwork(simd, p, { eta: 0.01, keepWeights: true }, times);
    const y = solveNetwork(scalar, p, { eta: 0.01, keepWeights: true }, times);
    for (const key of ['risk', 'mfRisk', 'a', 's'] as const) {
      x[key]!.forEach((v, i) => expect(Math.abs(v - y[key]![i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
    }
  });

  it('refuses an unstable step up front, naming the largest stable eta', async () => {
    const core = await loadCore();
    const p = makeProblem({ activation: 'relu', m: 3, d: 10, phi: [1, 1], epsilon: 0.01 });
    // ‖σ‖² = ½ for ReLU: the bound is 2ε/‖σ‖² = 0.04
    expect(() => solveNetwork(core, p, { eta: 0.05 }, Float64Array.of(1))).toThrow(ConfigError);
    expect(() => solveNetwork(core, p, { eta: 0.05 }, Float64Array.of(1))).toThrow(/eta: must be in \(0, 0\.04\)/);
  });

  it('stops with retcode blowup, naming the time and the variable, and keeps the trajectory so far', async () => {
    const core = await loadCore();
    // Understating ‖σ‖² (true value ½) lets an unstable η through: a_i diverges.
    const p = { ...makeProblem({ activation: 'relu', m: 3, d: 10, phi: [1, 1] }), sigmaNorm2: 1e-3 };
    const sol = solveNetwork(core, p, { eta: 1000 }, Float64Array.of(0, 1000, 1e7));
    expect(sol.retcode).toBe('blowup');
    // a_i overflows, or w_i's step (∝ a_i a_j) does first
    expect(sol.message).toMatch(/^non-finite [aw]\[\d\] at t = \d+ \(step \d+\)$/);
    expect(Array.from(sol.t)).toEqual([0, 1000]);
    expect(sol.risk.every(Number.isFinite)).toBe(true);
  });
});

describe('run hooks', () => {
  it('reports frames and progress, and stops at the next output when aborted', async () => {
    const core = await loadCore();
    const p = makeProblem({ activation: 'relu', m: 3, d: 10, phi: [1, 1, 1], degrees: 4 });
    const sol0 = solveNetwork(core, p, { eta: 1e-3 }, Float64Array.of(0, 0.5));
    const frames: number[] = [];
    const progress: number[] = [];
    const controller = new AbortController();
    const sol = solveNetwork(core, p, { eta: 1e-3 }, Float64Array.of(0, 0.5, 500), {
      onFrame: (f) => {
        frames.push(f.index);
        expect(f.components.length).toBe(5);
        expect(f.risk).toBe(sol0.risk[f.index]);
      },
      onProgress: (fraction) => {
        progress.push(fraction);
        if (fraction > 0.1) controller.abort();
      },
      signal: controller.signal,
    });
    expect(sol.retcode).toBe('aborted');
    expect(sol.message).toMatch(/^aborted at t = [\d.]+ \(step \d+\)$/);
    expect(Array.from(sol.t)).toEqual([0, 0.5]);
    expect(frames).toEqual([0, 1]);
    expect(progress.every((x, i) => x > 0 && x <= 1 && (i === 0 || x > progress[i - 1]))).toBe(true);
  });
});

describe('population risk and gradients at explicit weights', () => {
  const m = 4;
  const d = 6;
  const g = normals('fd');
  const w = unitRows(m, d, g);
  const direction = Float64Array.from({ length: d }, g);
  const problems = {
    relu: makeProblem({ activation: 'relu', m, d, phi: [0.5, 1, 0.8], noise: 0.2, direction }),
    hermite: makeProblem({ activation: [0.1, 0.9, 0.5, 0.3], m, d, phi: [0.5, 1, 0.8, 0.4], direction }),
    // closed-form V = U and a target beyond every truncation degree: ‖φ‖² = ½ > Σ_{k≤40} φ_k²
    'relu target': { ...makeProblem({ activation: 'relu', m, d, phi: [0], direction }), target: resolveActivation('relu'), phi: reluCoefficients(40), phiNorm2: 0.5 },
  };

  for (const [name, p] of Object.entries(problems)) {
    it(`R(a, W) matches the expanded kernel form (${name})`, async () => {
      const core = await loadCore();
      const got = populationRisk(core, p, p.a0, w);
      expect(Math.abs(got.risk - fullRisk(p, kernelsOf(p), p.a0, w))).toBeLessThan(1e-13);
    });

    it(`the GD directions are −m times finite differences of R (${name})`, async () => {
      const core = await loadCore();
      const R = (a: Float64Array, ww: Float64Array) => populationRisk(core, p, a, ww).risk;
      const grad = populationGradient(core, p, p.a0, w);
      const h = 1e-5;
      for (let i = 0; i < m; i++) {
        const plus = p.a0.slice();
        const minus = p.a0.slice();
        plus[i] += h;
        minus[i] -= h;
        const fd = (R(plus, w) - R(minus, w)) / (2 * h);
        expect(Math.abs(-m * fd - grad.a[i])).toBeLessThan(1e-8);
        // along a tangent direction v ⊥ w_i: d/dδ R(normalize(w_i + δ v)) = ⟨∇_{w_i} R, v⟩
        const v = Float64Array.from({ length: d }, g);
        const c = dotRows(v, 0, w, i, d);
        for (let l = 0; l < d; l++) v[l] -= c * w[i * d + l];
        const moved = (sgn: number) => {
          const ww = w.slice();
          for (let l = 0; l < d; l++) ww[i * d + l] += sgn * h * v[l];
          return ww; // populationRisk normalizes the rows
        };
        const fdw = (R(p.a0, moved(1)) - R(p.a0, moved(-1))) / (2 * h);
        let dir = 0;
        for (let l = 0; l < d; l++) dir += grad.w[i * d + l] * v[l];
        expect(Math.abs(-m * fdw - dir)).toBeLessThan(1e-8);
        expect(Math.abs(dotRows(grad.w, i, w, i, d))).toBeLessThan(1e-14); // tangent to the sphere
      }
    });
  }

  it('R_mf equals ½ Σ_k (φ_k − σ_k M_k)² + ½ τ² for a Hermite activation', async () => {
    const core = await loadCore();
    const p = problems.hermite;
    const got = populationRisk(core, p, p.a0, w);
    const u = unit(p);
    const s = Array.from({ length: m }, (_, i) => dotRows(w, i, u, 0, d));
    let want = 0;
    p.phi.forEach((phik, k) => {
      const Mk = s.reduce((acc, si, i) => acc + p.a0[i] * si ** k, 0) / m;
      want += 0.5 * (phik - p.sigma[k] * Mk) ** 2;
    });
    expect(Math.abs(got.mfRisk - want)).toBeLessThan(1e-14);
  });
});

describe('random initialization (Bartlett decomposition)', () => {
  it('gives uniform unit vectors: E s² = 1/d, E s⁴ = 3/(d(d+2)), E ρ_ij² = 1/d, rank min(m+1, d)', async () => {
    const core = await loadCore();
    for (const d of [3, 40, 1e9]) {
      const m = 2000;
      const r = Math.min(m + 1, d);
      const { C } = core.scoped(() => {
        const rng = core.allocF64(4);
        const Cp = core.allocF64(m * r);
        core.exports.rngSeed(rng, 17);
        core.exports.sphereInit(rng, m, d, Cp, r);
        return { C: core.f64(Cp, m * r).slice() };
      });
      const s2: number[] = [];
      const s4: number[] = [];
      const rho2: number[] = [];
      for (let i = 0; i < m; i++) {
        expect(Math.abs(dotRows(C, i, C, i, r) - 1)).toBeLessThan(1e-14);
        s2.push(C[i * r] ** 2 * d);
        s4.push((C[i * r] ** 4 * d * (d + 2)) / 3);
        if (i % 2) rho2.push(dotRows(C, i, C, i - 1, r) ** 2 * d); // disjoint pairs: independent
      }
      for (const xs of [s2, s4, rho2]) {
        // each normalized sample has mean 1; 6 standard errors from the sample's own spread
        const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((x, y) => x + (y - mean) ** 2, 0) / (xs.length - 1));
        expect(Math.abs(mean - 1)).toBeLessThan((6 * sd) / Math.sqrt(xs.length));
      }
    }
  });
});

describe('large d and m: the network follows the d → ∞ flow', () => {
  it('R_mf of GD stays close to an RK4 solution of the (a, s) flow, closer as m grows', async () => {
    const core = await loadCore();
    // Hermite σ = h_0 + h_1 + h_2 (σ² coefficients keep every degree), target h_0 + h_1 + h_2
    const sigma = [1, 1, 1];
    const phi = [1, 1, 1];
    const T = 0.5;
    const eta = 1e-3;
    const errors: number[] = [];
    for (const m of [10, 80]) {
      const d = 1e12;
      const p = makeProblem({ activation: sigma, phi, m, d, seed: 3 });
      const sol = solveNetwork(core, p, { eta, keepWeights: true }, Float64Array.of(0, T));
      const a = sol.a!.slice(0, m);
      const s = sol.s!.slice(0, m);
      // (a, s) flow of MODEL.md §4 in moment form, RK4 with h = 1e-3
      const rhs = (y: Float64Array) => {
        const M = [0, 1, 2].map((k) => y.subarray(0, m).reduce((acc, ai, i) => acc + ai * y[m + i] ** k, 0) / m);
        const res = M.map((Mk, k) => phi[k] - sigma[k] * Mk);
        return Float64Array.from({ length: 2 * m }, (_, j) => {
          const i = j % m;
          const si = y[m + i];
          if (j < m) return (res[0] * sigma[0] + res[1] * sigma[1] * si + res[2] * sigma[2] * si * si) / p.epsilon;
          return (1 - si * si) * y[i] * (res[1] * sigma[1] + 2 * res[2] * sigma[2] * si);
        });
      };
      let y = Float64Array.from([...a, ...s]);
      const h = 1e-3;
      for (let n = 0; n < T / h; n++) {
        const k1 = rhs(y);
        const k2 = rhs(y.map((v, j) => v + (h / 2) * k1[j]));
        const k3 = rhs(y.map((v, j) => v + (h / 2) * k2[j]));
        const k4 = rhs(y.map((v, j) => v + h * k3[j]));
        y = y.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
      }
      const M = [0, 1, 2].map((k) => y.subarray(0, m).reduce((acc, ai, i) => acc + ai * y[m + i] ** k, 0) / m);
      const rmf = M.reduce((acc, Mk, k) => acc + 0.5 * (phi[k] - sigma[k] * Mk) ** 2, 0);
      errors.push(Math.abs(sol.mfRisk![1] - rmf) / sol.mfRisk![0]);
    }
    // The gap is the self-interaction U(1) vs U(s_i²) in the j = i terms, O(1/m), plus the
    // GD step O(η) and O(d^{-1/2}) (negligible at d = 1e12): 8× more neurons, ≥ 4× closer.
    expect(errors[1]).toBeLessThan(errors[0] / 4);
    expect(errors[1]).toBeLessThan(0.005);
  });
});
