// The runner's moving parts on their own: the table written in cell order from outcomes
// that arrive in any order (the same file as rows added in order), and the chunk sizes
// sent to the workers, and the buffer that carries the result texts back.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellOutcome } from '../src/study/cell.js';
import { ChunkSizer, CHUNK_MS, MAX_CHUNK, TAIL_MS } from '../src/study/chunks.js';
import { planStudy, type StudyPlan } from '../src/study/plan.js';
import { TableWriter } from '../src/study/rows.js';
import { csvLine, csvRow, parseCsv, tableFields, type StudyRow } from '../src/study/table.js';
import { TextBytes } from '../src/study/text-bytes.js';
import { loadCore } from '../src/wasm/loader.js';
import { scratch, smallBase } from './support/study.js';

const s = scratch('study-stream');
afterAll(() => s.remove());
let plan: StudyPlan;
beforeAll(async () => {
  plan = planStudy({ base: smallBase, grid: { epsilon: { log: [1e-1, 1e-3, 3] }, seed: { range: [0, 40] } } }, await loadCore());
});

/** A made-up outcome for cell i, distinct per cell (NaN-free: rows are compared as text). */
const outcome = (i: number): CellOutcome => ({ retcode: i % 7 ? 'success' : 'maxSteps', risk: 1 / (i + 3), learningTimes: [i, i % 3 ? null : 2 * i + 0.5, null], steps: i * 11, wallMs: 0.25 * i });

function writeAll(dir: string, order: number[]): { written: number[]; table: string } {
  const w = new TableWriter(plan, dir);
  const written: number[] = [];
  for (const i of order) {
    w.add(i, plan.cell(i).values, outcome(i), `runs/${i}.json`);
    written.push(w.written);
  }
  w.finish({ study: 'as given' });
  return { written, table: readFileSync(`${dir}/table.csv`, 'utf8') };
}

describe('a table row', () => {
  it('is the CSV line of its fields, quoted where a field needs it, and reads back to them', () => {
    const rows: StudyRow[] = [
      { index: 0, values: [0.1, 3], outcome: outcome(14), file: 'runs/a.json' },
      { index: 1, values: ['relu', { name: 'tanh', scale: 2 }, [1, 2], true, null], outcome: outcome(1), file: 'runs/b.json' },
      { index: 2, values: ['say "hi", then\nleave', -0, 1e-300, 123456789012345680000], outcome: { retcode: 'error', risk: null, learningTimes: [], steps: null, wallMs: null, message: 'x' }, file: '' },
      { index: 3, values: [2 ** -1074], outcome: { ...outcome(5), learningTimes: [1, 2, 3, 4] }, file: 'runs/with,comma.json' },
    ];
    for (const row of rows) {
      for (const maxDegree of [0, 2, 3]) {
        const line = csvRow(row, maxDegree);
        expect(line).toBe(csvLine(tableFields(row, maxDegree)));
        expect(parseCsv(line)[0]).toEqual(tableFields(row, maxDegree));
      }
    }
  });
});

