// What a solve returns, shared by every model (mean-field flow, network GD, SGD):
// the SciML "solution" — output times, the quantities at those times, a return code
// and the solver's counters.

export interface SolverStats {
  /** Integrator or update rule actually used: a MethodName of integrator.ts ('rodas4' for 'stiff'), or 'gd', 'sgd'. */
  method: string;
  /** Accepted steps (for GD/SGD: updates). */
  steps: number;
  rejectedSteps: number;
  rhsEvaluations: number;
  jacobianEvaluations: number;
  /** Factorizations or structured solves of the stiff method's linear systems. */
  linearSolves: number;
  wallMs: number;
}

/** 'success', or why the run stopped early (the trajectory then ends at the last good time). */
export type ReturnCode = 'success' | 'blowup' | 'maxSteps' | 'stepTooSmall' | 'aborted';

export interface Trajectory {
  /** Output times reached, length T. */
  t: Float64Array;
  /** The model's risk at each time: R_mf for the mean-field flow, the population R(a, W) otherwise. */
  risk: Float64Array;
  /** R_mf(a, s) at each time, for the network and SGD models. */
  mfRisk?: Float64Array;
  /** Hermite components R_0..R_D per time, row-major T × (D+1). */
  components: Float64Array;
  /** Second-layer weights and overlaps s_i = ⟨w_i, u_*⟩ per time, row-major T × m (omitted for huge m). */
  a?: Float64Array;
  s?: Float64Array;
  /** Empirical loss on the fixed samples, for multi-pass SGD. */
  loss?: Float64Array;
  retcode: ReturnCode;
  /** Set when retcode is not 'success': what failed, at which time, in which variable. */
  message?: string;
  /** A remark on a run that succeeded but is degenerate (e.g. the overlaps can never move). */
  note?: string;
  stats: SolverStats;
}

/** One output time, handed to `onFrame` as soon as it is computed (for live display). */
export interface Frame {
  index: number;
  t: number;
  risk: number;
  components: Float64Array;
  a?: Float64Array;
  s?: Float64Array;
}

export interface RunHooks {
  onFrame?(frame: Frame): void;
  /** Called now and then on long runs with the fraction of the time span done. */
  onProgress?(fraction: number, t: number): void;
  /** Stops the run after the chunk of work in progress, with its rows so far and retcode 'aborted'. */
  signal?: AbortSignal;
}

/** By default a and s are stored at every output time while m · (output times) is at most this. */
export const KEEP_WEIGHTS_UP_TO = 1e7;

/** Whether a and s are stored at every output time: as asked, else when m·T numbers stay small. */
export function keepsWeights(asked: boolean | undefined, m: number, T: number): boolean {
  return asked ?? m * T <= KEEP_WEIGHTS_UP_TO;
}
