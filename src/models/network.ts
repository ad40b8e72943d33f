// The finite network (MODEL.md §2–3): projected gradient descent on the population risk,
// exact at any d. The weights live in an orthonormal basis of span{u_*, w_1(0), …, w_m(0)}
// (assembly/network.ts), so a step costs O(m²·r), r ≤ m+1, whether d is 100 or 1e9.
// This file also holds what SGD shares with it: the problem, its checks and the risks.
import type { Activation } from '../hermite/activation.js';
import { ConfigError } from '../errors.js';
import { crossKernel, dotKernel, type Kernel } from '../hermite/kernels.js';
import type { RunHooks, Trajectory } from '../solvers/solution.js';
import { drive, outputLoop, type Model, type Observation } from '../solvers/loop.js';
import { CHUNK_WORK, steppingModel } from '../solvers/stepping.js';
import type { Core } from '../wasm/loader.js';

export interface NetworkProblem {
  /** Pointwise σ and φ (SGD evaluates them; GD uses their Hermite coefficients). */
  activation: Activation;
  target: Activation;
  /** Hermite coefficients σ_0..σ_K and φ_0..φ_K (same length): V, U series and R_mf components. */
  sigma: Float64Array;
  phi: Float64Array;
  /** ‖σ‖², ‖φ‖²: the stability bound, the series tails and ½‖φ‖² in R. */
  sigmaNorm2: number;
  phiNorm2: number;
  /** Label noise τ. */
  noise: number;
  epsilon: number;
  d: number;
  m: number;
  /** Second-layer weights at t = 0, length m. */
  a0: Float64Array;
  /** First-layer weights, m × d row-major (rows are normalized), or null: independent uniform unit vectors from `seed`. */
  w0: Float64Array | null;
  /** u_* (length d, normalized here), or null: e_1. With w0 null, GD does not depend on it (rotation invariance). */
  direction: Float64Array | null;
  seed: number;
  /** Report the components R_0..R_degrees (those above K are 0: the truncated series sees nothing there). */
  degrees: number;
}

export interface NetworkAlgorithm {
  eta: number;
  /** Store a and s at every output time (default: keepsWeights, src/solvers/solution.ts). */
  keepWeights?: boolean;
}

/**
 * The largest stable step: the second-layer update a ← a + (η/ε)(b − G a) has
 * G_ij = U(ρ_ij)/m, a PSD kernel matrix with λ_max(G) ≤ tr G = U(1) = ‖σ‖², so η < 2ε/‖σ‖².
 */
export function maxStableEta(problem: Pick<NetworkProblem, 'epsilon' | 'sigmaNorm2'>): number {
  return (2 * problem.epsilon) / problem.sigmaNorm2;
}

/**
 * U and V of the problem (src/hermite/kernels.ts): closed forms where exact, else the degree-K
 * series, whose `tail` bounds what the truncation drops on [−1, 1].
 */
export function networkKernels(p: NetworkProblem): { U: Kernel; V: Kernel } {
  const sigma = { coefficients: p.sigma, norm2: p.sigmaNorm2, errorBound: 0 };
  const phi = { coefficients: p.phi, norm2: p.phiNorm2, errorBound: 0 };
  return { U: dotKernel(p.activation, sigma), V: crossKernel(p.target, phi, p.activation, sigma) };
}

const isCount = (x: number) => Number.isInteger(x) && x >= 1;

