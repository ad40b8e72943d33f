// The d→∞ neuron dynamics of MODEL.md §4 (the flow in R^{2m} of (a_i, s_i)) as a problem, and
// its solve loop: the right-hand side, Jacobian and integrators run in Wasm, between output
// times; this file checks the input, picks the form and method, and collects the trajectory.
import { KERNEL_KINDS } from '../hermite/activation.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_MAX_STEPS } from '../limits.js';
import { Integrator, integratorBytes, SOLVER_METHODS, type IntegratorStats, type MethodName, type SolverMethod } from '../solvers/integrator.js';
import { drive, outputLoop, type Model } from '../solvers/loop.js';
import type { ReturnCode, RunHooks, Trajectory } from '../solvers/solution.js';
import type { Core } from '../wasm/loader.js';

export interface MeanfieldProblem {
  /** σ_0..σ_K of the activation. */
  sigma: Float64Array;
  /** φ_0..φ_K of the target, same length (zero-padded). */
  phi: Float64Array;
  /** Closed-form U (a KERNEL_KINDS code: relu or erf) or null (the series Σ σ_k² ρ^k). */
  kernel: { kind: number; gain: number } | null;
  /** Label noise τ: adds ½τ² to the risk. */
  noise: number;
  epsilon: number;
  a0: Float64Array;
  s0: Float64Array;
  /** Report components R_0..R_degrees (≤ K). */
  degrees: number;
}

export interface MeanfieldAlgorithm {
  /**
   * 'auto': 'bdf' when ε < AUTO_STIFF_EPSILON, else 'dopri5'. 'stiff': RODAS4 (one-step, L-stable,
   * one Jacobian per step); 'bdf': variable-order BDF reusing Jacobian and factorization.
   */
  method: SolverMethod;
  /**
   * 'kernel': exact for a closed-form U (the part of U beyond degree K enters the flow and the risk),
   * O(m²) at worst per evaluation, and with a stiff method a dense 2m×2m Jacobian where pairs need
   * the closed form; 'moment': O(mK) through the moments, exact for the series truncated at K.
   * 'auto': kernel when U has a closed form and m ≤ AUTO_KERNEL_MAX_M.
   */
  form: 'auto' | 'kernel' | 'moment';
  rtol: number;
  atol: number;
  /** rk4: the step (required); adaptive methods: the first step to try. */
  dt?: number;
  /** Largest number of accepted steps over the whole run (default DEFAULT_MAX_STEPS). */
  maxSteps?: number;
  /** Store a and s at every output time (default: keepsWeights, src/solvers/solution.ts). */
  keepWeights?: boolean;
}

/**
 * Below this ε the flow is stiff: the a-equation relaxes at rates up to ‖σ‖²/ε (≈ 0.5/ε for ReLU)
 * while learning happens on times ≳ ε^{1/2}; an explicit method then pays ~1/ε steps per unit time.
 */
export const AUTO_STIFF_EPSILON = 0.1;
/** The kernel form costs up to O(m²) per evaluation and a dense 2m×2m LU per stiff step. */
export const AUTO_KERNEL_MAX_M = 64;
/** Whether a method factors x I − J, and so uses the system's linear algebra (Dense or Woodbury part). */
const FACTORS: Record<MethodName, boolean> = { rk4: false, dopri5: false, rodas4: true, bdf: true };
/** Steps per Wasm call are capped near this many neuron-degree units (m (K+1) each): ~0.1 s of work. */
const STEP_WORK = 2e6;

const FINITE = 'finite numbers';

function checkVector(field: string, v: unknown, length?: number): Float64Array {
  if (!(v instanceof Float64Array) || v.length === 0) throw new ConfigError(field, 'a non-empty Float64Array', typeof v);
  if (length !== undefined && v.length !== length) throw new ConfigError(`${field}.length`, `${length}`, v.length);
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new ConfigError(`${field}[${bad}]`, FINITE, v[bad]);
  return v;
}

function checkPositive(field: string, x: unknown, allowZero = false): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) {
    throw new ConfigError(field, allowZero ? 'a finite number ≥ 0' : 'a finite number > 0', x);
  }
  return x;
}

