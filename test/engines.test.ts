// scripts/engines.mjs: every engine gets an entry, in a fixed order, pinned; one that
// cannot start says why instead of disappearing from the list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED, engines } from '../scripts/engines.mjs';

describe('engines', () => {
  it('lists all six engines, pinned, each runnable or saying why not', () => {
    const list = engines();
    expect(list.map((e) => e.name)).toEqual(['node', `node@${PINNED.node}`, `deno@${PINNED.deno}`, `bun@${PINNED.bun}`, 'chromium', 'firefox']);
    expect(PINNED.node).toMatch(/^22\./);
    expect(PINNED.deno).toMatch(/^2\.9\./);
    expect(PINNED.bun).toMatch(/^1\.4\./);
    for (const e of list) expect(e.error, `${e.label}: ${e.error}`).toBeUndefined();
    expect(list.find((e) => e.name.startsWith('deno'))!.command!.slice(-3)).toEqual(['run', '-A', '--node-modules-dir=manual']);
  }, 600_000);

  it('reports an engine that is not installed, with the reason, instead of dropping it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timescales-no-engines-'));
    try {
      const list = engines({ install: false, dir });
      expect(list).toHaveLength(6);
      for (const name of ['node@', 'deno@', 'bun@']) {
        const e = list.find((x) => x.name.startsWith(name))!;
        expect(e.command).toBeUndefined();
        expect(e.error).toMatch(/no (node|deno|bun) binary in/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
