// What every subcommand provides, the error for a malformed command line, and the option parser.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../errors.js';

export interface Command {
  summary: string;
  /** What `timescales <command> --help` prints: the usage line, then one line per option. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A command line that cannot be understood: printed on one line, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Whether the arguments ask for help (`--help` or `-h` anywhere before a `--`). */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * parseArgs (node:util) with the command line's own one-line refusals: an unknown option is
 * named with the command's nearest option, an option without its value (or with one it does
 * not take) by its name; `command` names the command in them.
 */
export function parseOptions<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = (e as Error).message;
    const help = `(\`timescales ${command} --help\` lists the options)`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /^Unknown option '([^']*)'/.exec(message)?.[1] ?? '';
      const names = [...Object.keys(config.options ?? {}), 'help'];
      const near = option.startsWith('--') ? didYouMean(option.slice(2), names, (n) => `--${n}`) : '';
      throw new CliUsageError(`unknown option ${option}${near} ${help}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = /--[\w-]+/.exec(message)?.[0] ?? '';
      throw new CliUsageError(/argument missing/.test(message) ? `option ${option} needs a value ${help}` : `option ${option} takes no value ${help}`);
    }
    throw e;
  }
}