/** Every input check, one ConfigError each (after scipy's check_arguments). */
function checkArguments(problem: MeanfieldProblem, algorithm: MeanfieldAlgorithm, times: Float64Array): void {
  const K = checkVector('problem.sigma', problem.sigma).length - 1;
  checkVector('problem.phi', problem.phi, K + 1);
  const m = checkVector('problem.a0', problem.a0).length;
  const s0 = checkVector('problem.s0', problem.s0, m);
  const out = s0.findIndex((s) => Math.abs(s) > 1);
  if (out >= 0) throw new ConfigError(`problem.s0[${out}]`, 'overlaps in [−1, 1]', s0[out]);
  checkPositive('problem.epsilon', problem.epsilon);
  checkPositive('problem.noise', problem.noise, true);
  if (!Number.isInteger(problem.degrees) || problem.degrees < 0 || problem.degrees > K) {
    throw new ConfigError('problem.degrees', `an integer in 0..${K}`, problem.degrees);
  }
  if (problem.kernel !== null) {
    const kinds: number[] = Object.values(KERNEL_KINDS);
    if (!kinds.includes(problem.kernel.kind)) throw new ConfigError('problem.kernel.kind', `one of ${kinds.join(', ')}`, problem.kernel.kind);
    if (!Number.isFinite(problem.kernel.gain)) throw new ConfigError('problem.kernel.gain', FINITE, problem.kernel.gain);
  }
  if (!(SOLVER_METHODS as readonly string[]).includes(algorithm.method)) {
    const quoted = SOLVER_METHODS.map((m) => `'${m}'`);
    throw new ConfigError('solver.method', `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`, algorithm.method);
  }
  if (!['auto', 'kernel', 'moment'].includes(algorithm.form)) {
    throw new ConfigError('solver.form', "'auto', 'kernel' or 'moment'", algorithm.form);
  }
  checkPositive('solver.rtol', algorithm.rtol);
  checkPositive('solver.atol', algorithm.atol);
  if (algorithm.dt !== undefined) checkPositive('solver.dt', algorithm.dt);
  if (algorithm.method === 'rk4' && algorithm.dt === undefined) throw new ConfigError('solver.dt', 'a step > 0 for rk4');
  if (algorithm.maxSteps !== undefined && !(Number.isInteger(algorithm.maxSteps) && algorithm.maxSteps > 0)) {
    throw new ConfigError('solver.maxSteps', 'a positive integer', algorithm.maxSteps);
  }
  if (!(times instanceof Float64Array) || times.length === 0) throw new ConfigError('times', 'a non-empty Float64Array');
  times.forEach((t, i) => {
    if (!Number.isFinite(t) || t < 0 || (i > 0 && t <= times[i - 1])) {
      throw new ConfigError(`times[${i}]`, 'finite, ≥ 0 and increasing', t);
    }
  });
}

/**
 * The integrator `algorithm.method` stands for ('auto': by ε, see AUTO_STIFF_EPSILON).
 * Why BDF for the stiff range: on the paper problem (ReLU kernel form, T = 100, rtol 1e-8,
 * atol 1e-10, m = 10), by ε = 1e-3 / 1e-6 / 1e-9 / 1e-12:
 *   RODAS4  1387 / 1699 / 2894 / 3382 steps, a Jacobian each, 6 right-hand sides per step;
 *   BDF      746 /  903 /  866 /  956 steps, 15 / 89 / 142 / 75 Jacobians, 1283 / 1952 / 1848 / 1882
 *            right-hand sides (m = 30: 787 / 965 / 981 / 968 steps, 14 / 72 / 211 / 138 Jacobians),
 * with the final risk within ~1e-8 relative of a tight reference, RODAS4's 2e-9 … 5e-7;
 * at rtol 1e-11 BDF takes 2233 … 2787 steps, RODAS4 12436 … 26726 (docs/design.md, Integrators).
 * The flow is a gradient flow, so its Jacobian's eigenvalues are real, where BDF is stable at every order.
 */
export function resolveMethod(algorithm: Pick<MeanfieldAlgorithm, 'method'>, epsilon: number): MethodName {
  if (algorithm.method === 'auto') return epsilon < AUTO_STIFF_EPSILON ? 'bdf' : 'dopri5';
  return algorithm.method === 'stiff' ? 'rodas4' : algorithm.method;
}

