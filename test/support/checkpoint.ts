// Test helpers for checkpoints: compare two run results field by field, and rewrite a
// checkpoint's header or state with valid checksums (to reach the checks behind them).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { RunResult } from '../../src/run.js';

/** Every field of two results is the same (the wall time aside). */
export function expectSameResult(got: RunResult, want: RunResult): void {
  const strip = (r: RunResult) => ({ ...r, stats: { ...r.stats, wallMs: 0 } });
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  expect(strip(got)).toEqual(strip(want));
  // toEqual treats -0 and 0, and NaN, leniently in places: compare the bits of every array too
  for (const [key, value] of Object.entries(want)) {
    if (value instanceof Float64Array) {
      expect(Buffer.from((got as unknown as Record<string, Float64Array>)[key].buffer).equals(Buffer.from(value.buffer)), key).toBe(true);
    }
  }
}

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Rewrites the checkpoint at `path` through `edit` (header object, state bytes), re-signing it. */
export function resign(path: string, edit: (header: Record<string, unknown>, state: Uint8Array) => void): void {
  const file = readFileSync(path);
  const magicEnd = file.indexOf(10) + 1;
  const headEnd = file.indexOf(10, magicEnd) + 1;
  const header = JSON.parse(file.subarray(magicEnd, headEnd - 1).toString('utf8')) as Record<string, unknown>;
  const rowBytes = (header.columns as { length: number }[]).reduce((n, c) => n + 8 * c.length, 0);
  const rows = file.subarray(headEnd, headEnd + rowBytes);
  const state = new Uint8Array(file.subarray(headEnd + rowBytes, file.length - 32));
  edit(header, state);
  header.stateSha256 = sha(state).toString('hex');
  const body = Buffer.concat([file.subarray(0, magicEnd), Buffer.from(`${JSON.stringify(header)}\n`), rows, state]);
  writeFileSync(path, Buffer.concat([body, sha(body)]));
}
