// The map that keys a study's summary groups and chart lines by a tuple of axis values
// (src/study/tuple-map.ts): the same key exactly when the values are the same one by one,
// as the JSON of the tuple used to say, in the order keys were first set.
import { describe, expect, it } from 'vitest';
import { TupleMap } from '../src/study/tuple-map.js';

describe('a tuple map', () => {
  it('finds a key by its values, one by one, as JSON of the tuple tells keys apart', () => {
    const m = new TupleMap<string>();
    const keys: unknown[][] = [[0.1, 'relu'], [0.30000000000000004, 'relu'], [1, 'relu'], ['1', 'relu'], [1, { name: 'tanh', scale: 2 }], [1, '{"name":"tanh","scale":2}'], [true, null], [1, [1, 2]]];
    keys.forEach((k, i) => m.add(k, `v${i}`));
    expect(m.size).toBe(keys.length);
    // all distinct, as their JSON is (an object and the string of its JSON included)
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(keys.length);
    keys.forEach((k, i) => expect(m.get(structuredClone(k))).toBe(`v${i}`));
    expect(m.get([0.1 + 0.2, 'relu'])).toBe('v1');
    expect(m.get([0.3, 'relu'])).toBeUndefined();
    expect(m.get([1, { scale: 2, name: 'tanh' }])).toBeUndefined(); // the JSON as written, key order included
    m.add([0, 'relu'], 'zero');
    expect(m.get([-0, 'relu'])).toBe('zero'); // as JSON, which prints -0 as 0
    expect(m.values()).toEqual([...keys.map((_, i) => `v${i}`), 'zero']);
  });

  it('keeps the empty tuple, and refuses a key set twice', () => {
    const m = new TupleMap<number>();
    expect(m.get([])).toBeUndefined();
    m.add([], 7);
    expect(m.get([])).toBe(7);
    expect(() => m.add([], 8)).toThrow(/already set/);
    const n = new TupleMap<number>();
    n.add([2, 'a'], 1);
    expect(() => n.add([2, 'a'], 2)).toThrow(/already set/);
    expect(n.values()).toEqual([1]);
  });
});