/** The right-hand side form `algorithm.form` stands for ('auto': see MeanfieldAlgorithm.form). */
export function resolveForm(algorithm: MeanfieldAlgorithm, problem: MeanfieldProblem): 'kernel' | 'moment' {
  return formFor(algorithm.form, problem.kernel, problem.a0.length);
}

function formFor(form: MeanfieldAlgorithm['form'], kernel: MeanfieldProblem['kernel'], m: number): 'kernel' | 'moment' {
  if (form !== 'auto') return form;
  return kernel !== null && m <= AUTO_KERNEL_MAX_M ? 'kernel' : 'moment';
}

/** What a run of the flow lays out in Wasm memory, from the module's own layout functions. */
export interface MeanfieldLayout {
  method: MethodName;
  form: 'kernel' | 'moment';
  /** Whether the system block has the Dense part (meanfieldDense in assembly/meanfield/system.ts). */
  dense: boolean;
  /** Bytes of the system block and the integrator block. */
  bytes: number;
}

/** The layout of a run with m neurons, truncation K and the problem's kernel, before anything is reserved. */
export function meanfieldLayout(core: Core, m: number, K: number, kernel: MeanfieldProblem['kernel'], epsilon: number,
  algorithm: Pick<MeanfieldAlgorithm, 'method' | 'form'>): MeanfieldLayout {
  const x = core.exports;
  const method = resolveMethod(algorithm, epsilon);
  const form = formFor(algorithm.form, kernel, m);
  const code = form === 'kernel' ? x.FORM_KERNEL.value : x.FORM_MOMENT.value;
  const dense = Boolean(x.meanfieldDense(m, K, code, kernel?.kind ?? KERNEL_KINDS.series, FACTORS[method]));
  return { method, form, dense, bytes: x.meanfieldBytes(m, K, code, dense) + integratorBytes(core, method, 2 * m) };
}

/**
 * Lays out the system (its parameters and scratch) in the core's arena and returns its pointer;
 * call inside `core.scoped`. `dense` gives it the Dense part (dense LU) beside Woodbury's
 * (meanfieldLayout says when a run needs it).
 */
export function prepareSystem(core: Core, problem: MeanfieldProblem, form: 'kernel' | 'moment', dense: boolean): number {
  const x = core.exports;
  const m = problem.a0.length;
  const K = problem.sigma.length - 1;
  const sigma = core.put(problem.sigma);
  const phi = core.put(problem.phi);
  const code = form === 'kernel' ? x.FORM_KERNEL.value : x.FORM_MOMENT.value;
  const sys = core.alloc(x.meanfieldBytes(m, K, code, dense));
  const kernel = problem.kernel ?? { kind: KERNEL_KINDS.series, gain: 1 };
  x.meanfieldInit(sys, m, K, code, kernel.kind, kernel.gain, problem.epsilon, sigma, phi, dense);
  return sys;
}

/** "a[3] became NaN at t = 0.0123"-style account of why the integrator stopped. */
function failureMessage(stats: IntegratorStats, m: number, maxSteps: number): string {
  const at = `at t = ${stats.t.toPrecision(6)}`;
  if (stats.retcode === 'maxSteps') return `stopped after the maximum of ${maxSteps} steps ${at}`;
  if (stats.failIndex < 0) return `step size fell below rounding level (h = ${stats.h.toExponential(3)}) ${at}`;
  const name = stats.failIndex < m ? `a[${stats.failIndex}]` : `s[${stats.failIndex - m}]`;
  const v = stats.failValue;
  return `${name} ${Number.isFinite(v) ? `= ${v} left [−1, 1]` : `became ${v}`} ${at}`;
}

/**
 * The flow as a model of the output loop (src/solvers/loop.ts), from t = 0 through the output
 * times (the first may be > 0); its memory is reserved in the current scope. Throws
 * ConfigError for bad input.
 */
