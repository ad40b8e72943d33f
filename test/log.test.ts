// The logarithm in plain arithmetic (src/analysis/log.ts) against the engine's Math.log
// (an independent implementation): within one ulp everywhere, exact where log is known.
import { describe, expect, it } from 'vitest';
import { log } from '../src/analysis/log.js';

/** The spacing of doubles at |x|. */
function ulp(x: number): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, Math.abs(x));
  b.setBigUint64(0, b.getBigUint64(0) + 1n);
  return b.getFloat64(0) - Math.abs(x);
}

describe('log in plain arithmetic', () => {
  it('is within one ulp of Math.log from the smallest subnormal to the largest double', () => {
    let state = 7;
    const uniform = () => (state = (state * 69069 + 1) % 4294967296) / 4294967296;
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      // log-uniform over [2^-1074, 2^1024), and a dense band around 1 where f is small
      const x = i % 2 ? 2 ** (-1074 + 2098 * uniform()) : 1 + (uniform() - 0.5) * 2 ** (-60 * uniform());
      const err = Math.abs(log(x) - Math.log(x)) / ulp(Math.log(x) || Number.MIN_VALUE);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('is exact where the answer is known', () => {
    expect(log(1)).toBe(0);
    expect(log(2)).toBe(Math.LN2);
    expect(log(10)).toBe(Math.LN10);
    for (let k = -1074; k < 1024; k += 37) expect(Math.abs(log(2 ** k) - k * Math.LN2)).toBeLessThanOrEqual(ulp(k * Math.LN2));
    // log(1 + δ) = δ − δ²/2 + …: for δ = 2^-40 the second term is below half an ulp of δ
    expect(log(1 + 2 ** -40)).toBe(2 ** -40 - 2 ** -81);
  });

  it('gives the special values of Math.log', () => {
    expect(log(0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
  });
});
