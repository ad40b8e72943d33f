// Bit identity across engines: test/conformance/suite.js (meanfield, network, SGD online
// (once with expression activation and target) and multi-pass, the Hermite projection of
// every activation) runs in Node (this one and the pinned newer one), Deno, Bun, Chromium
// and Firefox ESR (in a module Web Worker), and every result array must hash to
// test/conformance/expected.json, per build (SIMD and scalar).
// An engine that cannot start fails its test (CI installs them: .ci/setup.d/30-engines.sh).
//
// The relaxed-SIMD build is excluded from the hashes: f64x2.relaxed_madd may round once or
// twice depending on the hardware, so its bits are not fixed. Where an engine has it, its
// results are only checked to stay close to the SIMD build's.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../bench/runtimes/engine-run.mjs';
import { type Engine, engines } from '../scripts/engines.mjs';
import type { main } from './conformance/suite.js';

type Outcome = Awaited<ReturnType<typeof main>>;

const expected = JSON.parse(readFileSync(new URL('./conformance/expected.json', import.meta.url), 'utf8')) as Record<'simd' | 'scalar', Record<string, Record<string, string>>>;

let list: Engine[];
const outcomes = new Map<string, Outcome>();

beforeAll(() => { list = engines(); }, 600_000);

/** Runs the suite once per engine (memoised: several tests read the same outcome). */
async function outcome(name: string): Promise<Outcome> {
  if (!outcomes.has(name)) {
    const engine = list.find((e) => (name === 'node' ? e.name === name : e.name.startsWith(name)))!;
    expect(engine.error, `${engine.label} cannot start: ${engine.error}`).toBeUndefined();
    const handle = await openEngine(engine);
    try {
      outcomes.set(name, await handle.run<Outcome>('test/conformance/suite.js', { variants: ['simd', 'scalar', 'relaxed'] }));
    } finally {
      await handle.close();
    }
  }
  return outcomes.get(name)!;
}

afterAll(() => outcomes.clear());

const ENGINES = [['Node running the tests', 'node'], ['pinned Node 22', 'node@'], ['Deno', 'deno@'], ['Bun', 'bun@'],
  ['Chromium', 'chromium'], ['Firefox ESR', 'firefox']] as const;

describe.each(ENGINES)('conformance in %s', (_, name) => {
  it('SIMD and scalar builds give the expected bits for every run', async () => {
    const r = await outcome(name);
    expect(r.simd?.error).toBeUndefined();
    expect(r.scalar?.error).toBeUndefined();
    expect(r.simd?.hashes).toEqual(expected.simd);
    expect(r.scalar?.hashes).toEqual(expected.scalar);
  }, 300_000);

  it('scalar differs from SIMD by at most a few ulps of each array, relaxed SIMD (where present) likewise', async () => {
    const r = await outcome(name);
    for (const [run, rel] of Object.entries(r.scalar!.relativeToSimd!)) expect(rel, run).toBeLessThan(1e-13);
    if (r.relaxed?.error) {
      expect(r.relaxed.error).toMatch(/does not support relaxed SIMD/);
      expect(name).toBe('node'); // of these engines, only Node 20 (without a flag) lacks it
    } else {
      for (const [run, rel] of Object.entries(r.relaxed!.relativeToSimd!)) expect(rel, run).toBeLessThan(1e-12);
    }
  }, 300_000);
});

it('the expected hashes cover every run and both builds', () => {
  expect(Object.keys(expected.simd)).toEqual(Object.keys(expected.scalar));
  // 7 runs, the time-scale fits, 9 Hermite projections
  expect(Object.keys(expected.simd).length).toBe(7 + 1 + 9);
});