export function meanfieldModel(core: Core, problem: MeanfieldProblem, algorithm: MeanfieldAlgorithm, times: Float64Array): Model {
  checkArguments(problem, algorithm, times);
  const m = problem.a0.length;
  const K = problem.sigma.length - 1;
  const D = problem.degrees + 1;
  const T = times.length;
  const { method, form, dense } = meanfieldLayout(core, m, K, problem.kernel, problem.epsilon, algorithm);
  const maxSteps = algorithm.maxSteps ?? DEFAULT_MAX_STEPS;
  const noise = 0.5 * problem.noise * problem.noise;
  const x = core.exports;
  const start = core.mark();
  const sys = prepareSystem(core, problem, form, dense);
  const y0 = core.allocF64(2 * m);
  core.f64(y0, m).set(problem.a0);
  core.f64(y0 + 8 * m, m).set(problem.s0);
  const out = core.allocF64(2 * m);
  const comps = core.allocF64(K + 1);
  const integrator = new Integrator(core, sys, 2 * m, y0, 0, times[T - 1], {
    method, rtol: algorithm.rtol, atol: algorithm.atol, h0: algorithm.dt ?? 0, maxSteps,
  });
  const budget = Math.max(1, Math.round(STEP_WORK / (m * (K + 1))));
  const still = problem.s0.every((v) => v === 0) && (K === 0 || problem.sigma[1] * problem.phi[1] === 0);
  return {
    method, times, m, degrees: problem.degrees, keepWeights: algorithm.keepWeights, mfRisk: false, loss: false,
    arena: { start, end: core.mark() },
    advance(k, most) {
      const status = integrator.advance(times[k], out, Math.min(budget, most));
      if (status === 'paused') return 'paused';
      if (status === 'success') return 'reached';
      return { retcode: status as Exclude<ReturnCode, 'success' | 'aborted'>, message: failureMessage(integrator.stats(), m, maxSteps) };
    },
    observe() {
      const risk = x.meanfieldRisk(sys, out, comps) + noise;
      // views into the core, which the output loop copies into its rows at once (Rows.push)
      const y = core.f64(out, 2 * m);
      return { risk, components: core.f64(comps, D), a: y.subarray(0, m), s: y.subarray(m) };
    },
    steps: () => integrator.steps(),
    time: () => integrator.time(),
    where: () => `t = ${integrator.time().toPrecision(6)}`,
    resumeAt(step, rows) {
      const st = integrator.stats();
      if (st.steps !== step) return `step ${step} does not match the integrator's ${st.steps} steps`;
      if (st.retcode !== 'success') return `the integrator had stopped (${st.retcode})`;
      if (rows > 0 && st.t < times[rows - 1]) return `the integrator is at t = ${st.t}, before output ${rows - 1} (t = ${times[rows - 1]})`;
      return null;
    },
    stats() {
      const st = integrator.stats();
      return { method, steps: st.steps, rejectedSteps: st.rejected, rhsEvaluations: st.nfev, jacobianEvaluations: st.njev, linearSolves: st.nlu };
    },
    // read when the run ends: BDF's rounding floor (assembly/integrators/bdf.ts) is known only then
    get note() {
      const notes: string[] = [];
      if (still) notes.push('s never moves: with s(0) = 0 and σ_1 φ_1 = 0, ṡ_i = a_i σ_1 φ_1 = 0, so s stays 0 and only the constant part can be learnt');
      const st = integrator.stats();
      if (st.floored > 0) {
        notes.push(`rtol ${algorithm.rtol} with atol ${algorithm.atol} asks more than double precision resolves for some weights `
          + `(on ${st.floored} of ${st.steps} steps): there their error was held to 10 u max|y| (u = 2^-52) instead`);
      }
      return notes.length > 0 ? notes.join('; ') : undefined;
    },
  };
}

/**
 * Integrates the flow from t = 0 through the output times (the first may be > 0) and returns
 * R_mf (+ ½τ²), its components R_0..R_degrees and, if kept, a and s at each of them. The run
 * stops early, keeping what it has, on a blow-up, step-size underflow, maxSteps or an abort.
 */
export function solveMeanfield(core: Core, problem: MeanfieldProblem, algorithm: MeanfieldAlgorithm,
  times: Float64Array, hooks: RunHooks = {}): Trajectory {
  return core.scoped(() => drive(outputLoop(core, meanfieldModel(core, problem, algorithm, times), hooks)));
}
