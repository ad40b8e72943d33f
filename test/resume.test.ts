// Resume that is right or refused: for every model, a run interrupted (at an abort, or at a
// periodic checkpoint between output times) and resumed returns the same result as an
// uninterrupted run, field for field and bit for bit; a checkpoint that is corrupt, of
// another config, build or layout, or whose state cannot be continued is refused.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { CheckpointError, readCheckpoint } from '../src/io/checkpoint.js';
import { sgdStateLayout } from '../src/models/sgd.js';
import { run, type RunResult } from '../src/run.js';
import type { Frame } from '../src/solvers/solution.js';
import { loadCore } from '../src/wasm/loader.js';
import { expectSameResult, resign } from './support/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'timescales-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const target = { hermite: [1, 1, 1] };
const net = { activation: 'relu', target, noise: 0.1, epsilon: 1, m: 5, d: 40, eta: 1e-3, seed: 7, degrees: 2, time: { at: [0.1, 0.2, 0.35, 0.5, 0.6] } };
const configs = {
  meanfield: { activation: 'relu', target, epsilon: 1e-2, m: 4, seed: 3, time: { start: 1e-4, end: 10, points: 9, spacing: 'log' }, degrees: 2 },
  network: { ...net, model: 'network' },
  'sgd (online)': { ...net, model: 'sgd', batch: 2 },
  'sgd (multi-pass)': { ...net, model: 'sgd', batch: 2, samples: 30 },
} as const;
/** Checkpoint intervals that fall between output times (meanfield: integrator steps). */
const every: Record<keyof typeof configs, number> = { meanfield: 7, network: 130, 'sgd (online)': 130, 'sgd (multi-pass)': 130 };

const path = (name: string) => join(dir, `${name.replace(/\W+/g, '-')}.ckpt`);

describe.each(Object.keys(configs) as (keyof typeof configs)[])('resume: %s', (name) => {
  const config = configs[name];
  let whole: RunResult;

  it('an aborted run keeps its rows and a final checkpoint; resumed, it equals the uninterrupted run', async () => {
    whole = await run(config);
    expect(whole.retcode).toBe('success');
    const controller = new AbortController();
    const file = path(`${name}-abort`);
    const partial = await run(config, {
      checkpoint: { path: file, everySteps: 1e9 }, signal: controller.signal,
      onFrame: (f) => f.index === 2 && controller.abort(),
    });
    expect(partial.retcode).toBe('aborted');
    expect(partial.t).toEqual(whole.t.slice(0, 3));
    expect(readCheckpoint(file).rows).toBe(4); // t = 0 and the three frames
    const frames: Frame[] = [];
    const resumed = await run(config, { resume: file, onFrame: (f) => frames.push(f) });
    expectSameResult(resumed, whole);
    // the restored rows are handed to onFrame too, so a display sees the whole trajectory
    expect(frames.map((f) => f.t)).toEqual(Array.from(whole.t));
  });

  it('a periodic checkpoint between output times resumes to the same bits', async () => {
    const file = path(`${name}-every`);
    const again = await run(config, { checkpoint: { path: file, everySteps: every[name] } });
    expectSameResult(again, whole);
    const saved = readCheckpoint(file);
    expect(saved.step % every[name]).toBe(0);
    expect(saved.step).toBeGreaterThan(0);
    expectSameResult(await run(config, { resume: file }), whole);
  });
});

