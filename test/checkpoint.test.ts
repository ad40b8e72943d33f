// The checkpoint file: what it holds (config and hash, build, arena range, rows, state), the
// SGD state block inside it as assembly/sgd.ts lays it out, and whole-file writes.
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { CHECKPOINT_FORMAT, configHash, readCheckpoint } from '../src/io/checkpoint.js';
import { parseConfig } from '../src/config.js';
import { sgdStateLayout } from '../src/models/sgd.js';
import { run } from '../src/run.js';
import { loadCore } from '../src/wasm/loader.js';

const dir = mkdtempSync(join(tmpdir(), 'timescales-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const m = 5;
const d = 33;
const config: RunConfigInput = {
  model: 'sgd', activation: 'relu', target: { hermite: [0.5, 1, 0.7] }, noise: 0.2, epsilon: 0.3, m, d, eta: 1e-3, seed: 11,
  degrees: 2, time: { at: [0.5, 2] },
};

describe('checkpoint files', () => {
  it('hold the validated config and its hash, the build, the arena range, the step and the rows so far', async () => {
    const path = join(dir, 'header.ckpt');
    const core = await loadCore();
    const r = await run(config, { checkpoint: { path, everySteps: 700 } });
    expect(r.retcode).toBe('success');
    expect(readFileSync(path).subarray(0, CHECKPOINT_FORMAT.length).toString()).toBe(CHECKPOINT_FORMAT);
    const c = readCheckpoint(path);
    expect(c.config).toEqual(parseConfig(config));
    expect(c.configHash).toBe(configHash(parseConfig(config)));
    expect(c.variant).toBe(core.variant);
    expect(c.step).toBe(1400); // the last multiple of 700 before step 2000
    expect(c.rows).toBe(2); // t = 0 and t = 0.5
    expect(c.columns.map((x) => x.name)).toEqual(['t', 'risk', 'mfRisk', 'components', 'a', 's']);
    expect(Array.from(c.columns[0].data)).toEqual([0, 0.5]);
    expect(c.state.length).toBe(c.arena.bytes);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keep the SGD state block as the module lays it out: unit-norm weights and their exact squared norms (to 1e-12)', async () => {
    const core = await loadCore();
    const path = join(dir, 'norms.ckpt');
    await run({ ...config, batch: 1, time: { at: [2] } }, { checkpoint: { path, everySteps: 2000 } });
    const { step, state } = readCheckpoint(path);
    expect(step).toBe(2000);
    // the block is the run's last reservation: it ends the arena range (16-byte aligned)
    const layout = sgdStateLayout(core, m, d, 0);
    expect(layout.rng).toBe(0);
    expect(layout.W - layout.a).toBe(16 * m);
    const block = state.slice(state.length - Math.ceil(layout.bytes / 16) * 16);
    const f = new Float64Array(block.buffer);
    const wn2 = f.subarray(layout.wn2 / 8, layout.wn2 / 8 + m);
    for (let i = 0; i < m; i++) {
      const row = f.subarray(layout.W / 8 + i * d, layout.W / 8 + (i + 1) * d);
      const n2 = row.reduce((s, x) => s + x * x, 0);
      expect(Math.abs(n2 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(wn2[i] - n2)).toBeLessThan(1e-14);
    }
  });

  it('are refused up front when their folder does not exist, before any work', async () => {
    let frames = 0;
    const err = await run(config, { checkpoint: { path: join(dir, 'missing', 'x.ckpt'), everySteps: 10 }, onFrame: () => frames++ }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^checkpoint\.path: the folder .*missing\/ must exist and be writable/);
    expect(frames).toBe(0);
    await expect(run(config, { checkpoint: { path: join(dir, 'x.ckpt'), everySteps: 0.5 } })).rejects.toThrow(/^checkpoint\.everySteps: must be an integer ≥ 1/);
  });
});

describe('a checkpoint that cannot be written', () => {
  it('stops the run with its rows so far and says why (a full disk: /dev/full behind a link)', async () => {
    const link = join(dir, 'full.ckpt');
    symlinkSync('/dev/full', link);
    const r = await run(config, { checkpoint: { path: link, everySteps: 700 } });
    expect(r.retcode).toBe('aborted');
    expect(r.message).toMatch(/^stopped at t = 0\.7\d* \(step 700\): the checkpoint .*full\.ckpt could not be written \(ENOSPC/);
    expect(Array.from(r.t)).toEqual([0.5]);
    expect(r.initial.risk).toBeGreaterThan(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});
