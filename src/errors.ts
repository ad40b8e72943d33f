// The error types the library throws. Each carries what a caller needs to react:
// a config field path, or the time and variable where a run broke down.

/** Bad input: names the field (a dotted path such as `solver.rtol`) and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly field: string, readonly allowed: string, received?: unknown) {
    super(`${field}: ${allowed}${received === undefined ? '' : ` (got ${typeof received === 'number' ? received : JSON.stringify(received)})`}`);
  }
}

/**
 * A run stopped early: a variable became non-finite or left its domain, or the
 * integrator could not meet its tolerance. `partial` holds the trajectory up to `t`.
 */
export class RunError<P = unknown> extends Error {
  override name = 'RunError';
  constructor(message: string, readonly t: number, readonly variable: string, readonly partial?: P) {
    super(message);
  }
}
