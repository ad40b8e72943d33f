import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/io/checkpoint.js';
import { ConfigError } from '../src/errors.js';
import { solveSgd } from '../src/models/sgd.js';
import { loadCore } from '../src/wasm/loader.js';
import { makeProblem } from './support/network.js';

const dir = mkdtempSync(join(tmpdir(), 'timescales-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const m = 5;
const d = 33;
const problem = makeProblem({ activation: 'relu', phi: [0.5, 1, 0.7], m, d, noise: 0.2, epsilon: 0.3, seed: 11 });
const eta = 1e-3;
const times = Float64Array.of(0.02, 0.05, 0.1, 0.15);

describe('SGD checkpoints', () => {
  for (const samples of [0, 40]) {
    it(`resume continues to the same bits as an uninterrupted run (${samples ? 'multi-pass' : 'online'})`, async () => {
      const core = await loadCore();
      const alg = { eta, batch: 2, samples, keepWeights: true };
      const whole = solveSgd(core, problem, alg, times);
      const path = join(dir, `run-${samples}.ckpt`);
      // "interrupted" run: stops at t = 0.05, with a checkpoint every 30 steps (last at step 30)
      solveSgd(core, problem, { ...alg, checkpoint: { path, everySteps: 30 } }, times.subarray(0, 2));
      expect(readCheckpoint(path).header.step).toBe(30);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const resumed = solveSgd(core, problem, { ...alg, resume: path }, times);
      // output times from the checkpoint's step on: t = 0.05, 0.1, 0.15
      expect(Array.from(resumed.t)).toEqual(Array.from(whole.t.subarray(1)));
      for (const key of ['risk', 'mfRisk', 'components'] as const) {
        const width = whole[key]!.length / whole.t.length;
        expect(resumed[key]).toEqual(whole[key]!.slice(width));
      }
      expect(resumed.a).toEqual(whole.a!.slice(m));
      expect(resumed.s).toEqual(whole.s!.slice(m));
      if (samples) expect(resumed.loss).toEqual(whole.loss!.slice(1));
    });
  }

  it('stores unit-norm weights and their exact squared norms (to 1e-12)', async () => {
    const core = await loadCore();
    const path = join(dir, 'norms.ckpt');
    solveSgd(core, problem, { eta, batch: 1, samples: 0, checkpoint: { path, everySteps: 2000 } }, Float64Array.of(2));
    const { header, state } = readCheckpoint(path);
    expect(header.step).toBe(2000);
    // state block: generator (4 words), a (m), ‖w_i‖² (m), W (m × d)
    const f = new Float64Array(state.slice().buffer);
    const wn2 = f.subarray(4 + m, 4 + 2 * m);
    for (let i = 0; i < m; i++) {
      const row = f.subarray(4 + 2 * m + i * d, 4 + 2 * m + (i + 1) * d);
      const n2 = row.reduce((s, x) => s + x * x, 0);
      expect(Math.abs(n2 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(wn2[i] - n2)).toBeLessThan(1e-14);
    }
  });

  it('refuses a checkpoint written for another run', async () => {
    const core = await loadCore();
    const path = join(dir, 'other.ckpt');
    solveSgd(core, problem, { eta, batch: 1, samples: 0, checkpoint: { path, everySteps: 10 } }, Float64Array.of(0.01));
    expect(existsSync(path)).toBe(true);
    const resume = () => solveSgd(core, { ...problem, epsilon: 0.5 }, { eta, batch: 1, samples: 0, resume: path }, times);
    expect(resume).toThrow(ConfigError);
    expect(resume).toThrow(/^resume: must be a checkpoint of this run \(epsilon differs\)/);
  });
});