/** Validates what GD and SGD share; throws ConfigError naming the field. */
export function checkProblem(p: NetworkProblem, eta: number): void {
  if (!isCount(p.m)) throw new ConfigError('m', 'must be an integer ≥ 1', p.m);
  if (!isCount(p.d) || p.d > 2 ** 53) throw new ConfigError('d', 'must be an integer in [1, 2^53]', p.d);
  if (!(p.epsilon > 0 && Number.isFinite(p.epsilon))) throw new ConfigError('epsilon', 'must be a finite number > 0', p.epsilon);
  if (!(p.noise >= 0 && Number.isFinite(p.noise))) throw new ConfigError('noise', 'must be a finite number ≥ 0', p.noise);
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed >= 2 ** 53) throw new ConfigError('seed', 'must be an integer in [0, 2^53)', p.seed);
  if (!Number.isInteger(p.degrees) || p.degrees < 0) throw new ConfigError('degrees', 'must be an integer ≥ 0', p.degrees);
  if (p.sigma.length < 1 || p.sigma.length !== p.phi.length) {
    throw new ConfigError('solver.truncation', 'sigma and phi need the same number (≥ 1) of Hermite coefficients', [p.sigma.length, p.phi.length]);
  }
  if (!(p.sigmaNorm2 > 0)) throw new ConfigError('activation', 'must not be zero in L²(γ) (‖σ‖² > 0)', p.sigmaNorm2);
  if (p.a0.length !== p.m || !p.a0.every(Number.isFinite)) throw new ConfigError('init.a', `must be m = ${p.m} finite values`);
  if (p.w0) {
    if (p.w0.length !== p.m * p.d) throw new ConfigError('init.w', `must be m = ${p.m} rows of d = ${p.d} values`);
    for (let i = 0; i < p.m; i++) {
      const row = p.w0.subarray(i * p.d, (i + 1) * p.d);
      if (!row.every(Number.isFinite) || row.every((x) => x === 0)) throw new ConfigError(`init.w[${i}]`, 'must be a finite non-zero vector');
    }
  }
  if (p.direction && (p.direction.length !== p.d || !p.direction.every(Number.isFinite) || p.direction.every((x) => x === 0))) {
    throw new ConfigError('direction', `must be a finite non-zero vector of d = ${p.d} values`);
  }
  const etaMax = maxStableEta(p);
  if (!(eta > 0 && eta < etaMax)) {
    throw new ConfigError('eta', `must be in (0, ${etaMax}): η/ε·‖σ‖² < 2 keeps the second-layer step stable (largest stable eta ≈ 2ε/‖σ‖²)`, eta);
  }
}

/** u_* as a unit vector (e_1 when not given). */
export function unitDirection(p: NetworkProblem): Float64Array {
  if (!p.direction) return Float64Array.from({ length: p.d }, (_, i) => (i === 0 ? 1 : 0));
  const norm = Math.sqrt(p.direction.reduce((s, x) => s + x * x, 0));
  return p.direction.map((x) => x / norm);
}

/** What the network models observe: R_mf always. */
export type NetworkObservation = Observation & { mfRisk: number };

/** U, V in Wasm memory, and the risks at states there (buffers reserved in the current scope). */
export interface RiskEvaluator {
  /** kernel(kind, gain, coefficients, K, ·) arguments of U and V, coefficient pointers included. */
  U: [number, number, number];
  V: [number, number, number];
  K: number;
  /** At a (m), s (m) and the Gram matrix ρ (m × m): copies of a and s are returned with the risks. */
  evaluate(a: number, s: number, rho: number): NetworkObservation;
}

/**
 * Risks from the residuals r_k = φ_k − σ_k M_k (moments.ts), plus ½(‖φ‖² − Σ_k φ_k² + τ²)
 * and kernelExcess, the part of the kernels the degree-K moments do not see (the finite-d
 * geometry ρ_ij ≠ s_i s_j for R; closed-form kernels beyond degree K for both).
 */
