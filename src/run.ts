// run(config): the one entry point shared by the API, the CLI and the browser: the config
// validated (config.ts, every refusal naming its field), then run (run-validated.ts).
import { parseConfig, type RunConfigInput } from './config.js';
import { runParsed, type RunOptions, type RunResult } from './run-validated.js';

export { hermiteCoefficients, runParsed, runShape, type Coefficients, type RunOptions, type RunResult } from './run-validated.js';

/**
 * Validates `input`, runs the model it names, and returns the solution with its learning
 * times. The type gives completion and compile-time errors; the check that counts is the
 * one at run time (ConfigError naming the field), which also covers configs read from JSON.
 */
export async function run(input: RunConfigInput, hooks: RunOptions = {}): Promise<RunResult> {
  return runParsed(parseConfig(input), hooks);
}
