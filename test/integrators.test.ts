// The integrators on the mean-field flow: convergence orders against a solution known by
// quadrature, the stiff method against a tight explicit run, MODEL.md §6's learning story,
// ε-independent step counts, monotone risk, failures that keep the trajectory, and SIMD = scalar.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { Integrator, integratorBytes, METHOD_NAMES, type MethodName } from '../src/solvers/integrator.js';
import { prepareSystem, resolveForm, resolveMethod, solveMeanfield, type MeanfieldAlgorithm, type MeanfieldProblem } from '../src/models/meanfield.js';
import { loadCore } from '../src/wasm/loader.js';
import { normals, reluCoefficients } from './support/network.js';

const core = await loadCore('simd');
const RELU = core.exports.KERNEL_RELU.value;

/**
 * One neuron, σ = φ = h_1, ε = 1: ȧ = r s, ṡ = (1 − s²) a r with r = 1 − a s. Then
 * d/dt [a² + ln(1 − s²)] = 0, so a(s) = √(C − ln(1 − s²)) and t(s) = ∫ ds / ((1 − s²) a(s) r(s)):
 * the exact solution by quadrature (composite Simpson, 40000 panels: error ≲ 1e-14 in s for s ≤ 0.7).
 */
const ONE = { sigma: Float64Array.of(0, 1), phi: Float64Array.of(0, 1), kernel: null, noise: 0, epsilon: 1, a0: Float64Array.of(1), s0: Float64Array.of(0.1), degrees: 1 };
const C = 1 + Math.log(1 - 0.01);
const aOf = (s: number) => Math.sqrt(C - Math.log(1 - s * s));
const speed = (s: number) => (1 - s * s) * aOf(s) * (1 - aOf(s) * s);
function timeOf(s: number): number {
  const N = 40000;
  const h = (s - 0.1) / N;
  let sum = 1 / speed(0.1) + 1 / speed(s);
  for (let i = 1; i < N; i++) sum += (i % 2 ? 4 : 2) / speed(0.1 + i * h);
  return (sum * h) / 3;
}
/** s(t) by bisection on t(s) = t (below the fixed point a(s) s = 1 near s = 0.745), polished by Newton; memoized. */
const exactCache = new Map<number, [number, number]>();
function exact(t: number): [number, number] {
  const hit = exactCache.get(t);
  if (hit) return hit;
  let lo = 0.1;
  let hi = 0.74;
  for (let i = 0; i < 12; i++) {
    const mid = 0.5 * (lo + hi);
    if (timeOf(mid) < t) lo = mid;
    else hi = mid;
  }
  let s = 0.5 * (lo + hi);
  for (let i = 0; i < 4; i++) s -= (timeOf(s) - t) * speed(s);
  const value: [number, number] = [aOf(s), s];
  exactCache.set(t, value);
  return value;
}

/** Max error over output times spread through [0, T] (most of them mid-step) after N fixed steps. */
function fixedStepError(method: MethodName, N: number, T: number): number {
  return core.scoped(() => {
    const sys = prepareSystem(core, ONE, 'moment', true);
    const it = new Integrator(core, sys, 2, core.put([1, 0.1]), 0, T, { method, rtol: 1, atol: 1, h0: T / N, fixed: true, maxSteps: 1e6 });
    const out = core.allocF64(2);
    let worst = 0;
    for (let i = 1; i <= 16; i++) {
      const t = (T * i) / 16 - (T * 0.37) / 16 * (i % 2);
      expect(it.advance(t, out)).toBe('success');
      const y = core.f64(out, 2);
      const e = exact(t);
      worst = Math.max(worst, Math.abs(y[0] - e[0]), Math.abs(y[1] - e[1]));
    }
    return worst;
  });
}

