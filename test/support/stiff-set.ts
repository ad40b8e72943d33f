// The standard stiff test problems of assembly/systems/, with their published reference values,
// set up in a core and run by one integrator to given output times.
import { Integrator, type IntegratorStats, type MethodName } from '../../src/solvers/integrator.js';
import type { Core } from '../../src/wasm/loader.js';

export interface TestProblem {
  name: string;
  n: number;
  y0: number[];
  /** Lays the system out at p (smallSystemBytes(n) long). */
  init(core: Core, p: number): void;
  /** End time and the reference solution there. */
  T: number;
  reference: number[];
  /** Per-component scale of the solution, for errors relative to it (max |y_i| over the run, from the references). */
  scale: number[];
}

/**
 * Robertson at t = 1e11: the Test Set for IVP Solvers (Mazzia & Magherini, Univ. Bari, release
 * 2.4, problem ROBER), computed there by RADAU5 in quadruple precision at tolerance 1e-20 / 1e-22.
 */
export const ROBERTSON: TestProblem = {
  name: 'Robertson', n: 3, y0: [1, 0, 0], init: (c, p) => c.exports.robertsonInit(p), T: 1e11,
  reference: [0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050],
  scale: [1, 3.65e-5, 1], // max y2 ≈ 3.65e-5 near t = 0.04 (Hairer–Wanner II, Fig. IV.1.3)
};

/**
 * HIRES at t = 321.8122: Test Set for IVP Solvers (problem HIRES, hiressol), computed by RADAU5 in
 * true double precision on a Cray C90 with uround 1.01e-19 and rtol = atol = 1.1e-18.
 */
export const HIRES: TestProblem = {
  name: 'HIRES', n: 8, y0: [1, 0, 0, 0, 0, 0, 0, 0.0057], init: (c, p) => c.exports.hiresInit(p), T: 321.8122,
  reference: [0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
    0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2],
  scale: [1, 0.2, 0.2, 0.6, 0.6, 0.6, 0.006, 0.006],
};

/**
 * Van der Pol, μ = 1e3 at t = 2000: Test Set for IVP Solvers, problem VDPOLM (vdpolm.f, solut),
 * computed by RADAU in double precision with uround 1.01e-19 and rtol = atol = h0 = 1.1e-18.
 */
export const VDP3: TestProblem = {
  name: 'van der Pol μ = 1e3', n: 2, y0: [2, 0], init: (c, p) => c.exports.vanDerPolInit(p, 1e3), T: 2000,
  reference: [0.1706167732170469e1, -0.8928097010248125e-3],
  scale: [2, 2], // y2 reaches O(1) in the jumps
};

/**
 * Van der Pol, μ = 1e6 at t = μ/2, before the first jump (at t ≈ (3/2 − ln 2) μ). There is no
 * published value; the reference is the slow curve (Hairer–Wanner II, §VI.1, the reduced problem
 * in the variable τ = t/μ with ε = 1/μ²): (1 − y1²) dy1/dτ = y1 integrates to
 * ln y1 − y1²/2 = ln 2 − 2 + τ, with y2 = (dy1/dτ)/μ = y1/(μ(1 − y1²)). The true solution differs
 * by O(ε) = 1e-12 in y1 (and relatively in y2): the initial layer from y2(0) = 0 lasts O(ε) in τ.
 */
export function slowCurve(tau: number): [number, number] {
  const c = Math.log(2) - 2 + tau;
  let x = 2;
  for (let i = 0; i < 50; i++) x -= (Math.log(x) - (x * x) / 2 - c) / (1 / x - x);
  return [x, x / (1 - x * x)];
}
const [v1, v2] = slowCurve(0.5);
export const VDP6: TestProblem = {
  name: 'van der Pol μ = 1e6', n: 2, y0: [2, 0], init: (c, p) => c.exports.vanDerPolInit(p, 1e6), T: 5e5,
  reference: [v1, v2 / 1e6],
  scale: [2, 1e-6],
};

/** Prothero–Robinson with λ (unknowns y and t): y = sin t exactly from y(0) = 0. */
export function protheroRobinson(lambda: number, T: number): TestProblem {
  return {
    name: `Prothero–Robinson λ = ${lambda}`, n: 2, y0: [0, 0], init: (c, p) => c.exports.protheroRobinsonInit(p, lambda),
    T, reference: [Math.sin(T), T], scale: [1, T],
  };
}

export interface Run {
  y: Float64Array;
  stats: IntegratorStats;
}

/** Runs `method` on the problem from 0 to problem.T (rk4: fixed step h0). */
export function runProblem(core: Core, problem: TestProblem, method: MethodName, rtol: number, atol: number,
  h0 = 0, fixed = false, maxSteps = 1e7): Run {
  return core.scoped(() => {
    const sys = core.exports.alloc(core.exports.smallSystemBytes(problem.n));
    problem.init(core, sys);
    const it = new Integrator(core, sys, problem.n, core.put(problem.y0), 0, problem.T,
      { method, rtol, atol, h0, fixed, maxSteps });
    const out = core.allocF64(problem.n);
    const status = it.advance(problem.T, out);
    const stats = it.stats();
    if (status !== 'success') throw new Error(`${problem.name}, ${method}: ${status} at t = ${stats.t}`);
    return { y: core.f64(out, problem.n).slice(), stats };
  });
}

/** Largest error relative to the components' scales. */
export function scaledError(problem: TestProblem, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < problem.n; i++) worst = Math.max(worst, Math.abs(y[i] - problem.reference[i]) / problem.scale[i]);
  return worst;
}
