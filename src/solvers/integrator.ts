// The ODE integrators of the Wasm core (assembly/integrators/), seen from TypeScript: their
// names, and one running instance in Wasm memory that advances between output times. Method
// codes, status codes and the layout of the counters are read from the core's exports
// (assembly/integrators/driver.ts and state.ts), by name, never copied here.
import type { Core } from '../wasm/loader.js';
import type { ReturnCode } from './solution.js';

/** The core's methods by name; checked against its method table when a core is first used. */
export const METHOD_NAMES = ['rk4', 'dopri5', 'rodas4', 'bdf'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** The methods a run may ask for (solver.method): 'auto' picks by the problem, 'stiff' is rodas4. */
export const SOLVER_METHODS = ['auto', 'rk4', 'dopri5', 'stiff', 'bdf'] as const;
export type SolverMethod = (typeof SOLVER_METHODS)[number];

export interface IntegratorOptions {
  method: MethodName;
  rtol: number;
  atol: number;
  /** rk4: the step; adaptive methods: the first step to try (0: chosen by the method). */
  h0: number;
  /** Accept every step with h = h0, without error control (convergence-order studies; bdf still chooses its order, and halves a step its Newton iteration cannot converge). */
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
  /** Index in integratorStats' output of each field of IntegratorStats (retcode: the status). */
  stats: Record<StatName, number>;
  statsLength: number;
}

type StatName = Exclude<keyof IntegratorStats, 'retcode'> | 'status';
/** The fields read from integratorStats (the compiler checks this against IntegratorStats). */
const STAT_FIELDS = Object.keys({
  t: 0, h: 0, nfev: 0, njev: 0, nlu: 0, steps: 0, rejected: 0, status: 0, failIndex: 0, failValue: 0, order: 0,
  errorFails: 0, newtonFails: 0, newtonIters: 0, floored: 0,
} satisfies Record<StatName, 0>) as StatName[];

const codesOf = new WeakMap<Core, Codes>();

/** A static AssemblyScript string at `ptr`: UTF-16 code units, their byte length in the 4 bytes before them. */
function wasmString(core: Core, ptr: number): string {
  const p = ptr >>> 0;
  const bytes = new DataView(core.exports.memory.buffer).getUint32(p - 4, true);
  return String.fromCharCode(...new Uint16Array(core.exports.memory.buffer, p, bytes >>> 1));
}

function codes(core: Core): Codes {
  let c = codesOf.get(core);
  if (!c) {
    const x = core.exports;
    const names = Array.from({ length: x.integratorMethodCount() }, (_, code) => wasmString(core, x.integratorMethodName(code)));
    if (names.join() !== METHOD_NAMES.join()) throw new Error(`the core's integrators are ${names.join(', ')}, not ${METHOD_NAMES.join(', ')}`);
    const statNames = wasmString(core, x.integratorStatNames()).split(' ');
    const stats = Object.fromEntries(STAT_FIELDS.map((f) => [f, statNames.indexOf(f)])) as Record<StatName, number>;
    const missing = STAT_FIELDS.filter((f) => stats[f] < 0);
    if (missing.length) throw new Error(`the core's integratorStats has no ${missing.join(', ')}`);
    c = {
      methods: Object.fromEntries(names.map((name, code) => [name, code])) as Record<MethodName, number>,
      status: new Map<number, ReturnCode | 'paused'>([
        [x.STATUS_RUNNING.value, 'success'], [x.STATUS_BLOWUP.value, 'blowup'],
        [x.STATUS_STEP_TOO_SMALL.value, 'stepTooSmall'], [x.STATUS_MAX_STEPS.value, 'maxSteps'],
        [x.STATUS_PAUSED.value, 'paused'],
      ]),
      stats,
      statsLength: statNames.length,
    };
    codesOf.set(core, c);
  }
  return c;
}

/** Bytes of an integrator's workspace in Wasm memory for `method` on n unknowns (the core's integratorBytes). */
export function integratorBytes(core: Core, method: MethodName, n: number): number {
  return core.exports.integratorBytes(codes(core).methods[method], n) >>> 0;
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
    this.ptr = core.alloc(integratorBytes(core, options.method, n));
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
