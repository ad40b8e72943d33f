// The `timescales` command line: one subcommand per file in this folder.
import { ConfigError } from '../errors.js';
import { CliUsageError, type Command } from './command.js';
import { figuresCommand } from './figures.js';
import { hermiteCommand } from './hermite.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { studyCommand } from './study.js';
import { sweepCommand } from './sweep.js';

const commands: Record<string, Command> = {
  run: runCommand,
  sweep: sweepCommand,
  study: studyCommand,
  hermite: hermiteCommand,
  schema: schemaCommand,
  figures: figuresCommand,
};

const usage = `usage: timescales <command> [options]
commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(`${name ? `timescales: unknown command '${name}'\n` : ''}${usage}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof CliUsageError || e instanceof ConfigError || isParseArgsError(e)) {
      process.stderr.write(`timescales ${name}: ${e.message}\n`);
      return 2;
    }
    if (isSystemError(e)) {
      process.stderr.write(`timescales ${name}: ${e.message}\n`); // e.g. ENOENT on --out in a missing folder
      return 1;
    }
    throw e;
  }
}

/** node:util parseArgs refuses unknown options and missing values with these codes. */
function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** A failed file or process operation (it carries a code such as ENOENT or EACCES). */
function isSystemError(e: unknown): e is Error {
  return e instanceof Error && typeof (e as { syscall?: unknown }).syscall === 'string';
}
