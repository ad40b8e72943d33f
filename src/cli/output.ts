// Output paths of the commands: checked before any work (so a bad path costs nothing),
// then written whole or not at all (src/io/atomic.ts), or streamed to stdout.
import { fstatSync, statSync } from 'node:fs';
import { chunked, outputProblem, writeStreamAtomic } from '../io/atomic.js';
import { CliUsageError } from './command.js';

/**
 * Refuses, before any work, an output option whose path cannot be written: the folder
 * is missing or not a folder, the target is a folder, or nothing can be created there.
 * Exit code 2, like any other bad input on the command line.
 */
export function checkOutputs(options: Record<string, string | undefined>): void {
  for (const [option, path] of Object.entries(options)) {
    if (path === undefined) continue;
    const problem = outputProblem(path);
    if (problem !== null) throw new CliUsageError(`--${option}: ${problem}`);
  }
}

/**
 * Whether `path` is this process's stdout (/dev/stdout, /dev/fd/1, or any name of the same
 * file): written through the stdout stream, since a socket (as a parent process's pipe may
 * be) cannot be opened again by name, and a regular file the shell opened (`> file`,
 * `>> file`) must be written where the shell points, not replaced.
 */
function isStdout(path: string): boolean {
  try {
    const a = statSync(path);
    const b = fstatSync(1);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** Writes the pieces `fill` passes to `path` (whole or not at all), or to stdout without a path. */
export async function writeOutput(path: string | undefined, fill: (write: (piece: string) => void) => void): Promise<void> {
  if (path !== undefined && !isStdout(path)) {
    writeStreamAtomic(path, fill);
    return;
  }
  let drained = true;
  const sink = chunked((bytes) => {
    drained = process.stdout.write(bytes) && drained;
  });
  fill(sink.write);
  sink.end();
  if (!drained) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
}
