// What every subcommand provides, and the error for a malformed command line.

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
