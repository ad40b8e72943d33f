// scripts/engines.mjs: every engine gets an entry, in a fixed order, pinned; one that
// cannot start says why instead of disappearing from the list.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED, engines } from '../scripts/engines.mjs';
import { CHILD_MS } from './support/budgets.js';

describe('engines', () => {
  it('lists all six engines, and each command-line engine it runs reports the pinned version', () => {
    const list = engines();
    expect(list.map((e) => e.name)).toEqual(['node', `node@${PINNED.node}`, `deno@${PINNED.deno}`, `bun@${PINNED.bun}`, 'chromium', 'firefox']);
    for (const e of list) expect(e.error, `${e.label}: ${e.error}`).toBeUndefined();
    for (const [pkg, version] of Object.entries(PINNED)) {
      const e = list.find((x) => x.name === `${pkg}@${version}`)!;
      // Asked independently of engines(): the binary it would run is the pinned one.
      const reported = spawnSync(e.command![0], ['--version'], { encoding: 'utf8', timeout: CHILD_MS }).stdout;
      expect(reported, e.label).toContain(version);
    }
    expect(list.find((e) => e.name.startsWith('deno'))!.command!.slice(-3)).toEqual(['run', '-A', '--node-modules-dir=manual']);
  }, 600_000);

  it('refuses an installed binary of another version than the pinned one, saying which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timescales-wrong-engine-'));
    try {
      const bin = join(dir, `bun-${PINNED.bun}`, 'node_modules', '.bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'bun'), '#!/bin/sh\necho 0.0.1\n', { mode: 0o755 });
      const bun = engines({ install: false, dir }).find((e) => e.name === `bun@${PINNED.bun}`)!;
      expect(bun.command).toBeUndefined();
      expect(bun.error).toMatch(new RegExp(`--version says 0\\.0\\.1, expected ${PINNED.bun.replace(/\./g, '\\.')}$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
