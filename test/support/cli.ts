// The command line as the tests run it: the bin script in a child Node, and a temporary folder
// per test file for its configs and outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { CHILD_MS } from './budgets.js';

export const bin = fileURLToPath(new URL('../../bin/timescales.mjs', import.meta.url));

/** spawnSync's options for a CLI child: text output, and a deadline that bounds a hang. */
export const child = { encoding: 'utf8', timeout: CHILD_MS } as const;

export const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], child);

/** A temporary folder removed after the file's tests, and a writer of JSON config files in it. */
export function tempFolder(prefix: string): { dir: string; configFile(name: string, config: unknown): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    configFile(name, config) {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(config));
      return path;
    },
  };
}