describe('the method table', () => {
  it('names the methods the facade knows, sizes their workspaces, and reports every counter', () => {
    const x = core.exports;
    expect(x.integratorMethodCount()).toBe(METHOD_NAMES.length);
    // a block is a header and 6 + stages vectors of n doubles: 3, 5, 6 and 12 stage vectors
    const stages = { rk4: 3, dopri5: 5, rodas4: 6, bdf: 12 };
    for (const method of METHOD_NAMES) {
      const perUnknown = (integratorBytes(core, method, 30) - integratorBytes(core, method, 10)) / 20;
      expect(perUnknown, method).toBe(8 * (6 + stages[method]));
      expect(integratorBytes(core, method, 10)).toBeGreaterThan(8 * (6 + stages[method]) * 10);
    }
    const st = core.scoped(() => {
      const sys = prepareSystem(core, ONE, 'moment', true);
      const it = new Integrator(core, sys, 2, core.put([1, 0.1]), 0, 1, { method: 'dopri5', rtol: 1e-6, atol: 1e-9, h0: 0, maxSteps: 1e6 });
      expect(it.advance(1, core.allocF64(2))).toBe('success');
      return it.stats();
    });
    expect(Object.keys(st).sort()).toEqual(['errorFails', 'failIndex', 'failValue', 'floored', 'h', 'newtonFails', 'newtonIters',
      'nfev', 'njev', 'nlu', 'order', 'rejected', 'retcode', 'steps', 't']);
    // DP5 is FSAL: six right-hand sides per attempted step, plus the start's f(y0) and its Euler probe
    expect(st).toMatchObject({ t: 1, retcode: 'success', failIndex: -1, njev: 0, nlu: 0 });
    expect(st.nfev).toBe(6 * (st.steps + st.rejected) + 2);
  });
});

describe('integrator convergence orders', () => {
  // The dense outputs (cubic Hermite for RK4, order-4 continuous extension for DP5, order-3 one for
  // RODAS4) add local errors O(h^4), O(h^5), O(h^4): the interpolated values converge at the method's
  // order too. RODAS4's fit lands near 4.8 on this non-stiff problem: its leading error term is small.
  // Observed order: least-squares slope of log(error) against log(N) over five halvings of h (the
  // error constants change sign along the way, so single ratios scatter by ±1 around the order).
  it.each([
    ['rk4', 3.7, 4.4],
    ['dopri5', 4.7, 5.6],
    ['rodas4', 3.6, 5.0],
  ] as const)('%s converges at its order, at the step ends and in between', (method, lo, hi) => {
    const Ns = method === 'dopri5' ? [5, 10, 20, 40, 80] : [10, 20, 40, 80, 160];
    const x = Ns.map(Math.log2);
    const y = Ns.map((N) => -Math.log2(fixedStepError(method, N, 1)));
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(lo);
    expect(slope).toBeLessThan(hi);
  });

  it('bdf with fixed steps keeps h = h0, rejects nothing, and converges as h shrinks', () => {
    const errors = [80, 160, 320, 640].map((N) => core.scoped(() => {
      const sys = prepareSystem(core, ONE, 'moment', true);
      const it = new Integrator(core, sys, 2, core.put([1, 0.1]), 0, 1, { method: 'bdf', rtol: 1e-6, atol: 1e-8, h0: 1 / N, fixed: true, maxSteps: 1e6 });
      const out = core.allocF64(2);
      expect(it.advance(1, out)).toBe('success');
      const st = it.stats();
      expect(st).toMatchObject({ rejected: 0, errorFails: 0, t: 1 });
      // N steps of h0, and at most one more: t_k = t_{k−1} + h0 drifts by rounding from k h0
      expect(st.steps - N).toBeGreaterThanOrEqual(0);
      expect(st.steps - N).toBeLessThanOrEqual(1);
      expect(st.order).toBeGreaterThan(1); // the order is still chosen
      const y = core.f64(out, 2);
      const e = exact(1);
      return Math.max(Math.abs(y[0] - e[0]), Math.abs(y[1] - e[1]));
    }));
    // at least second order: the start-up steps at orders 1 and 2 bound it
    for (let i = 1; i < errors.length; i++) expect(errors[i], `N = ${80 * 2 ** i}`).toBeLessThan(errors[i - 1] / 3);
  });

  it('meets its tolerance when adaptive', () => {
    for (const method of ['dopri5', 'stiff'] as const) {
      const tr = solveMeanfield(core, ONE, { method, form: 'moment', rtol: 1e-9, atol: 1e-12 }, Float64Array.of(0.25, 0.5, 1));
      expect(tr.retcode).toBe('success');
      tr.t.forEach((t, i) => expect(Math.abs(tr.s![i] - exact(t)[1])).toBeLessThan(1e-7));
    }
  });
});

