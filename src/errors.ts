// The error the library throws for bad input. A run that goes wrong numerically does not
// throw: it returns its partial trajectory with a retcode and a message (src/solvers/solution.ts).

/** Bad input: names the field (a dotted path such as `solver.rtol`) and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly field: string, readonly allowed: string, received?: unknown) {
    super(`${field}: ${allowed}${received === undefined ? '' : ` (got ${typeof received === 'number' ? received : JSON.stringify(received)})`}`);
  }
}
