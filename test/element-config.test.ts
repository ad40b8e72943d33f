// The config a <timescales-sim> runs, from its property, `config` attribute and single-field
// attributes (src/element/config.ts), and what run() then says of bad ones.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';
import { ELEMENT_DEFAULTS, elementConfig } from '../src/element/config.js';

const attrs = (a: Record<string, string>) => ({ attributes: a });

describe('elementConfig', () => {
  it('fills m and time only where the config leaves them out', () => {
    expect(elementConfig(attrs({}))).toEqual(ELEMENT_DEFAULTS);
    const time = { end: 5, points: 3 };
    expect(elementConfig(attrs({ config: JSON.stringify({ m: 3, time }) }))).toEqual({ m: 3, time });
  });

  it('lets single-field attributes override the config, numbers as numbers', () => {
    const c = elementConfig(attrs({ config: '{"m": 3, "epsilon": 0.5, "seed": 1}', m: '7', epsilon: '1e-3', seed: ' 4 ', model: 'network', activation: 'tanh' }));
    expect(c).toMatchObject({ m: 7, epsilon: 1e-3, seed: 4, model: 'network', activation: 'tanh' });
  });

  it('reads an activation attribute starting with { or [ as JSON', () => {
    expect(elementConfig(attrs({ activation: '{"name": "relu", "shift": 0.5}' })).activation).toEqual({ name: 'relu', shift: 0.5 });
    expect(elementConfig(attrs({ activation: ' gelu ' })).activation).toBe('gelu');
  });

  it('prefers the config property to the attribute', () => {
    expect(elementConfig({ property: { m: 2 }, attributes: { config: '{"m": 9}' } }).m).toBe(2);
  });

  it('names the attribute whose JSON does not parse, or is not an object', () => {
    expect(() => elementConfig(attrs({ config: '{m: 3}' }))).toThrow(ConfigError);
    expect(() => elementConfig(attrs({ config: '{m: 3}' }))).toThrow(/^config: must be JSON/);
    expect(() => elementConfig(attrs({ config: '[1]' }))).toThrow(/^config: must be a JSON object/);
    expect(() => elementConfig(attrs({ activation: '{"expr": ' }))).toThrow(/^activation: must be JSON/);
  });

  it('passes text that is not a number on, so that validation names the field', () => {
    const c = elementConfig(attrs({ m: 'ten' }));
    expect(c.m).toBe('ten');
    expect(() => parseConfig(c)).toThrow(/^m: must be a finite number \(got "ten"\)/);
    expect(() => parseConfig(elementConfig(attrs({ epsilon: '' })))).toThrow(/^epsilon: must be a finite number \(got ""\)/);
    expect(() => parseConfig(elementConfig(attrs({ epsilon: '-1' })))).toThrow(/^epsilon: must be > 0 \(got -1\)/);
  });
});

describe('dist/element.js in Node', () => {
  it('imports without a DOM (a server render), defining nothing', async () => {
    const mod = await import('../dist/element.js' as string) as { TimescalesSim: { observedAttributes: string[] } };
    expect(mod.TimescalesSim.observedAttributes).toEqual(['config', 'model', 'm', 'epsilon', 'seed', 'activation', 'view', 'autoplay', 'wasm-base']);
    expect('customElements' in globalThis).toBe(false);
  });
});
