// run(): config → problem → solver → analysis, checked through the whole stack.
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { run } from '../src/run.js';
import type { Frame } from '../src/solvers/solution.js';
import { loadCore } from '../src/wasm/loader.js';

// The setting of MODEL.md §6: ReLU, φ = h_0 + h_1 + h_2, m = 10, a(0) ~ N(0, 1), s(0) = 0.
const paper = (epsilon: number): RunConfigInput => ({
  activation: 'relu', target: { hermite: [1, 1, 1] }, epsilon, m: 10, seed: 1,
  time: { start: 1e-9, end: 10, points: 181, spacing: 'log' }, degrees: 2,
});

function riskAt(r: { t: Float64Array; risk: Float64Array }, t: number): number {
  const j = r.t.findIndex((x) => x >= t);
  return r.risk[j];
}

describe('run (mean-field model)', () => {
  it('reproduces the plateaus of MODEL.md §6 at ε = 1e-6 and their order', async () => {
    const r = await run(paper(1e-6));
    expect(r.retcode).toBe('success');
    // With s = 0 nothing but the constant can be fitted: R_1 = R_2 = ½ φ_k² = ½ on the first plateau.
    expect(r.initial.components[1]).toBeCloseTo(0.5, 12);
    expect(r.initial.components[2]).toBeCloseTo(0.5, 12);
    expect(riskAt(r, 1e-3)).toBeCloseTo(1.0, 2); // constant learnt: R ≈ R_1 + R_2 = 1
    expect(riskAt(r, 0.02)).toBeGreaterThan(0.4); // linear learnt: R ≈ R_2 = ½
    expect(riskAt(r, 0.02)).toBeLessThan(0.55);
    expect(riskAt(r, 1)).toBeLessThan(0.01); // quadratic learnt
    const [t0, t1, t2] = r.learningTimes as number[];
    expect(t0).toBeGreaterThan(1e-6);
    expect(t0).toBeLessThan(1e-4);
    expect(t1).toBeGreaterThan(3e-3);
    expect(t1).toBeLessThan(3e-2);
    expect(t2).toBeGreaterThan(3e-2);
    expect(t2).toBeLessThan(0.3);
  });

  it('never lets the risk rise along the flow', async () => {
    const r = await run(paper(1e-3));
    for (let j = 1; j < r.t.length; j++) expect(r.risk[j]).toBeLessThanOrEqual(r.risk[j - 1] * (1 + 1e-9) + 1e-14);
  });

  it('streams one frame per requested time, in order, matching the result', async () => {
    const frames: Frame[] = [];
    const r = await run({ ...paper(1e-2), time: { at: [1e-3, 1e-2, 0.1, 1] } }, { onFrame: (f) => frames.push(f) });
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3]);
    expect(frames.map((f) => f.t)).toEqual(Array.from(r.t));
    expect(frames.map((f) => f.risk)).toEqual(Array.from(r.risk));
    expect(r.a).toHaveLength(4 * 10);
  });

  it('gives the same bits for the same seed, different draws for another', async () => {
    const a = await run(paper(1e-2));
    const b = await run(paper(1e-2));
    expect(a.risk).toEqual(b.risk);
    const c = await run({ ...paper(1e-2), seed: 2 });
    expect(c.initial.risk).not.toBe(a.initial.risk);
  });

  it('agrees between the SIMD and the scalar build', async () => {
    const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
    const a = await run(paper(1e-3), { core: simd });
    const b = await run(paper(1e-3), { core: scalar });
    for (let j = 0; j < a.risk.length; j++) expect(Math.abs(a.risk[j] - b.risk[j])).toBeLessThanOrEqual(1e-9 * a.risk[j]);
  });

  it('refuses bad configs with the field named, before any work', async () => {
    await expect(run({ ...paper(1e-3), activation: 'rleu' })).rejects.toThrow(ConfigError);
    await expect(run({ ...paper(1e-3), activation: 'rleu' })).rejects.toMatchObject({ field: 'activation' });
    await expect(run({ ...paper(1e-3), epsilon: 0 })).rejects.toMatchObject({ field: 'epsilon' });
  });

  it('says when the overlaps can never move (no linear part in the target)', async () => {
    const r = await run({ ...paper(1e-2), target: { hermite: [1, 0, 1] }, time: { end: 1, points: 5 } });
    expect(r.retcode).toBe('success');
    expect(r.note).toMatch(/s never moves/);
    expect(r.s!.every((s) => s === 0)).toBe(true);
    expect(r.learningTimes[2]).toBeNull();
  });

  it('keeps the partial trajectory when a run blows up', async () => {
    // RK4 with a step far beyond its stability limit at ε = 1e-4 (|λ| ≈ ‖σ‖²/ε = 5e3).
    const r = await run({ ...paper(1e-4), time: { at: [0.1, 1, 10] }, solver: { method: 'rk4', dt: 0.05 } });
    expect(r.retcode).toBe('blowup');
    expect(r.message).toMatch(/t = /);
    expect(r.t.length).toBeLessThan(3);
  });
});
