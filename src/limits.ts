// Runs refused up front because they cannot finish: the memory a run needs against the
// 4 GiB of 32-bit WebAssembly, and step counts that can be predicted, before the first
// step, to exceed solver.maxSteps. Estimates err on the safe side of the user: memory is
// counted generously (a run near the limit is refused rather than dying mid-way), step
// counts are lower bounds (a run is refused only when it surely needs too many steps).

import type { RunConfig } from './config.js';
import { ConfigError } from './errors.js';

/** Hermite truncation used when the config sets none and a function is not a finite series. */
export const DEFAULT_TRUNCATION = 40;

/**
 * The Hermite truncation K of a run: `solver.truncation` if set, else the larger degree of
 * activation and target where they are finite series (DEFAULT_TRUNCATION where not); never
 * below the degrees whose learning times are read. The memory check (config.ts) and the run
 * (run-validated.ts) both take K from here.
 */
export function truncationOf(set: number | undefined, activationDegree: number | null, targetDegree: number | null, degrees: number): number {
  return Math.max(set ?? Math.max(activationDegree ?? DEFAULT_TRUNCATION, targetDegree ?? DEFAULT_TRUNCATION), degrees);
}

/** Addressable bytes of 32-bit WebAssembly memory (65 536 pages of 64 KiB). */
export const WASM_MEMORY_LIMIT = 2 ** 32;
/** Kept for the module's data, stack and the arena's small blocks (coefficients, rules, counters). */
export const RESERVED_BYTES = 64 * 2 ** 20;
/** Bytes of the a and s arrays kept at every output time (JavaScript memory, one array each). */
export const KEPT_WEIGHTS_LIMIT = 2 ** 33;

/** Neurons up to which the mean-field flow may use the O(m²) kernel form or dense LU (models/meanfield.ts). */
const DENSE_UP_TO = 64;

export interface MemoryShape {
  model: 'meanfield' | 'network' | 'sgd';
  m: number;
  /** Hermite truncation degree K (an upper bound). */
  K: number;
  form: 'auto' | 'kernel' | 'moment';
  d?: number;
  batch: number;
  samples: number;
  /** Explicit first-layer weights given (network: reduced with an m × d basis). */
  explicitW: boolean;
}

/**
 * Bytes of WebAssembly memory a run needs, by its largest blocks (counted in doubles):
 * - meanfield (assembly/meanfield/system.ts): the parameters and tails (series of degree
 *   D = K, or max(K, 64) in the kernel form, and a few m-vectors), the dense part with the
 *   kernel form or dense LU (the 2m × 2m Jacobian and its LU: 8m²), the Woodbury part without
 *   dense LU or with the kernel form (its (D+1)² capacitance matrix and m-vectors), the
 *   integrator (at most 18 vectors of 2m: BDF's twelve plus six common ones), y0 and the output;
 * - network: the reduced state C (m(m+1)), the kernel matrices U and U' (2m²), the
 *   gradient (m·r, r ≤ m+1), the risk's ρ (m²); with explicit weights also W (m·d), the
 *   basis E ((m+1)·d) and u_* (d);
 * - sgd: the state (generator, a, ‖w_i‖², W = m·d, labels n, samples n·d), the step's
 *   scratch (two batch slots of B(d + 2 + m), residuals, σ(z) B·m, the batch Gram B²),
 *   the Gram of W and the risk's matrices (3m²), u_* (d).
 * A quarter is added for alignment and the smaller blocks, and 64 MiB for the module.
 * test/config.test.ts checks the estimate against the arena's real high-water mark.
 */
export function wasmBytes(c: MemoryShape): number {
  const { m, K } = c;
  const K1 = K + 1;
  let doubles: number;
  if (c.model === 'meanfield') {
    const kernel = c.form === 'kernel' || (c.form === 'auto' && m <= 64);
    const dense = kernel || m <= DENSE_UP_TO;
    const D1 = (kernel ? Math.max(K, 64) : K) + 1;
    doubles = 2 * K1 + 5 * D1 + 3 * m + (dense ? 8 * m * m + 8 * m + m * K1 : 0)
      + (!dense || kernel ? 6 * D1 + D1 * D1 + 11 * m : 0) + 36 * m + 4 * m;
  } else {
    const d = c.d ?? 1;
    const r = Math.min(m + 1, d);
    if (c.model === 'network') {
      doubles = m * (m + 1) + 3 * m * m + m * r + 4 * m + (c.explicitW ? m * d + (m + 1) * d : 0) + d;
    } else {
      const B = c.batch;
      const n = c.samples;
      doubles = 4 + 2 * m + m * d + n + n * d + 2 * B * (d + 2 + m) + 3 * B + B * m + B * B + 3 * m * m + m + d;
    }
    doubles += 4 * K1 * K1; // the risk's series and Gauss–Hermite tables
  }
  return Math.ceil(1.25 * 8 * doubles) + RESERVED_BYTES;
}

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
