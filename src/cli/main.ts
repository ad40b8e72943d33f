// The `timescales` command line: one subcommand per file in this folder.
// Exit codes: 0 success; 1 a run that stopped early, or a system error while working
// (a read or write that failed, e.g. a full disk); 2 bad input, refused before any work
// (config, command line, an output path that cannot be written).
import { readFileSync } from 'node:fs';
import { ConfigError, didYouMean } from '../errors.js';
import { CliUsageError, wantsHelp, type Command } from './command.js';
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

const usage = `usage: timescales <command> [options]   (timescales <command> --help for its options)
commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}
options:
  -h, --help     this help
  --version      the version of timescales

exit codes: 0 success; 1 a run stopped early (partial result written) or a file
operation failed; 2 bad input, refused before any work; 130 stopped by Ctrl-C or SIGTERM.`;

/** The package version, read from package.json beside dist/ and src/. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`timescales ${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = rest[0] === undefined ? undefined : commands[rest[0]];
    process.stdout.write(`${command ? command.help : usage}\n`);
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    const near = name ? didYouMean(name, Object.keys(commands), (c) => `'${c}'`) : '';
    process.stderr.write(`${name ? `timescales: unknown command '${clip(name)}'${near}\n` : ''}${usage}\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof CliUsageError || e instanceof ConfigError || isParseArgsError(e)) {
      process.stderr.write(`timescales ${name}: ${clip(firstLine(e.message))}\n`);
      return 2;
    }
    if (isSystemError(e)) {
      process.stderr.write(`timescales ${name}: ${clip(firstLine(e.message))}\n`); // e.g. ENOSPC while writing --out
      return 1;
    }
    // A failure the code did not foresee: one line, no stack trace unless asked for.
    if (process.env.TIMESCALES_DEBUG) throw e;
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`timescales ${name}: internal error: ${clip(firstLine(text))} (TIMESCALES_DEBUG=1 shows the stack)\n`);
    return 1;
  }
}

const MAX_LINE = 500;

/** At most MAX_LINE characters of a message line (values are echoed inside messages). */
function clip(text: string): string {
  return text.length <= MAX_LINE ? text : `${text.slice(0, MAX_LINE)}… (${text.length} characters)`;
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : `${text.slice(0, i)} …`;
}

/** node:util parseArgs refuses unknown options and missing values with these codes. */
function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** A failed file or process operation (it carries a code such as ENOENT or EACCES). */
function isSystemError(e: unknown): e is Error {
  return e instanceof Error && typeof (e as { syscall?: unknown }).syscall === 'string';
}