/** ReLU, φ = h_0 + h_1 + h_2, m = 10, a_i(0) ~ N(0,1) from seedrandom('1'), s(0) = 0 (MODEL.md §6). */
function paperProblem(epsilon: number, K = 2): MeanfieldProblem {
  const phi = new Float64Array(K + 1);
  phi.set([1, 1, 1]);
  const g = normals('1');
  return {
    sigma: reluCoefficients(K), phi, kernel: { kind: RELU, gain: 1 }, noise: 0, epsilon,
    a0: Float64Array.from({ length: 10 }, g), s0: new Float64Array(10), degrees: 2,
  };
}
const logspace = (lo: number, hi: number, n: number) => Float64Array.from({ length: n }, (_, i) => 10 ** (lo + ((hi - lo) * i) / (n - 1)));
const STIFF: MeanfieldAlgorithm = { method: 'stiff', form: 'auto', rtol: 1e-8, atol: 1e-10 };

/** First output time with R_k ≤ 0.1 R_k(0) (MODEL.md §6). */
function learningTime(tr: { t: Float64Array; components: Float64Array }, k: number, r0: number): number {
  const i = tr.t.findIndex((_, j) => tr.components[3 * j + k] <= 0.1 * r0);
  return i < 0 ? Infinity : tr.t[i];
}

describe('stiff method on the paper problem', () => {
  it('agrees with a tight Dormand–Prince run at ε = 1e-2', () => {
    const p = paperProblem(1e-2);
    const times = logspace(-4, 1, 21);
    const stiff = solveMeanfield(core, p, { ...STIFF, rtol: 1e-10, atol: 1e-12 }, times);
    const ref = solveMeanfield(core, p, { method: 'dopri5', form: 'auto', rtol: 1e-12, atol: 1e-14 }, times);
    expect(stiff.stats.method).toBe('rodas4');
    expect(ref.stats.method).toBe('dopri5');
    stiff.risk.forEach((r, i) => expect(Math.abs(r - ref.risk[i])).toBeLessThan(1e-7 * ref.risk[i] + 1e-12));
    stiff.a!.forEach((a, i) => expect(Math.abs(a - ref.a![i])).toBeLessThan(1e-6 * (1 + Math.abs(ref.a![i]))));
    stiff.s!.forEach((s, i) => expect(Math.abs(s - ref.s![i])).toBeLessThan(1e-7));
  });

  it("reproduces MODEL.md §6 at ε = 1e-6 and 1e-3: plateaus 1.47 → 1 → ½ → 0, drops where it says", () => {
    const p6 = paperProblem(1e-6);
    const tr = solveMeanfield(core, p6, STIFF, logspace(-9, 1, 201));
    expect(tr.retcode).toBe('success');
    // R(0) from a(0) alone: s(0) = 0 leaves M_0 = mean a(0), M_k = 0 for k ≥ 1.
    const M0 = p6.a0.reduce((s, a) => s + a, 0) / 10;
    const r0 = 0.5 * (1 - p6.sigma[0] * M0) ** 2;
    expect(Math.abs(tr.risk[0] - (r0 + 1))).toBeLessThan(2e-3);
    const at = (t: number) => tr.t.findIndex((u) => u >= t * (1 - 1e-9));
    // Between the constant and the linear phase: R = ½φ_1² + ½φ_2² = 1 (R_0 ≈ 0).
    expect(Math.abs(tr.risk[at(1e-4)] - 1)).toBeLessThan(1e-3);
    // Between the linear and the quadratic phase: R_1 ≈ 0 while R_2 is still near ½.
    const mid = tr.t.findIndex((_, i) => tr.components[3 * i + 1] < 2e-3 && tr.components[3 * i + 2] > 0.44);
    expect(mid).toBeGreaterThan(0);
    expect(Math.abs(tr.risk[mid] - 0.5)).toBeLessThan(0.06);
    expect(tr.risk[at(1)]).toBeLessThan(2e-3);
    // MODEL.md's times are read off a plot for another seed; the phases move by 1000×, 30× and
    // ~20× between ε = 1e-3 and 1e-6, so half a decade (factor 3) tells the scalings apart.
    const near = (t: number, expected: number) => expect(Math.abs(Math.log10(t / expected))).toBeLessThan(Math.log10(3));
    near(learningTime(tr, 0, r0), 1e-5);
    near(learningTime(tr, 1, 0.5), 1e-2);
    near(learningTime(tr, 2, 0.5), 0.1);
    const tr3 = solveMeanfield(core, paperProblem(1e-3), STIFF, logspace(-6, 1.5, 151));
    near(learningTime(tr3, 0, r0), 0.02);
    near(learningTime(tr3, 1, 0.5), 0.2);
    near(learningTime(tr3, 2, 0.5), 3);
  });

  it('never lets R_mf rise along the solution', () => {
    for (const method of ['stiff', 'dopri5'] as const) {
      const tr = solveMeanfield(core, paperProblem(1e-2), { method, form: 'auto', rtol: 1e-9, atol: 1e-11 }, logspace(-5, 2, 141));
      for (let i = 1; i < tr.risk.length; i++) expect(tr.risk[i]).toBeLessThanOrEqual(tr.risk[i - 1] * (1 + 1e-9) + 1e-14);
    }
  });

  it('keeps its step count roughly flat from ε = 1e-3 to 1e-12', () => {
    const steps = [1e-3, 1e-6, 1e-9, 1e-12].map((epsilon) => {
      const tr = solveMeanfield(core, paperProblem(epsilon), STIFF, logspace(-8, 2, 11));
      expect(tr.retcode).toBe('success');
      return tr.stats.steps;
    });
    // ~130 steps cross the initial layer whatever ε; the phases then spread over log(1/ε) decades,
    // which a fixed relative accuracy pays for at ~(rtol)^{−1/4} steps per decade of active dynamics:
    // mild growth, against the 1/ε of an explicit method.
    expect(Math.max(...steps) / Math.min(...steps)).toBeLessThan(3.5);
  });
});