describe('resume refuses what it cannot continue', () => {
  const config = configs['sgd (online)'];
  const source = path('source');
  const fresh = async (name: string) => {
    if (!existsSync(source)) {
      const controller = new AbortController();
      await run(config, { checkpoint: { path: source, everySteps: 1e9 }, signal: controller.signal, onFrame: (f) => f.index === 1 && controller.abort() });
    }
    const file = path(name);
    writeFileSync(file, readFileSync(source));
    return file;
  };
  const refused = async (file: string, why: RegExp, c: RunConfigInput = config) => {
    const err = await run(c, { resume: file }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toBeInstanceOf(ConfigError); // the CLI's exit 2
    expect((err as ConfigError).field).toBe('resume');
    expect((err as Error).message).toMatch(why);
  };

  it('names the fields of a changed config', async () => {
    const file = await fresh('changed');
    await refused(file, /another config: direction, epsilon differ$/, { ...config, epsilon: 0.9, direction: Array.from({ length: 40 }, (_, i) => +(i === 1)) });
    await refused(file, /another config: init\.a\.scale differs$/, { ...config, init: { a: { law: 'normal', scale: 2 } } });
    await refused(file, /another config: model differs$/, { ...config, model: 'network' });
  });

  it('refuses an empty, garbage, truncated or bit-flipped file as corrupt', async () => {
    const file = await fresh('corrupt');
    const good = readFileSync(file);
    writeFileSync(file, '');
    await refused(file, /is corrupt: the file is empty/);
    writeFileSync(file, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
    await refused(file, /is corrupt: it is not a timescales checkpoint/);
    writeFileSync(file, '{"step": 5}\n');
    await refused(file, /is corrupt: it is not a timescales checkpoint/);
    writeFileSync(file, good.subarray(0, good.length >> 1));
    await refused(file, /is corrupt: its SHA-256 does not match/);
    writeFileSync(file, good.subarray(0, 30));
    await refused(file, /is corrupt: the file is truncated/);
    // one flipped bit anywhere: the header, the rows, the state, the digest
    const head = good.indexOf(10) + 1;
    for (const at of [head + 5, good.indexOf(10, head) + 20, good.length - 100, good.length - 1]) {
      const flipped = Buffer.from(good);
      flipped[at] ^= 0x10;
      writeFileSync(file, flipped);
      await refused(file, /is corrupt: its SHA-256 does not match/);
    }
  });

  it('refuses any random mutation of a checkpoint as corrupt (fast-check, fixed seed)', async () => {
    const file = await fresh('fuzz');
    const good = readFileSync(source);
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(good.length - 1), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat(good.length - 1), bit: fc.constant(0) }),
        fc.record({ kind: fc.constant('zero' as const), at: fc.nat(good.length - 1), bit: fc.integer({ min: 1, max: 64 }) }),
      ),
      async ({ kind, at, bit }) => {
        const bad = Buffer.from(good);
        if (kind === 'flip') bad[at] ^= 1 << bit;
        if (kind === 'zero') bad.fill(0, at, Math.min(at + bit, bad.length));
        const bytes = kind === 'cut' ? bad.subarray(0, at) : bad;
        fc.pre(!bytes.equals(good));
        writeFileSync(file, bytes);
        await refused(file, /is corrupt: /);
      },
    ), { seed: 20261130, numRuns: 60 });
  });

  it('refuses a step that is missing, negative, fractional, or past the end', async () => {
    const file = await fresh('step');
    for (const [step, why] of [[undefined, /step must be an integer ≥ 0 \(got nothing\)/], [-1, /step must be an integer ≥ 0 \(got -1\)/],
      [2.5, /step must be an integer ≥ 0 \(got 2\.5\)/], [10 ** 6, /step 1000000 is past the run's end \(step 600\)/],
      [50, /step 50 does not lie between output 2 \(step 200\) and output 3 \(step 350\)/]] as const) {
      writeFileSync(file, readFileSync(source));
      resign(file, (h) => {
        h.step = step;
      });
      await refused(file, why);
    }
  });

  it('refuses another build, another arena layout, or rows that do not fit', async () => {
    const file = await fresh('layout');
    resign(file, (h) => {
      h.variant = 'scalar';
    });
    await refused(file, /was written by the scalar build; this run uses the simd build/);
    writeFileSync(file, readFileSync(source));
    resign(file, (h) => {
      (h.arena as { start: number }).start += 16;
    });
    await refused(file, /holds the arena range .* this run lays out/);
    writeFileSync(file, readFileSync(source));
    resign(file, (h) => {
      h.rows = 9;
    });
    await refused(file, /is corrupt: 9 rows, but the run has 6 output times/);
  });

  it('refuses an all-zero generator state (the one xoshiro256** never leaves) instead of hanging', async () => {
    const file = await fresh('zero-rng');
    const core = await loadCore();
    // the SGD state block is the run's last reservation: it ends the arena range (16-byte aligned)
    const { rng, bytes } = sgdStateLayout(core, config.m, config.d, 0);
    resign(file, (_, state) => state.fill(0, state.length - Math.ceil(bytes / 16) * 16 + rng, state.length - Math.ceil(bytes / 16) * 16 + rng + 32));
    await refused(file, /is corrupt: its random generator state is all zero/);
  });

  it('refuses a mean-field checkpoint whose step count does not match its integrator', async () => {
    const config = configs.meanfield;
    const file = path('mf-step');
    const controller = new AbortController();
    await run(config, { checkpoint: { path: file, everySteps: 1e9 }, signal: controller.signal, onFrame: (f) => f.index === 3 && controller.abort() });
    const step = readCheckpoint(file).step;
    resign(file, (h) => {
      h.step = step + 1;
    });
    await refused(file, new RegExp(`step ${step + 1} does not match the integrator's ${step} steps`), config);
  });

  it('a checkpoint written at the last output time resumes to the whole result, not to an empty one', async () => {
    const config = configs.network;
    const file = path('at-end');
    // 600 steps in all: the save at step 600 comes before the last row is observed
    const whole = await run(config, { checkpoint: { path: file, everySteps: 600 } });
    expect(readCheckpoint(file)).toMatchObject({ step: 600, rows: 5 });
    const resumed = await run(config, { resume: file });
    expect(resumed.t).toHaveLength(5);
    expectSameResult(resumed, whole);
  });
});
