// writeJSONPieces writes what JSON.stringify(value, null, indent) writes, in pieces: checked
// against JSON.stringify itself on generated values (nested objects and arrays, empty ones,
// strings with line breaks and quotes, members JSON leaves out or writes as null), at every
// opening depth, with no piece larger than one member below that depth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJSONPieces } from '../src/io/json-pieces.js';

const leaf = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constantFrom('a\nb', '"\\', null, true, undefined, NaN, -0, Infinity), fc.constant(() => 1));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 5 })),
})).node;

function pieces(v: unknown, indent: number, depth: number): string[] {
  const out: string[] = [];
  writeJSONPieces(v, (p) => out.push(p), indent, depth);
  return out;
}

describe('JSON in pieces', () => {
  it('is JSON.stringify(value, null, indent), byte for byte', () => {
    fc.assert(fc.property(fc.oneof(fc.array(value), fc.dictionary(fc.string(), value)), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }), (v, indent, depth) => {
      expect(pieces(v, indent, depth).join('')).toBe(JSON.stringify(v, null, indent));
    }), { numRuns: 500 });
  });

  it('never holds a large array whole', () => {
    const summary = { cells: 3, epsilon: Array.from({ length: 1000 }, (_, i) => ({ point: { seed: i }, fit: [i / 3, null] })), empty: [], gone: undefined };
    const out = pieces(summary, 1, 2);
    expect(out.join('')).toBe(JSON.stringify(summary, null, 1));
    expect(Math.max(...out.map((p) => p.length))).toBeLessThan(100);
  });
});