describe('the streamed table', () => {
  it('is the same file whatever order the rows arrive in, written up to the oldest missing row', () => {
    const n = plan.size;
    const inOrder = writeAll(s.path('.'), Array.from({ length: n }, (_, i) => i));
    expect(inOrder.written).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(inOrder.table.split('\n')).toHaveLength(n + 2); // header, n rows, final newline
    // Reversed: nothing goes out until cell 0 arrives, last.
    const dir = s.path('reversed');
    mkdirSync(dir);
    const reversed = writeAll(dir, Array.from({ length: n }, (_, i) => n - 1 - i));
    expect(reversed.written.slice(0, -1).every((x) => x === 0)).toBe(true);
    expect(reversed.written.at(-1)).toBe(n);
    expect(reversed.table).toBe(inOrder.table);
    // Shuffled (a fixed permutation).
    const shuffled = Array.from({ length: n }, (_, i) => (i * 37) % n);
    expect(new Set(shuffled).size).toBe(n);
    const dir2 = s.path('shuffled');
    mkdirSync(dir2);
    expect(writeAll(dir2, shuffled).table).toBe(inOrder.table);
    // Only the finished files remain: no temporary rows.
    for (const d of [s.path('.'), dir, dir2]) expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a row longer than its buffer whole, in order', () => {
    const dir = s.path('long');
    mkdirSync(dir);
    const w = new TableWriter(plan, dir);
    const long = 'é'.repeat(300_000); // 600 000 bytes of UTF-8, past the 128 kB buffer
    for (let i = 0; i < plan.size; i++) w.add(i, i === 1 ? [long, 0] : plan.cell(i).values, outcome(i), `runs/${i}.json`);
    w.finish({});
    const lines = readFileSync(`${dir}/table.csv`, 'utf8').split('\n');
    expect(lines[2].startsWith(`${long},0,`)).toBe(true);
    expect(lines[3]).toBe(writeAll(s.path('.'), Array.from({ length: plan.size }, (_, i) => i)).table.split('\n')[3]);
  });

  it('refuses to finish with a row missing, and leaves no table', () => {
    const dir = s.path('missing');
    mkdirSync(dir);
    const w = new TableWriter(plan, dir);
    for (let i = 1; i < plan.size; i++) w.add(i, plan.cell(i).values, outcome(i), '');
    expect(() => w.finish({})).toThrow(/lacks cell 0/);
    w.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('chunks', () => {
  it('send cells of unknown cost one at a time, then about CHUNK_MS of work at the last chunk\'s rate, shrinking at the end to TAIL_MS', () => {
    const sizer = new ChunkSizer(2);
    expect(sizer.size(10_000)).toBe(1);
    sizer.observe(1, 10); // a cold first cell
    expect(sizer.size(10_000)).toBe(Math.floor(CHUNK_MS / 10));
    sizer.observe(4, 4 * 1.25); // then 1.25 ms per cell: the cold one is forgotten
    expect(sizer.size(10_000)).toBe(Math.floor(CHUNK_MS / 1.25));
    // The last cells: half of each worker's share of what is left, but TAIL_MS of work at least.
    expect(sizer.size(160)).toBe(40);
    expect(sizer.size(40)).toBe(10);
    expect(sizer.size(20)).toBe(Math.floor(TAIL_MS / 1.25));
    expect(sizer.size(3)).toBe(Math.floor(TAIL_MS / 1.25));
    // One worker shrinks its chunks the same way, to half of what is left.
    const alone = new ChunkSizer(1);
    alone.observe(4, 4 * 1.25);
    expect(alone.size(1000)).toBe(Math.floor(CHUNK_MS / 1.25));
    expect(alone.size(100)).toBe(50);
    expect(alone.size(10)).toBe(Math.floor(TAIL_MS / 1.25));
    // Cells longer than CHUNK_MS go one by one; very short ones stop at MAX_CHUNK.
    const slow = new ChunkSizer(2);
    slow.observe(2, 4 * CHUNK_MS);
    expect(slow.size(10_000)).toBe(1);
    const fast = new ChunkSizer(1);
    fast.observe(1000, 1);
    expect(fast.size(1e6)).toBe(MAX_CHUNK);
  });
});

describe('text bytes', () => {
  it('hold each text as its UTF-8, in order, growing past the buffer they were given and reusing it', () => {
    // ASCII, two- and three-byte characters, an astral one (a surrogate pair), an empty text
    const pieces = ['{"risk":[1.5,0.25]}\n', 'é – ε ≤ 10⁻⁶', '', '𝔼[σ(G)]', 'x'.repeat(300)];
    const texts = Array.from({ length: 200 }, (_, i) => pieces[i % pieces.length] + i);
    const spare = new Uint8Array(64);
    const t = new TextBytes(spare);
    for (const x of texts) t.add(x);
    const bytes = t.bytes();
    const decoder = new TextDecoder();
    texts.forEach((x, k) => expect(decoder.decode(bytes.subarray(k ? t.ends[k - 1] : 0, t.ends[k]))).toBe(x));
    expect(t.ends.at(-1)).toBe(bytes.length);
    expect(bytes.length).toBe(new TextEncoder().encode(texts.join('')).length);
    expect(bytes.buffer).not.toBe(spare.buffer); // 64 bytes could not hold them
    // A buffer large enough is written in place.
    const again = new TextBytes(new Uint8Array(bytes.buffer));
    for (const x of texts) again.add(x);
    expect(again.bytes().buffer).toBe(bytes.buffer);
    expect(again.ends).toEqual(t.ends);
  });
});