export function riskEvaluator(core: Core, p: NetworkProblem): RiskEvaluator {
  const { m } = p;
  const K = p.sigma.length - 1;
  const D = p.degrees + 1;
  const ex = core.exports;
  const kernels = networkKernels(p);
  const U: [number, number, number] = [kernels.U.kind, kernels.U.gain, core.put(kernels.U.coefficients)];
  const V: [number, number, number] = [kernels.V.kind, kernels.V.gain, core.put(kernels.V.coefficients)];
  const sigma = core.put(p.sigma);
  const phi = core.put(p.phi);
  const M = core.allocF64(K + 1);
  const R = core.allocF64(K + 1);
  const phiTail = Math.max(0, p.phiNorm2 - p.phi.reduce((s, x) => s + x * x, 0));
  const constant = 0.5 * (phiTail + p.noise * p.noise);
  return {
    U, V, K,
    evaluate(a, s, rho) {
      ex.moments(a, s, m, K, M);
      const fit = ex.riskComponents(phi, sigma, M, K, R) + constant;
      const components = new Float64Array(D);
      components.set(core.f64(R, Math.min(K + 1, D)));
      return {
        risk: fit + ex.kernelExcess(a, rho, s, m, ...U, ...V, K, false),
        mfRisk: fit + ex.kernelExcess(a, rho, s, m, ...U, ...V, K, true),
        components, a: core.f64(a, m).slice(), s: core.f64(s, m).slice(),
      };
    },
  };
}

/** The risks at the reduced state (a, C), C m × r: s_i = C[i, 0] into `s` (m), ρ = C Cᵀ into `rho` (m × m). */
function evaluateReduced(core: Core, ev: RiskEvaluator, a: number, C: number, m: number, r: number, s: number, rho: number): NetworkObservation {
  const c = core.f64(C, m * r);
  core.f64(s, m).set(Array.from({ length: m }, (_, i) => c[i * r]));
  core.exports.gram(C, m, r, rho);
  return ev.evaluate(a, s, rho);
}

/** The variable named by a kernel's blow-up code at `fail` (firstBad in assembly/network.ts): 'a[i]' or 'w[i]'. */
export function blowupVariable(core: Core, fail: number): string {
  const code = new Int32Array(core.exports.memory.buffer, fail >>> 0, 1)[0];
  return `${code % 2 ? 'w' : 'a'}[${code >> 1}]`;
}

/**
 * Reduces explicit weights into C (m × (m+1) doubles reserved by the caller): coordinates in
 * an orthonormal basis of span{u_*, w_1, …, w_m}, e_0 = u_*. Returns the rank r (C's row
 * length) and, with `withBasis`, the basis rows (r × d).
 */
function reduceInto(core: Core, p: NetworkProblem, w: Float64Array, C: number, withBasis: boolean): { r: number; basis?: Float64Array } {
  const ex = core.exports;
  const { m, d } = p;
  return core.scoped(() => {
    const block = core.alloc(ex.reduceOffset(ex.RED_END.value, m, d));
    const [u, W, E] = [ex.RED_U, ex.RED_W, ex.RED_E].map((part) => block + ex.reduceOffset(part.value, m, d));
    core.f64(u, d).set(unitDirection(p));
    core.f64(W, m * d).set(w);
    const r = ex.reduceBasis(u, W, m, d, E, C);
    return { r, ...(withBasis ? { basis: core.f64(E, r * d).slice() } : {}) };
  });
}

/** A GD run's block (NET_* parts of assembly/network.ts) reserved in the current scope: the address of each part. */
function networkBlock(core: Core, m: number, d: number) {
  const ex = core.exports;
  const block = core.alloc(ex.networkOffset(ex.NET_END.value, m, d));
  const at = (part: { value: number }) => block + ex.networkOffset(part.value, m, d);
  return { a: at(ex.NET_A), C: at(ex.NET_C), Uk: at(ex.NET_UK), Ud: at(ex.NET_UD), ga: at(ex.NET_GA), gw: at(ex.NET_GW), s: at(ex.NET_S), fail: at(ex.NET_FAIL) };
}

/** The reduced state (a, C) of the block: from w0, or sampled from the seed; returns the rank r. */
function initialState(core: Core, p: NetworkProblem, a: number, C: number): number {
  core.f64(a, p.m).set(p.a0);
  if (p.w0) return reduceInto(core, p, p.w0, C, false).r;
  const r = Math.min(p.m + 1, p.d);
  core.scoped(() => {
    const rng = core.alloc(core.exports.RNG_STATE_BYTES.value);
    core.exports.rngSeed(rng, p.seed);
    core.exports.sphereInit(rng, p.m, p.d, C, r);
  });
  return r;
}

