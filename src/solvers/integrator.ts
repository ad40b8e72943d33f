// The ODE integrators of the Wasm core (assembly/integrators/), seen from TypeScript: their
// names, and one running instance in Wasm memory that advances between output times. Method
// codes, status codes and the layout of the counters are read from the core's exports
// (assembly/integrators/driver.ts and state.ts), never copied here.
import type { Core } from '../wasm/loader.js';
import type { ReturnCode } from './solution.js';

export type MethodName = 'rk4' | 'dopri5' | 'rodas4' | 'bdf';

export interface IntegratorOptions {
  method: MethodName;
  rtol: number;
  atol: number;
  /** rk4: the step; adaptive methods: the first step to try (0: chosen by the method). */
  h0: number;
  /** Accept every step with h = h0, without error control (convergence-order studies; one-step methods only, bdf ignores it). */
  fixed?: boolean;
  maxSteps: number;
}

export interface IntegratorStats {
  t: number;
  h: number;
  nfev: number;
  njev: number;
  nlu: number;
  steps: number;
  rejected: number;
  /** Multistep methods: the current order (0 for the others). */
  order: number;
  /** Stiff methods: rejections by the error test, Newton convergence failures, Newton iterations (0 for the others). */
  errorFails: number;
  newtonFails: number;
  newtonIters: number;
  /** BDF: accepted steps where the tolerance asked was below rounding for some component and its weight was raised to the rounding floor (0 for the others). */
  floored: number;
  /** 'success' while running; otherwise why it stopped. */
  retcode: ReturnCode;
  /** Index into the state vector of the variable that failed, or −1. */
  failIndex: number;
  failValue: number;
}

/** The core's integrator codes and layouts, by name. */
interface Codes {
  methods: Record<MethodName, number>;
  status: Map<number, ReturnCode | 'paused'>;
  /** STAT_* index of each field of IntegratorStats (retcode: the status). */
  stats: Record<Exclude<keyof IntegratorStats, 'retcode'> | 'status', number>;
  statsLength: number;
}

const codesOf = new WeakMap<Core, Codes>();

function codes(core: Core): Codes {
  let c = codesOf.get(core);
  if (!c) {
    const x = core.exports;
    c = {
      methods: { rk4: x.METHOD_RK4.value, dopri5: x.METHOD_DOPRI5.value, rodas4: x.METHOD_RODAS4.value, bdf: x.METHOD_BDF.value },
      status: new Map<number, ReturnCode | 'paused'>([
        [x.STATUS_RUNNING.value, 'success'], [x.STATUS_BLOWUP.value, 'blowup'],
        [x.STATUS_STEP_TOO_SMALL.value, 'stepTooSmall'], [x.STATUS_MAX_STEPS.value, 'maxSteps'],
        [x.STATUS_PAUSED.value, 'paused'],
      ]),
      stats: {
        t: x.STAT_T.value, h: x.STAT_H.value, nfev: x.STAT_NFEV.value, njev: x.STAT_NJEV.value, nlu: x.STAT_NLU.value,
        steps: x.STAT_STEPS.value, rejected: x.STAT_REJECTED.value, status: x.STAT_STATUS.value,
        failIndex: x.STAT_FAIL_INDEX.value, failValue: x.STAT_FAIL_VALUE.value, order: x.STAT_ORDER.value,
        errorFails: x.STAT_ERROR_FAILS.value, newtonFails: x.STAT_NEWTON_FAILS.value, newtonIters: x.STAT_NEWTON_ITERS.value,
        floored: x.STAT_FLOORED.value,
      },
      statsLength: x.STATS_LENGTH.value,
    };
    codesOf.set(core, c);
  }
  return c;
}

function statusName(c: Codes, status: number): ReturnCode | 'paused' {
  const name = c.status.get(status);
  if (name === undefined) throw new Error(`unknown integrator status ${status}`);
  return name;
}

/**
 * An integrator over the system at `sys` (a block that starts with a System header, e.g. from
 * meanfieldInit) with n unknowns, from y0 at t0, never stepping past tBound. Its memory is
 * reserved in the core's arena: create it inside `core.scoped`.
 */
export class Integrator {
  readonly ptr: number;
  private readonly statsPtr: number;
  private readonly codes: Codes;

  constructor(private readonly core: Core, sys: number, n: number, y0: number, t0: number, tBound: number,
    options: IntegratorOptions) {
    const x = core.exports;
    this.codes = codes(core);
    const size = x.systemSize(sys);
    if (n !== size) throw new RangeError(`the system at ${sys} has ${size} unknowns, not ${n}`);
    const code = this.codes.methods[options.method];
    this.ptr = core.alloc(x.integratorBytes(code, n) >>> 0);
    this.statsPtr = core.allocF64(this.codes.statsLength);
    x.integratorInit(this.ptr, code, sys, y0, t0, tBound, options.rtol, options.atol, options.h0,
      options.fixed ?? false, options.maxSteps);
  }

  /**
   * Steps past tOut and writes y(tOut) (dense output) to `out`; returns the retcode, or 'paused'
   * when `budget` steps ran out first (call again to go on).
   */
  advance(tOut: number, out: number, budget = Infinity): ReturnCode | 'paused' {
    return statusName(this.codes, this.core.exports.integratorAdvance(this.ptr, tOut, out, budget));
  }

  /** Accepted steps so far (one field, without building the whole record). */
  steps(): number {
    return this.stat(this.codes.stats.steps);
  }

  /** The time reached. */
  time(): number {
    return this.stat(this.codes.stats.t);
  }

  private stat(index: number): number {
    this.core.exports.integratorStats(this.ptr, this.statsPtr);
    return this.core.f64(this.statsPtr, this.codes.statsLength)[index];
  }

  stats(): IntegratorStats {
    this.core.exports.integratorStats(this.ptr, this.statsPtr);
    const v = this.core.f64(this.statsPtr, this.codes.statsLength);
    const i = this.codes.stats;
    const retcode = statusName(this.codes, v[i.status]);
    return {
      t: v[i.t], h: v[i.h], nfev: v[i.nfev], njev: v[i.njev], nlu: v[i.nlu], steps: v[i.steps], rejected: v[i.rejected],
      retcode: retcode === 'paused' ? 'success' : retcode, failIndex: v[i.failIndex], failValue: v[i.failValue],
      order: v[i.order], errorFails: v[i.errorFails], newtonFails: v[i.newtonFails], newtonIters: v[i.newtonIters],
      floored: v[i.floored],
    };
  }
}
