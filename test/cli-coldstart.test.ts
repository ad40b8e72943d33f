// The command line compiles the Wasm core eagerly with V8's optimizing tier for the commands that
// solve (bin/timescales.mjs): results must be the same bits as the API's under the engine's
// defaults, for the mean-field flow (stiff and explicit methods) and SGD, and a command that does
// not solve must not be affected.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/config.js';
import { run } from '../src/run.js';
import { CHILD_MS } from './support/budgets.js';

const bin = fileURLToPath(new URL('../bin/timescales.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'timescales-cold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { activation: 'relu', target: { hermite: [1, 1, 1] }, m: 6, seed: 5, degrees: 2 };
const configs: Record<string, RunConfigInput> = {
  stiff: { ...base, epsilon: 1e-6, time: { start: 1e-6, end: 10, points: 9, spacing: 'log' } },
  explicit: { ...base, epsilon: 0.5, solver: { method: 'dopri5' }, time: { start: 0.01, end: 5, points: 5, spacing: 'log' } },
  sgd: { ...base, model: 'sgd', d: 50, eta: 1e-3, epsilon: 1, time: { start: 0.01, end: 0.2, points: 4, spacing: 'log' } },
};

describe('the command line with eager optimized compilation', () => {
  for (const [name, config] of Object.entries(configs)) {
    it(`gives the API's bits (${name})`, async () => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(config));
      const r = spawnSync(process.execPath, [bin, 'run', path, '--quiet'], { encoding: 'utf8', timeout: CHILD_MS });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const cli = JSON.parse(r.stdout) as { risk: number[]; components: number[] | number[][] };
      const api = await run(config);
      expect(cli.risk).toHaveLength(api.risk.length);
      cli.risk.forEach((x, i) => expect(Object.is(x, api.risk[i])).toBe(true));
      expect(cli.components.flat()).toEqual(Array.from(api.components));
    });
  }

  it('runs the commands that do not solve as before', () => {
    const r = spawnSync(process.execPath, [bin, 'schema'], { encoding: 'utf8', timeout: CHILD_MS });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('properties.m');
  });
});
