// BDF's work as the mean-field flow stiffens (ε → 0 turns it into an index-1 DAE, which BDF
// handles without more steps), and the counters integratorStats reports for it.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { initialState } from '../src/models/init.js';
import { prepareSystem, solveMeanfield, type MeanfieldProblem } from '../src/models/meanfield.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { reluCoefficients } from './support/network.js';
import { Integrator } from '../src/solvers/integrator.js';
import { HIRES, protheroRobinson, ROBERTSON, runProblem } from './support/stiff-set.js';

const core = await loadCore('simd');

/** The problem of bench/cvode.bench.ts: ReLU kernel form, φ = h_0 + h_1 + h_2, a(0) from seed 1, s(0) = 0. */
function paperProblem(c: Core, m: number, epsilon: number): MeanfieldProblem {
  const config = parseConfig({ model: 'meanfield', m, epsilon, seed: 1, time: { at: [100] } });
  const { a0, s0 } = initialState(c, config);
  return { sigma: reluCoefficients(2), phi: Float64Array.of(1, 1, 1), kernel: { kind: 1, gain: 1 }, noise: 0, epsilon, a0, s0, degrees: 2 };
}

function solve(m: number, epsilon: number, rtol: number, atol: number, method: 'bdf' | 'stiff' = 'bdf') {
  const run = solveMeanfield(core, paperProblem(core, m, epsilon), { method, form: 'kernel', rtol, atol, keepWeights: false }, Float64Array.of(100));
  expect(run.retcode).toBe('success');
  return { risk: run.risk[0], stats: run.stats };
}

describe('BDF on the mean-field flow as ε → 0', () => {
  // Measured (bdf.ts): 1.28 / 1.23 / 1.27; with scipy's Newton test, one Jacobian per cascade of
  // step halvings and weights from |y_{n+1}| alone: 1.48 / 1.72 / 2.01.
  it.each([10, 30, 100])('m = %i: steps at ε = 1e-12 are at most 1.3× those at 1e-3, and the final risk stays within 1e-6 of rtol 1e-11', (m) => {
    const loose = [1e-3, 1e-12].map((epsilon) => solve(m, epsilon, 1e-8, 1e-10));
    expect(loose[1].stats.steps / loose[0].stats.steps).toBeLessThanOrEqual(1.3);
    [1e-3, 1e-12].forEach((epsilon, i) => {
      const tight = solve(m, epsilon, 1e-11, 1e-13);
      expect(Math.abs(loose[i].risk - tight.risk) / tight.risk).toBeLessThan(1e-6);
    });
  });

  it('m = 10, ε = 1e-3: under 2 right-hand sides per step and one Jacobian per 30 steps', () => {
    // Measured: 1.7 and 1 per 51 (scipy's Newton test: 2.8 and 1 per 18).
    const { stats } = solve(10, 1e-3, 1e-8, 1e-10);
    expect(stats.rhsEvaluations).toBeLessThan(2 * stats.steps);
    expect(stats.jacobianEvaluations).toBeLessThan(stats.steps / 30);
  });
});