/**
 * Projected GD as a model of the output loop; its memory is reserved in the current scope.
 * Throws ConfigError for a bad problem or an unstable η.
 */
export function networkModel(core: Core, problem: NetworkProblem, algorithm: NetworkAlgorithm, times: Float64Array): Model {
  const { m, epsilon } = problem;
  const { eta } = algorithm;
  checkProblem(problem, eta);
  const start = core.mark();
  const risk = riskEvaluator(core, problem);
  const { a, C, Uk, Ud, ga, gw, s, fail } = networkBlock(core, m, problem.d);
  const r = initialState(core, problem, a, C);
  const { U, V, K } = risk;
  const ex = core.exports;
  return steppingModel({
    advance: (n) => ex.networkSteps(n, eta, epsilon, a, C, m, r, ...U, ...V, K, Uk, Ud, ga, gw, fail),
    observe: () => evaluateReduced(core, risk, a, C, m, r, s, Uk),
    culprit: () => blowupVariable(core, fail),
  }, times, {
    eta, m, degrees: problem.degrees, keepWeights: algorithm.keepWeights, loss: false, arena: { start, end: core.mark() },
    chunk: Math.max(1, Math.floor(CHUNK_WORK / (m * m * (r + 50)))), method: 'gd',
  });
}

/**
 * Projected GD on the population risk: a ← a + (η/ε) g_a, w_i ← normalize(w_i + η g_{w_i}),
 * t = η·steps; output time t is reported at step round(t/η). Throws ConfigError for a bad
 * problem or an unstable η; a blow-up ends the trajectory early with retcode 'blowup'.
 */
export function solveNetwork(core: Core, problem: NetworkProblem, algorithm: NetworkAlgorithm, times: Float64Array, hooks?: RunHooks): Trajectory {
  return core.scoped(() => drive(outputLoop(core, networkModel(core, problem, algorithm, times), hooks)));
}

/** R(a, W), R_mf(a, s) and the components at explicit weights w (m × d; rows are normalized). */
export function populationRisk(core: Core, problem: NetworkProblem, a: Float64Array, w: Float64Array): NetworkObservation {
  return core.scoped(() => {
    const ev = riskEvaluator(core, problem);
    const ap = core.put(a);
    const C = core.allocF64(problem.m * (problem.m + 1));
    const { r } = reduceInto(core, problem, w, C, false);
    return evaluateReduced(core, ev, ap, C, problem.m, r, core.allocF64(problem.m), core.allocF64(problem.m * problem.m));
  });
}

/**
 * The GD directions at explicit weights w (m × d, rows normalized): −m ∂R/∂a_i and the
 * tangent −m P⊥_{w_i} ∇_{w_i} R (m × d).
 */
export function populationGradient(core: Core, problem: NetworkProblem, a: Float64Array, w: Float64Array): { a: Float64Array; w: Float64Array } {
  const { m, d } = problem;
  return core.scoped(() => {
    const ev = riskEvaluator(core, problem);
    const ap = core.put(a);
    const C = core.allocF64(m * (m + 1));
    const { r, basis } = reduceInto(core, problem, w, C, true);
    const ga = core.allocF64(m);
    const gw = core.allocF64(m * r);
    core.exports.networkGradient(ap, C, m, r, ...ev.U, ...ev.V, ev.K, core.allocF64(m * m), core.allocF64(m * m), ga, gw);
    const g = core.f64(gw, m * r);
    const full = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < r; k++) {
        const c = g[i * r + k];
        for (let j = 0; j < d; j++) full[i * d + j] += c * basis![k * d + j];
      }
    }
    return { a: core.f64(ga, m).slice(), w: full };
  });
}
