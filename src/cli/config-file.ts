// Reading a run config from a file (or stdin as '-') for the commands.
import { readFileSync } from 'node:fs';
import type { RunConfigInput } from '../config.js';
import { ConfigError } from '../errors.js';
import { CliUsageError } from './command.js';

/**
 * The parsed JSON of `path` (a leading UTF-8 byte-order mark is skipped); CliUsageError if unreadable, ConfigError if not JSON.
 * Typed as a config input but not yet checked: run() and sweepEpsilon() validate it, field by field.
 */
export function readConfig(path: string): RunConfigInput {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as RunConfigInput;
  } catch (e) {
    throw new ConfigError('(config)', `${path} is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}
