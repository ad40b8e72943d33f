// extend(base, fields) stands for `{ ...base, ...fields }` on the paths every run takes:
// the same keys in the same order, a replaced key keeping its place, base left as it was.
import { describe, expect, it } from 'vitest';
import { extend } from '../src/extend.js';

describe('extend', () => {
  it('makes what object spread makes, key order included', () => {
    const base = { t: [1], risk: 2, note: undefined, mfRisk: 3 };
    const fields = { risk: 5, loss: undefined, a: 'x' };
    const spread = { ...base, ...fields };
    const made = extend(base, fields);
    expect(Object.keys(made)).toEqual(Object.keys(spread)); // t, risk, note, mfRisk, loss, a
    expect(Object.entries(made)).toEqual(Object.entries(spread));
    expect(made).not.toBe(base);
    expect(base.risk).toBe(2);
    expect(made.t).toBe(base.t); // a shallow copy, as spread is
    // A frozen base (config fields are) gives an ordinary object.
    const frozen = Object.freeze({ method: 'auto', rtol: 1e-8 });
    expect(Object.isFrozen(extend(frozen, { keepWeights: false }))).toBe(false);
    expect(Object.keys(extend(frozen, { rtol: 1e-6, keepWeights: false }))).toEqual(['method', 'rtol', 'keepWeights']);
  });
});