describe('BDF at a tolerance below rounding for some components', () => {
  it('m = 10, ε = 1e-9, rtol 1e-12, atol 1e-14: under 10⁴ steps, the floor reported, and the risk agrees with RODAS4 at the same tolerance', () => {
    // At t ≈ 6.68 a_1 ≈ 0.014 while the other a_i are ~1e3: Newton's increments on a_1 stagnate at
    // ~2e-14, above its weight atol + rtol |a_1| = 2.4e-14 × 0.05, at every h. Without the rounding
    // floor on the weights (bdf.ts, ROUNDING_FLOOR) h fell to ~1e-8 and crawled: 776 963 steps,
    // 898 384 Newton failures. With it: 3644 steps.
    const m = 10, epsilon = 1e-9, T = 100;
    const problem = paperProblem(core, m, epsilon);
    const bdf = core.scoped(() => {
      const sys = prepareSystem(core, problem, 'kernel', true);
      const y0 = core.put([...problem.a0, ...problem.s0]);
      const it = new Integrator(core, sys, 2 * m, y0, 0, T, { method: 'bdf', rtol: 1e-12, atol: 1e-14, h0: 0, maxSteps: 1e5 });
      const out = core.allocF64(2 * m);
      expect(it.advance(T, out)).toBe('success');
      return { stats: it.stats(), risk: core.exports.meanfieldRisk(sys, out, core.allocF64(3)) };
    });
    expect(bdf.stats.steps).toBeLessThan(1e4);
    expect(bdf.stats.floored).toBeGreaterThan(0);
    const rodas = solve(m, epsilon, 1e-12, 1e-14, 'stiff');
    expect(Math.abs(bdf.risk - rodas.risk)).toBeLessThan(1e-9);
    // at the ordinary tolerance the floor stays below atol
    const loose = core.scoped(() => {
      const sys = prepareSystem(core, problem, 'kernel', true);
      const it = new Integrator(core, sys, 2 * m, core.put([...problem.a0, ...problem.s0]), 0, T, { method: 'bdf', rtol: 1e-8, atol: 1e-10, h0: 0, maxSteps: 1e5 });
      expect(it.advance(T, core.allocF64(2 * m))).toBe('success');
      return it.stats();
    });
    expect(loose.floored).toBe(0);
    // and the run says so, naming the tolerances
    const algorithm = { method: 'bdf', form: 'kernel', keepWeights: false } as const;
    const tight = solveMeanfield(core, problem, { ...algorithm, rtol: 1e-12, atol: 1e-14 }, Float64Array.of(T));
    expect(tight.note).toMatch(/^rtol 1e-12 with atol 1e-14 asks more than double precision resolves for some weights \(on [1-9]\d* of \d+ steps\)/);
    expect(solveMeanfield(core, problem, { ...algorithm, rtol: 1e-8, atol: 1e-10 }, Float64Array.of(T)).note).toBeUndefined();
  });
});

describe('BDF counters', () => {
  it.each([HIRES, ROBERTSON].map((p) => [p.name, p] as const))('%s: right-hand sides = Newton iterations + 2, error-test failures ≤ rejections, order in 1..5', (_, p) => {
    const { stats } = runProblem(core, p, 'bdf', 1e-8, 1e-8 * Math.min(...p.scale) * 1e-2);
    // one f at y0, one in the starting-step estimate, the rest in Newton
    expect(stats.nfev).toBe(stats.newtonIters + 2);
    expect(stats.newtonIters).toBeGreaterThan(stats.steps);
    expect(stats.errorFails).toBeLessThanOrEqual(stats.rejected);
    expect(stats.newtonFails).toBeGreaterThanOrEqual(stats.njev - 1); // every Jacobian after the first follows a Newton failure
    expect(stats.order).toBeGreaterThanOrEqual(1);
    expect(stats.order).toBeLessThanOrEqual(5);
  });

  it('the one-step methods report no order, Newton iterations or failures', () => {
    const { stats } = runProblem(core, HIRES, 'dopri5', 1e-6, 1e-9);
    expect([stats.order, stats.newtonIters, stats.newtonFails, stats.errorFails]).toEqual([0, 0, 0, 0]);
  });
});

describe('BDF Newton rate', () => {
  it('is measured again (a second iteration) at least every 20 steps while steps converge at their first increment (Prothero–Robinson λ = −10)', () => {
    // Without the renewal the carried rate stays from an early step: measured runs of up to 52 steps.
    const p = protheroRobinson(-10, 10);
    const runs = core.scoped(() => {
      const sys = core.exports.alloc(core.exports.smallSystemBytes(p.n));
      p.init(core, sys);
      const it = new Integrator(core, sys, p.n, core.put(p.y0), 0, p.T, { method: 'bdf', rtol: 1e-8, atol: 1e-10, h0: 0, maxSteps: 1e6 });
      const out = core.allocF64(p.n);
      let before = it.stats();
      let run = 0;
      const lengths: number[] = [];
      while (it.advance(p.T, out, 1) === 'paused') {
        const now = it.stats();
        const single = now.newtonIters - before.newtonIters === 1 && now.rejected === before.rejected;
        run = single ? run + 1 : 0;
        lengths.push(run);
        before = now;
      }
      return lengths;
    });
    expect(runs.length).toBeGreaterThan(100);
    expect(Math.max(...runs)).toBeLessThanOrEqual(20);
    expect(Math.max(...runs)).toBeGreaterThan(5); // steps do converge at their first increment
  });
});
