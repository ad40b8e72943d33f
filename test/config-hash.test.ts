// The config ↔ URL hash of the explorer's links (src/config-hash.ts): exact round trips,
// only the fields that differ, unknown fields refused by name, and hostile links refused
// without harm.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFromHash, configToHash, numberText } from '../src/config-hash.js';
import { ConfigError } from '../src/errors.js';

const base = {
  model: 'meanfield', activation: 'relu', target: { hermite: [1, 1, 1] }, epsilon: 1e-2, m: 10, seed: 1,
  init: { a: { law: 'normal', scale: 1 }, s: 'zero' }, time: { start: 1e-4, end: 100, points: 60, spacing: 'log' }, degrees: 2,
};
type Config = Record<string, unknown>;

const example = (name: string): Config => JSON.parse(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8'));
const through = (config: Config, from: Config = base) => configFromHash(configToHash(config, from), from);

function refusal(hash: string): ConfigError {
  try {
    configFromHash(hash, base);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted ${hash}`);
}

describe('config → hash', () => {
  it('writes only the fields that differ, by dotted path, numbers in their shortest form', () => {
    expect(configToHash(base, base)).toBe('');
    expect(configToHash({ ...base, m: 20, epsilon: 1e-6, activation: 'tanh' }, base)).toBe('activation=tanh&epsilon=1e-6&m=20');
    expect(configToHash({ ...base, time: { ...base.time, end: 1000 } }, base)).toBe('time.end=1e3');
    expect(configToHash({ ...base, target: { hermite: [0, 1, 0.5] } }, base)).toBe('target.hermite=[0,1,0.5]');
    expect(configToHash({ ...base, seed: 4294967295, epsilon: 0.25 }, base)).toBe('epsilon=0.25&seed=4294967295');
  });

  it('marks a field the config lacks with an empty value, unless a written ancestor or descendant replaces it', () => {
    const { degrees: _, ...noDegrees } = base;
    expect(configToHash(noDegrees, base)).toBe('degrees=');
    expect(through(noDegrees)).toEqual(noDegrees);
    const named = { ...base, target: { name: 'tanh', shift: 0.5 } };
    expect(configToHash(named, base)).toBe('target.name=tanh&target.shift=0.5&target.hermite=');
    expect(through(named)).toEqual(named);
    expect(configToHash({ ...base, target: 'relu' }, base)).toBe('target=relu');
    expect(through({ ...base, target: 'relu' })).toEqual({ ...base, target: 'relu' });
    const back = { ...base, activation: { hermite: [0, 1] } };
    expect(configToHash(back, base)).toBe('activation.hermite=[0,1]');
    expect(through(back)).toEqual(back);
  });

  it('quotes strings that would read back as something else', () => {
    for (const name of ['1', 'true', 'null', '', '"x"', '[1]', ' 2 ']) {
      const config = { ...base, activation: name };
      expect(through(config)).toEqual(config);
    }
    expect(configToHash({ ...base, activation: '1' }, base)).toBe('activation=%221%22');
  });

  it('round-trips the repository\'s example configs against the page\'s defaults and against each other', () => {
    const files = ['fig2-eps1e-3.json', 'fig2-eps1e-6.json', 'network-gd.json', 'sgd-online.json'].map(example);
    for (const config of files) {
      expect(through(config)).toEqual(config);
      for (const other of files) expect(through(config, other)).toEqual(config);
    }
  });

  it('refuses a field the schema does not have, naming it', () => {
    expect(() => configToHash({ ...base, bogus: 1 }, base)).toThrow(/^bogus: unknown field "bogus" in the config$/);
    expect(() => configToHash({ ...base, solver: { nope: 1 } }, base)).toThrow(/^solver\.nope: unknown field "nope" in solver$/);
    expect(() => configToHash({ ...base, epsilon: Number.NaN }, base)).toThrow(/^epsilon: must be a finite number/);
  });
});

describe('hash → config', () => {
  it('reads a link as TensorFlow Playground writes them', () => {
    expect(configFromHash('#m=10&epsilon=1e-6&activation=tanh', base)).toEqual({ ...base, epsilon: 1e-6, activation: 'tanh' });
    expect(configFromHash('', base)).toEqual(base);
    expect(configFromHash('#', base)).toEqual(base);
    expect(configFromHash('&&m=3&', base)).toEqual({ ...base, m: 3 });
    const expr = { ...base, activation: { expr: 'tanh(z)+0.1*z^3' } };
    expect(configToHash(expr, base)).toBe('activation.expr=tanh(z)+0.1*z^3');
    expect(configFromHash('activation.expr=tanh(z)+0.1*z%5E3', base)).toEqual(expr);
  });

  it('leaves the base untouched', () => {
    const copy = structuredClone(base);
    configFromHash('time.end=5&target.hermite=', base);
    expect(base).toEqual(copy);
  });

  it.each([
    ['bogus=1', /^bogus: unknown field "bogus" in the config$/],
    ['solver.nope=1', /^solver\.nope: unknown field "nope" in solver$/],
    ['epsilon.x=1', /^epsilon\.x: unknown field "x" in epsilon$/],
    ['m', /^m: has no value in the link/],
    ['m=1&m=2', /^m: appears twice in the link$/],
    ['epsilon=%E0%A4%A', /^epsilon: is not correctly percent-encoded/],
    ['__proto__.polluted=1', /^__proto__\.polluted: unknown field "__proto__"/],
    ['constructor.prototype.polluted=1', /unknown field "constructor"/],
    ['toString=1', /unknown field "toString"/],
    ['=1', /^: unknown field "" in the config$/],
    ['time..end=1', /unknown field "" in time$/],
  ])('refuses %s by name', (hash, message) => {
    expect(refusal(hash).message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps messages short for a megabyte-long field name', () => {
    expect(refusal(`${'x'.repeat(1_000_000)}=1`).message.length).toBeLessThan(700);
  });
});

// Configs shaped like the schema's, with any finite number and any string where the
// schema has one, so that the fuzzing reaches quoting, -0 and exponent forms.
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const str = fc.oneof(fc.string(), fc.constantFrom('relu', 'tanh', '1', 'true', '', '&=#%', '[1,2]', 'a.b', ' '));
const arr = fc.array(num, { maxLength: 4 });
const spec = fc.oneof(str, fc.record({ name: str, shift: num, scale: num }, { requiredKeys: ['name'] }), fc.record({ hermite: arr }), fc.record({ polynomial: arr, shift: num }, { requiredKeys: ['polynomial'] }));
const config = fc.record({
  model: fc.constantFrom('meanfield', 'network', 'sgd'),
  activation: spec,
  target: spec,
  noise: num,
  epsilon: num,
  m: fc.integer(),
  seed: fc.nat(),
  init: fc.record({ a: fc.oneof(arr, fc.record({ law: str, scale: num }, { requiredKeys: [] })), s: fc.oneof(arr, fc.constant('zero'), fc.record({ d: num })), w: fc.array(arr, { maxLength: 3 }) }, { requiredKeys: [] }),
  time: fc.oneof(fc.record({ at: arr }), fc.record({ end: num, points: fc.integer(), start: num, spacing: str }, { requiredKeys: [] })),
  solver: fc.record({ method: str, rtol: num, atol: num, maxSteps: num, truncation: num }, { requiredKeys: [] }),
  degrees: num,
  keepWeights: fc.boolean(),
  d: num,
  direction: arr,
}, { requiredKeys: [] });

describe('fuzzed', () => {
  it('every number reads back exactly, alone and in arrays', () => {
    fc.assert(fc.property(num, (x) => {
      expect(Object.is(Number(numberText(x)), x)).toBe(true);
      expect(Object.is(JSON.parse(numberText(x)), x)).toBe(true);
      const back = through({ ...base, epsilon: x, target: { hermite: [x, -x] } });
      return Object.is(back.epsilon, x) && (back.target as { hermite: number[] }).hermite.every((v, i) => Object.is(v, i ? -x : x));
    }), { numRuns: 2000 });
  });

  it('config → hash → config is the identity, also through a browser\'s URL parser', () => {
    fc.assert(fc.property(config, config, (c, from) => {
      const hash = configToHash(c, from);
      // Only characters a URL fragment keeps as they are.
      expect(hash).toMatch(/^[\w\-.~!$&'()*+,;=:@/?%[\]{}^|]*$/);
      expect(configFromHash(hash, from)).toEqual(c);
      expect(configFromHash(new URL(`https://example.org/web/#${hash}`).hash, from)).toEqual(c);
    }), { numRuns: 1000 });
  });

  it('any text as a hash gives a config or a ConfigError, and pollutes nothing', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('=', '&', '.', '%', '__proto__', 'constructor', 'prototype', 'time', 'end', 'm', '%E0', '[', '{'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const hash = pieces.join('');
      try {
        const c = configFromHash(hash, base);
        expect(typeof c).toBe('object');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
      }
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      expect(({} as Record<string, unknown>).m).toBeUndefined();
    }), { numRuns: 3000 });
  });
});
