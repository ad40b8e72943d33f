import { describe, expect, it } from 'vitest';
import { sweepEpsilon } from '../src/analysis/sweep.js';
import { configJsonSchema, parseConfig, type RunConfigInput } from '../src/config.js';
import { outputTimes } from '../src/time-grid.js';
import { ConfigError, ECHO_LIMIT, preview } from '../src/errors.js';
import { dopri5StepsAtLeast } from '../src/limits.js';
import { checkMemory, RESERVED_BYTES, runBlockBytes } from '../src/memory.js';
import { run, runShape } from '../src/run.js';
import { loadCore } from '../src/wasm/loader.js';

const base = { m: 10, time: { end: 100, points: 5 } };

function refusal(input: unknown): ConfigError {
  try {
    parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('run config', () => {
  it('fills documented defaults', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({
      model: 'meanfield', activation: 'relu', target: { hermite: [1, 1, 1] }, noise: 0, epsilon: 1, seed: 0,
      init: { a: { law: 'normal', scale: 1 }, s: 'zero' }, degrees: 3, threshold: 0.1,
      solver: { method: 'auto', form: 'auto', rtol: 1e-8, atol: 1e-10 },
    });
  });

  it.each([
    [{ ...base, epsilon: -1 }, 'epsilon', /> 0/],
    [{ ...base, epsilon: Number.NaN }, 'epsilon', /finite/],
    [{ ...base, m: 2.5 }, 'm', /integer/],
    [{ time: base.time }, 'm', /required/],
    [{ ...base, solver: { rtol: 'x' } }, 'solver.rtol', /number/],
    [{ ...base, solver: { method: 'euler' } }, 'solver.method', /"auto", "rk4", "dopri5", "stiff"/],
    [{ ...base, activation: { nme: 'relu' } }, 'activation', /a name .*hermite/],
    [{ ...base, bogus: 1 }, '(config)', /^\(config\): unknown field "bogus"$/],
    [{ ...base, epsilom: 1e-3 }, '(config)', /unknown field "epsilom" \(did you mean "epsilon"\?\)/],
    [{ ...base, solver: { rtl: 1e-6 } }, 'solver', /unknown field "rtl" \(did you mean "rtol"\?\)/],
    [{ ...base, time: { end: 1, points: 5, spacing: 'exp' } }, 'time.spacing', /must be one of "log", "linear" \(got "exp"\)/],
    [{ ...base, time: { end: 1, points: 5, spcing: 'log' } }, 'time', /unknown field "spcing" \(did you mean "spacing"\?\)/],
    [{ ...base, time: { end: 1, poinst: 5 } }, 'time', /must be \{at: \[t\.\.\.\]\}/], // no branch fits: points is missing
    [{ ...base, activation: { name: 'relu', shift: 'x' } }, 'activation.shift', /must be a finite number/],
    [{ ...base, init: { a: { law: 'gauss' } } }, 'init.a.law', /"normal", "uniform", "constant"/],
    [{ ...base, time: { at: [1, 0.5] } }, 'time.at[1]', /increase/],
    [{ ...base, time: { end: 1, points: 3, start: 0 } }, 'time.start', /> 0 with log spacing/],
    [{ ...base, init: { a: [1, 2] } }, 'init.a', /m = 10/],
    [{ ...base, m: 2, init: { s: [0.5, 2] } }, 'init.s[1]', /\[−1, 1\]/],
    [{ ...base, model: 'network' }, 'd', /required/],
    [{ ...base, model: 'network', d: 5, eta: 0.1, direction: [0, 0, 0, 0, 0] }, 'direction', /zero vector/],
    [{ ...base, eta: 0.1 }, 'eta', /network and sgd/],
    [{ ...base, threshold: 1 }, 'threshold', /\(0, 1\)/],
  ])('refuses %j naming the field', (input, field, message) => {
    const e = refusal(input);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it('exports a JSON Schema that lists every top-level field', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['model', 'activation', 'target', 'epsilon', 'm', 'init', 'time', 'solver', 'degrees']));
    expect(schema.required).toEqual(expect.arrayContaining(['m', 'time']));
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('makes geometric and linear output grids with exact ends', async () => {
    const core = await loadCore();
    const log = outputTimes(core, { end: 100, points: 9, start: 1e-6, spacing: 'log' });
    expect(log[0]).toBe(1e-6);
    expect(log[8]).toBe(100);
    for (let i = 1; i < 9; i++) expect(log[i] / log[i - 1]).toBeCloseTo(10, 10);
    const lin = outputTimes(core, { end: 1, points: 5, spacing: 'linear' });
    expect(Array.from(lin)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(outputTimes(core, { at: [0, 2, 3] }))).toEqual([0, 2, 3]);
  });

  it('computes log grids with the same bits in both builds', async () => {
    const [a, b] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
    const spec = { end: 37, points: 101, start: 3e-7, spacing: 'log' as const };
    expect(outputTimes(a, spec)).toEqual(outputTimes(b, spec));
  });
});

/** What the arena holds beside a run's blocks at the test sizes: coefficient tables, quadrature rules, vectors of m. */
const SMALL_BLOCKS = 2 ** 20;

/** The memory refusal of `input`: run() must refuse it before any work, with a ConfigError. */
async function memoryRefusal(input: RunConfigInput): Promise<ConfigError> {
  const config = parseConfig(input);
  const err = await run(config).catch((e: unknown) => e);
  if (!(err instanceof ConfigError)) throw new Error(`not refused: ${JSON.stringify(input)} (${String(err)})`);
  expect(err.message).toMatch(/of WebAssembly memory, more than the 4\.0 GiB/);
  return err;
}

/** Whether the memory check accepts `input` (it runs where the core is loaded, before any work). */
async function accepts(input: RunConfigInput): Promise<boolean> {
  const config = parseConfig(input);
  checkMemory(await loadCore(), config, runShape(config));
  return true;
}

describe('sanity limits, refused up front with the field named', () => {
  it('refuses rtol ≥ 0.1 and accepts tighter', () => {
    expect(refusal({ ...base, solver: { rtol: 0.1 } }).message).toMatch(/^solver\.rtol: must be < 0\.1/);
    expect(refusal({ ...base, solver: { rtol: 1 } }).field).toBe('solver.rtol');
    expect(parseConfig({ ...base, solver: { rtol: 0.09 } }).solver.rtol).toBe(0.09);
  });

  it('refuses a network or SGD span of more than maxSteps steps (steps = end/eta), and accepts exactly maxSteps', () => {
    const net = { model: 'network', m: 4, d: 10, eta: 1e-3, time: { end: 10, points: 3 }, solver: { maxSteps: 9_999 } };
    const e = refusal(net);
    expect(e.field).toBe('time.end');
    expect(e.message).toMatch(/10000 steps of eta = 0\.001, more than solver\.maxSteps = 9999/);
    expect(parseConfig({ ...net, solver: { maxSteps: 10_000 } }).solver.maxSteps).toBe(10_000);
    expect(refusal({ ...net, model: 'sgd', time: { at: [1, 20] } }).field).toBe('time.at[1]');
    expect(refusal({ ...net, model: 'sgd', eta: 1e-9, time: { at: [1, 20] }, solver: {} }).message).toMatch(/20000000000 steps .* solver\.maxSteps = 10000000;/); // the default
  });

  it('refuses an rk4 span of more than maxSteps fixed steps', () => {
    const e = refusal({ ...base, solver: { method: 'rk4', dt: 1e-3, maxSteps: 1000 } });
    expect(e.field).toBe('time.end');
    expect(e.message).toMatch(/100000 rk4 steps of dt = 0\.001/);
  });

  it('refuses time.end = 1e300 on dopri5 before the first step, from a bound that real runs respect', async () => {
    // Refused before the first step: no output time and no progress is ever reported.
    let reported = 0;
    const hooks = { onFrame: () => { reported++; }, onProgress: () => { reported++; } };
    await expect(run({ m: 10, time: { end: 1e300, points: 5 } }, hooks)).rejects.toThrow(/^time\.end: reaching t = 1e\+300 takes dopri5 at least .* steps/);
    expect(reported).toBe(0);
    // The bound is a lower bound: a real dopri5 run takes more steps than predicted.
    const config = { m: 10, epsilon: 0.2, seed: 1, time: { end: 2000, points: 3 }, degrees: 1 };
    const r = await run(config);
    const core = await loadCore();
    const predicted = dopri5StepsAtLeast(2000, 0.2, r.coefficients.sigma, new Float64Array(10));
    expect(r.stats.method).toBe('dopri5');
    expect(predicted).toBeGreaterThan(20);
    expect(r.stats.steps).toBeGreaterThan(predicted);
    await expect(run({ ...config, solver: { maxSteps: Math.floor(predicted) - 1 } }, { core })).rejects.toThrow(/time\.end/);
  });

  it('refuses, with the bytes needed, a run beyond the 4 GiB of 32-bit Wasm (sgd m = d = 20000), before any work', async () => {
    const config: RunConfigInput = { model: 'sgd', m: 20_000, d: 20_000, eta: 1e-4, time: { end: 1, points: 2 } };
    const e = await memoryRefusal(config);
    expect(e.field).toBe('m');
    expect(e.message).toMatch(/^m: with d = 20000, batch = 1, samples = 0, this run needs about \d+\.\d GiB \((\d+) bytes\) of WebAssembly memory, more than the 4\.0 GiB \(4294967296 bytes\)/);
    const bytes = Number(/\((\d+) bytes\) of WebAssembly/.exec(e.message)![1]);
    expect(bytes).toBeGreaterThan(2 * 8 * 20_000 * 20_000); // W and the Gram of W alone
    expect(bytes).toBeLessThan(2.1 * 8 * 20_000 * 20_000 + RESERVED_BYTES);
    await expect(accepts({ ...config, m: 2_000 })).resolves.toBe(true);
  });

  it('counts the kernel form\'s dense Jacobian only where a stiff method may factor it (m = 9000)', async () => {
    const kernel: RunConfigInput = { m: 9_000, solver: { form: 'kernel' }, time: { end: 1, points: 2 } };
    // dopri5 (ε = 1) factors nothing; the series kernel fits Woodbury at every state
    await expect(accepts(kernel)).resolves.toBe(true);
    const r = await run({ ...kernel, time: { at: [1e-4] }, degrees: 1 });
    expect(r.retcode).toBe('success');
    expect(r.stats.method).toBe('dopri5');
    await expect(accepts({ ...kernel, epsilon: 1e-3, activation: { hermite: [0.5, 0.5, 0.3] } })).resolves.toBe(true);
    // ReLU's closed form needs dense LU wherever s_i s_j > ½: 2 · (2m)² doubles, 5.2 GB
    const e = await memoryRefusal({ ...kernel, epsilon: 1e-3 });
    expect(e.message).toMatch(/^m: with the kernel form and bdf's dense 2m × 2m Jacobian, this run needs about 4\.\d GiB/);
    expect((await memoryRefusal({ m: 30_000, epsilon: 1e-3, solver: { form: 'kernel', method: 'stiff' }, time: { end: 1, points: 2 } })).message).toMatch(/rodas4's dense 2m × 2m Jacobian/);
  });

  it('runs network GD at d = 1e9: the reduced basis never holds a d-vector', async () => {
    const config: RunConfigInput = { model: 'network', m: 4, d: 1e9, eta: 1e-2, seed: 3, time: { at: [0.01, 0.03] }, degrees: 1 };
    await expect(accepts(config)).resolves.toBe(true);
    const r = await run(config);
    expect(r.retcode).toBe('success');
    expect(Array.from(r.t)).toEqual([0.01, 0.03]);
    expect(r.risk.every(Number.isFinite)).toBe(true);
    expect(r.risk[1]).toBeLessThan(r.initial.risk);
  });

  it('estimates each model\'s memory from the blocks the module lays out: the arena\'s high-water mark lies between them and them plus the small blocks', async () => {
    const core = await loadCore();
    const real = core.exports;
    const w = Array.from({ length: 10 }, (_, i) => Array.from({ length: 2000 }, (_, j) => Math.sin(1 + i * 2000 + j)));
    const cases: [string, RunConfigInput][] = [
      ['meanfield kernel, bdf (Dense and Woodbury parts)', { m: 300, epsilon: 1e-3, solver: { form: 'kernel' }, time: { at: [1e-5] } }],
      ['meanfield kernel, dopri5', { m: 2000, solver: { form: 'kernel' }, time: { at: [1e-6] } }],
      ['meanfield moment, bdf (Woodbury)', { m: 5000, epsilon: 1e-3, time: { at: [1e-5] } }],
      ['meanfield moment, rodas4 (dense LU)', { m: 32, epsilon: 1e-3, solver: { form: 'moment', method: 'stiff' }, time: { at: [1e-5] } }],
      ['network', { model: 'network', m: 120, d: 500, eta: 1e-3, time: { at: [0.002] } }],
      ['network, explicit weights', { model: 'network', m: 10, d: 2000, eta: 1e-3, init: { w }, time: { at: [0.002] } }],
      ['sgd', { model: 'sgd', m: 100, d: 2000, eta: 1e-3, samples: 50, batch: 4, time: { at: [0.002] } }],
    ];
    const rows: string[] = [];
    try {
      for (const [name, input] of cases) {
        const config = parseConfig(input);
        const start = real.mark() >>> 0;
        let peak = start;
        // Record the arena's high-water mark through every alloc of the run.
        (core as { exports: typeof real }).exports = new Proxy(real, {
          get: (t, k) => (k === 'alloc' ? (n: number) => { const p = t.alloc(n) >>> 0; peak = Math.max(peak, p + n); return p; } : t[k as keyof typeof t]),
        });
        await run(config, { core });
        (core as { exports: typeof real }).exports = real;
        const used = peak - start;
        const blocks = runBlockBytes(core, config, runShape(config));
        rows.push(`${name}: blocks ${blocks}, high-water mark ${used} (+${used - blocks})`);
        expect(used, name).toBeGreaterThanOrEqual(blocks); // nothing counted that is not reserved
        expect(used - blocks, name).toBeLessThan(SMALL_BLOCKS); // and the rest is small
        expect(used, name).toBeLessThanOrEqual(blocks + RESERVED_BYTES);
      }
    } finally {
      (core as { exports: typeof real }).exports = real;
    }
    console.log(rows.join('\n'));
  });

  it('caps the echoed value: a 5 MB bad value gives a short message', () => {
    const e = refusal({ ...base, model: 'x'.repeat(5_000_000) });
    expect(e.field).toBe('model');
    expect(e.message.length).toBeLessThan(600);
    expect(e.message).toMatch(/xxx…\)$/);
    expect(new ConfigError('activation', 'a known name', 'y'.repeat(5_000_000)).message.length).toBeLessThan(300);
    expect(refusal({ ...base, ['k'.repeat(1e6)]: 1 }).message.length).toBeLessThan(1200);
  });

  it('formats errors about values nested 10 000 deep without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const e = refusal({ ...base, m: deep });
    expect(e.field).toBe('m');
    expect(e.message).toMatch(/^m: must be a finite number \(got \[\[\[\[.*…\)$/);
    expect(preview(deep).length).toBeLessThanOrEqual(ECHO_LIMIT + 1);
    // eslint-disable-next-line no-sparse-arrays
    expect(refusal({ ...base, activation: { polynomial: [, 1] } }).message).toMatch(/^activation\.polynomial\[0\]: is required/); // a hole, from the API
  });

  it('defaults keepWeights to m·points ≤ 1e7 exactly as docs/config.md says (t = 0, added for learning times, not counted)', async () => {
    const kept = await run({ m: 100_000, time: { end: 1e-6, points: 100 }, degrees: 1 }); // m·points = 1e7
    expect(kept.a).toHaveLength(1e7);
    const dropped = await run({ m: 100_000, time: { end: 1e-6, points: 101 }, degrees: 1 });
    expect(dropped.a).toBeUndefined();
  });

  it('refuses a duplicated ε in a sweep instead of fitting fewer points', async () => {
    await expect(sweepEpsilon({ m: 4, time: { end: 1, points: 5 } }, [1e-2, 1e-3, 1e-2])).rejects.toThrow(/^epsilon: values must be distinct \(0\.01 is given twice\)/);
  });

  it('gives a component that is zero from the start the learning time null', async () => {
    // a(0) = 0 and φ_0 = 0: R_0(0) = ½(φ_0 − σ_0 mean a)² = 0, nothing to learn.
    const r = await run({ m: 4, target: { hermite: [0, 1, 1] }, init: { a: { law: 'constant', scale: 0 } }, time: { end: 10, points: 5 }, degrees: 2 });
    expect(r.initial.components[0]).toBe(0);
    expect(r.learningTimes[0]).toBeNull();
    expect(r.initial.components[1]).toBeGreaterThan(0);
  });
});
