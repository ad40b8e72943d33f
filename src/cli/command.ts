// What every subcommand provides, and the error for a malformed command line.

export interface Command {
  summary: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A command line that cannot be understood: printed on one line, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
