// Runs refused up front because they cannot finish: kept weights beyond what JavaScript
// arrays hold, and step counts that can be predicted, before the first step, to exceed
// solver.maxSteps (lower bounds: a run is refused only when it surely needs too many steps).
// The WebAssembly memory a run needs is checked in memory.ts, from the module's own layout.

import type { RunConfig } from './config.js';
import { ConfigError } from './errors.js';

/** Hermite truncation used when the config sets none and a function is not a finite series. */
export const DEFAULT_TRUNCATION = 40;

/**
 * The Hermite truncation K of a run: `solver.truncation` if set, else the larger degree of
 * activation and target where they are finite series (DEFAULT_TRUNCATION where not); never
 * below the degrees whose learning times are read. The memory check (memory.ts) and the run
 * (run-validated.ts) both take K from here.
 */
export function truncationOf(set: number | undefined, activationDegree: number | null, targetDegree: number | null, degrees: number): number {
  return Math.max(set ?? Math.max(activationDegree ?? DEFAULT_TRUNCATION, targetDegree ?? DEFAULT_TRUNCATION), degrees);
}

/** Bytes of the a and s arrays kept at every output time (JavaScript memory, one array each). */
export const KEPT_WEIGHTS_LIMIT = 2 ** 33;

/** solver.maxSteps when the config (or an API caller) sets none. */
export const DEFAULT_MAX_STEPS = 10_000_000;

/** "3.2 GB"-style size for messages (bytes as well, exactly). */
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB (${bytes} bytes)` : `${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes)`;
}

/** dopri5's stability interval on the negative real axis, |hλ| ≤ 3.3 (Hairer & Wanner II, IV.2). */
const DOPRI5_STABILITY = 3.3;

/**
 * A lower bound on the steps dopri5 takes for the mean-field flow up to `end`, from the
 * state at the first step. The flow's second-layer block is ε ȧ_i = … − (1/m) Σ_j a_j U(s_i s_j)
 * (MODEL.md §4), so ∂ȧ/∂a = −(1/(εm)) [U(s_i s_j)], a symmetric negative semidefinite
 * matrix (U(ρ) = Σ σ_k² ρ^k is a positive-definite kernel). Its largest eigenvalue in size
 * is at least its largest diagonal entry λ = max_i U(s_i²)/(εm), and an explicit method
 * is stable only while hλ ≤ 3.3: every step is at most 3.3/λ long, so reaching `end` takes
 * at least end·λ/3.3 steps. (The bound is from t = 0; as the overlaps grow, U(s_i²) grows
 * towards U(1) = ‖σ‖² and the real count is larger still.) The stiff method (RODAS4) is
 * L-stable and has no such bound: it is not predicted.
 */
export function dopri5StepsAtLeast(end: number, epsilon: number, sigma: Float64Array, s0: Float64Array): number {
  const m = s0.length;
  let maxU = 0;
  for (let i = 0; i < m; i++) {
    const rho = s0[i] * s0[i];
    let u = 0;
    let p = 1;
    for (let k = 0; k < sigma.length; k++) {
      u += sigma[k] * sigma[k] * p;
      p *= rho;
    }
    maxU = Math.max(maxU, u);
  }
  const lambda = maxU / (epsilon * m);
  return (end * lambda) / DOPRI5_STABILITY;
}

/**
 * Refuses a mean-field run on dopri5 whose step count, bounded below from the first step
 * (dopri5StepsAtLeast), exceeds solver.maxSteps: e.g. time.end = 1e300 would otherwise
 * run for minutes and stop with no output time reached.
 */
export function checkMeanfieldSteps(config: RunConfig, method: string, sigma: Float64Array, s0: Float64Array): void {
  if (config.model !== 'meanfield' || method !== 'dopri5') return;
  const time = config.time;
  const end = 'at' in time ? time.at[time.at.length - 1] : time.end;
  const steps = dopri5StepsAtLeast(end, config.epsilon, sigma, s0);
  const { maxSteps } = config.solver;
  if (steps > maxSteps) {
    const field = 'at' in time ? `time.at[${time.at.length - 1}]` : 'time.end';
    throw new ConfigError(field, `reaching t = ${end} takes dopri5 at least ${steps.toPrecision(3)} steps (its stability bound from t = 0), more than solver.maxSteps = ${maxSteps}; shorten the time span, use solver.method "stiff", or raise solver.maxSteps`);
  }
}
