// The ODE integrators of the Wasm core (assembly/integrators/), seen from TypeScript: their
// names, and one running instance in Wasm memory that advances between output times.
import type { Core } from '../wasm/loader.js';
import type { ReturnCode } from './solution.js';

export type MethodName = 'rk4' | 'dopri5' | 'rodas4';

export interface IntegratorOptions {
  method: MethodName;
  rtol: number;
  atol: number;
  /** rk4: the step; adaptive methods: the first step to try (0: chosen by the method). */
  h0: number;
  /** Accept every step with h = h0, without error control (convergence-order studies). */
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
  /** 'success' while running; otherwise why it stopped. */
  retcode: ReturnCode;
  /** Index into the state vector of the variable that failed, or −1. */
  failIndex: number;
  failValue: number;
}

const STATUS: ReturnCode[] = ['success', 'blowup', 'stepTooSmall', 'maxSteps'];

function methodCode(core: Core, method: MethodName): number {
  const x = core.exports;
  return { rk4: x.METHOD_RK4, dopri5: x.METHOD_DOPRI5, rodas4: x.METHOD_RODAS4 }[method].value;
}

/**
 * An integrator over the system at `sys` (a meanfieldInit block) with n unknowns, from y0 at t0,
 * never stepping past tBound. Its memory is reserved in the core's arena: create it inside
 * `core.scoped`.
 */
export class Integrator {
  readonly ptr: number;
  private readonly statsPtr: number;

  constructor(private readonly core: Core, sys: number, n: number, y0: number, t0: number, tBound: number,
    options: IntegratorOptions) {
    const x = core.exports;
    const code = methodCode(core, options.method);
    this.ptr = x.alloc(x.integratorBytes(code, n));
    this.statsPtr = core.allocF64(10);
    x.integratorInit(this.ptr, code, sys, n, y0, t0, tBound, options.rtol, options.atol, options.h0,
      options.fixed ?? false, options.maxSteps);
  }

  /**
   * Steps past tOut and writes y(tOut) (dense output) to `out`; returns the retcode, or 'paused'
   * when `budget` steps ran out first (call again to go on).
   */
  advance(tOut: number, out: number, budget = Infinity): ReturnCode | 'paused' {
    const status = this.core.exports.integratorAdvance(this.ptr, tOut, out, budget);
    return status === this.core.exports.PAUSED.value ? 'paused' : STATUS[status];
  }

  stats(): IntegratorStats {
    this.core.exports.integratorStats(this.ptr, this.statsPtr);
    const [t, h, nfev, njev, nlu, steps, rejected, status, failIndex, failValue] = this.core.f64(this.statsPtr, 10);
    return { t, h, nfev, njev, nlu, steps, rejected, retcode: STATUS[status], failIndex, failValue };
  }
}