describe('failures and degenerate problems', () => {
  it('stops a blow-up with a message naming the variable and keeps the trajectory so far', () => {
    // ε = 1e-4: the constant mode relaxes at σ_0²/ε ≈ 1600, so h = 0.01 is far outside RK4's
    // stability interval (h λ ≤ 2.79) and the solution grows ~2000× per step.
    const p = paperProblem(1e-4);
    const times = Float64Array.from([0, ...logspace(-3, 1, 20)]);
    const tr = solveMeanfield(core, p, { method: 'rk4', form: 'auto', rtol: 1e-6, atol: 1e-8, dt: 0.01 }, times);
    expect(tr.retcode).toBe('blowup');
    expect(tr.message).toMatch(/^[as]\[\d\] (became (NaN|-?Infinity)|= \S+ left \[−1, 1\]) at t = \d/);
    expect(tr.t.length).toBeGreaterThan(0);
    expect(tr.t.length).toBeLessThan(times.length);
    expect(tr.risk.length).toBe(tr.t.length);
    expect(tr.a!.length).toBe(10 * tr.t.length);
    expect(tr.risk.every(Number.isFinite)).toBe(true);
  });

  it('stops at maxSteps with the trajectory so far', () => {
    const tr = solveMeanfield(core, paperProblem(1e-3), { ...STIFF, maxSteps: 50 }, logspace(-4, 1, 11));
    expect(tr.retcode).toBe('maxSteps');
    expect(tr.message).toMatch(/maximum of 50 steps at t = /);
    expect(tr.stats.steps).toBe(50);
    expect(tr.t.length).toBeGreaterThan(0);
  });

  it('says that s never moves when s(0) = 0 and φ_1 = 0, and learns the constant part', () => {
    const p = { ...paperProblem(1e-4), phi: Float64Array.of(1, 0, 1) };
    const tr = solveMeanfield(core, p, STIFF, logspace(-6, 1, 8));
    expect(tr.retcode).toBe('success');
    expect(tr.note).toMatch(/s never moves/);
    expect(tr.s!.every((s) => s === 0)).toBe(true);
    expect(tr.components[3 * 7]).toBeLessThan(1e-12);
    expect(Math.abs(tr.risk[7] - 0.5)).toBeLessThan(1e-12);
  });

  it('hands every output time to onFrame and stops at an abort with the frames so far', () => {
    const controller = new AbortController();
    const frames: number[] = [];
    const tr = solveMeanfield(core, paperProblem(1e-3), STIFF, logspace(-4, 1, 11), {
      onFrame: (f) => {
        frames.push(f.t);
        expect(f.a).toHaveLength(10);
        if (frames.length === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(tr.retcode).toBe('aborted');
    expect(Array.from(tr.t)).toEqual(frames);
    expect(frames).toHaveLength(3);
  });

  it('reports progress between output times on large runs, and an abort there stops the run', () => {
    // m (K+1) = 2.7e6 neuron-degrees: one step per Wasm call, so the host sees every step.
    const m = 300_000;
    const g = normals('progress');
    const phi = new Float64Array(9);
    phi.set([1, 1, 1]);
    const p: MeanfieldProblem = {
      sigma: reluCoefficients(8), phi, kernel: null, noise: 0, epsilon: 1e-3, degrees: 2,
      a0: Float64Array.from({ length: m }, g), s0: new Float64Array(m),
    };
    const controller = new AbortController();
    const seen: number[] = [];
    const tr = solveMeanfield(core, p, STIFF, Float64Array.of(1), {
      onProgress: (fraction, t) => {
        seen.push(t);
        expect(fraction).toBeGreaterThan(0);
        expect(fraction).toBeLessThan(1);
        controller.abort();
      },
      signal: controller.signal,
    });
    expect(tr.retcode).toBe('aborted');
    expect(tr.t).toHaveLength(0);
    expect(seen).toHaveLength(1);
    expect(tr.stats.steps).toBe(1);
  });

  it("'auto' picks BDF below ε = 0.1 and Dormand–Prince above, the kernel form for a closed-form U and m ≤ 64", () => {
    const auto: MeanfieldAlgorithm = { method: 'auto', form: 'auto', rtol: 1e-6, atol: 1e-8 };
    expect(resolveMethod(auto, 0.05)).toBe('bdf');
    expect(resolveMethod({ ...auto, method: 'stiff' }, 0.05)).toBe('rodas4');
    expect(resolveMethod(auto, 0.5)).toBe('dopri5');
    expect(resolveForm(auto, paperProblem(1))).toBe('kernel');
    expect(resolveForm(auto, { ...paperProblem(1), kernel: null })).toBe('moment');
    const many = { ...paperProblem(1), a0: new Float64Array(65), s0: new Float64Array(65) };
    expect(resolveForm(auto, many)).toBe('moment');
    expect(solveMeanfield(core, paperProblem(1), auto, Float64Array.of(0.1)).stats.method).toBe('dopri5');
  });

  it('rejects bad input with a ConfigError naming the field', () => {
    const p = paperProblem(1e-3);
    const ok: MeanfieldAlgorithm = STIFF;
    const bad = (q: Partial<MeanfieldProblem>, a: Partial<MeanfieldAlgorithm> = {}, times = Float64Array.of(1)) =>
      () => solveMeanfield(core, { ...p, ...q }, { ...ok, ...a }, times);
    expect(bad({ epsilon: 0 })).toThrow(ConfigError);
    expect(bad({ s0: new Float64Array(10).fill(1.5) })).toThrow(/problem\.s0\[0\]/);
    expect(bad({ phi: Float64Array.of(1, 1) })).toThrow(/problem\.phi\.length/);
    expect(bad({}, { method: 'rk4' })).toThrow(/solver\.dt/);
    expect(bad({}, {}, Float64Array.of(1, 0.5))).toThrow(/times\[1\]/);
  });
});

describe('SIMD and scalar builds', () => {
  it('give the same trajectory to 1e-12 on a short stiff run (moment form, Woodbury solves)', async () => {
    const scalar = await loadCore('scalar');
    const phi = new Float64Array(9);
    phi.set([1, 1, 1]);
    const g = normals('simd');
    const p: MeanfieldProblem = {
      sigma: reluCoefficients(8), phi, kernel: null, noise: 0, epsilon: 1e-4, degrees: 2,
      a0: Float64Array.from({ length: 41 }, g), s0: Float64Array.from({ length: 41 }, () => 0.1 * g()),
    };
    const times = logspace(-5, -2, 4);
    const [x, y] = [core, scalar].map((c) => solveMeanfield(c, p, STIFF, times));
    expect(x.stats.steps).toBe(y.stats.steps);
    x.a!.forEach((v, i) => expect(Math.abs(v - y.a![i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
    x.s!.forEach((v, i) => expect(Math.abs(v - y.s![i])).toBeLessThan(1e-12));
  });
});
