import { describe, expect, it } from 'vitest';
import { configJsonSchema, outputTimes, parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
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
    [{ ...base, bogus: 1 }, '(config)', /unknown field.*"bogus"/],
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
