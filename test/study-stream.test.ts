// The table on its own: each row's CSV line, and the table written in cell order from
// outcomes that arrive in any order (the same file as rows added in order).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableFile } from '../src/study/folder.js';
import { planStudy, type StudyPlan } from '../src/study/plan.js';
import { csvLine, Table, tableFields, type CellOutcome, type StudyRow } from '../src/study/table.js';
import { loadCore } from '../src/wasm/loader.js';
import { parseCsv, scratch, smallBase } from './support/study.js';

const s = scratch('study-stream');
afterAll(() => s.remove());
let plan: StudyPlan;
beforeAll(async () => {
  plan = planStudy({ base: smallBase, grid: { epsilon: { log: [1e-1, 1e-3, 3] }, seed: { range: [0, 40] } } }, await loadCore());
});

/** A made-up outcome for cell i, distinct per cell (NaN-free: rows are compared as text). */
const outcome = (i: number): CellOutcome => ({ retcode: i % 7 ? 'success' : 'maxSteps', risk: 1 / (i + 3), learningTimes: [i, i % 3 ? null : 2 * i + 0.5, null], steps: i * 11, wallMs: 0.25 * i });

function writeAll(dir: string, order: number[]): { written: number[]; table: string } {
  const file = new TableFile(dir);
  const table = new Table(plan.axes, plan.maxDegree, file.write);
  const written: number[] = [];
  for (const i of order) {
    table.add({ index: i, values: plan.cell(i).values, outcome: outcome(i), file: `runs/${i}.json` });
    written.push(table.written);
  }
  file.finish();
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
        const line = csvLine(tableFields(row, maxDegree));
        expect(line.endsWith('\n')).toBe(true);
        expect(parseCsv(line)).toEqual([tableFields(row, maxDegree)]);
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

  it('holds every row back while the first is missing, and a discarded table leaves nothing', () => {
    const dir = s.path('missing');
    mkdirSync(dir);
    const lines: string[] = [];
    const file = new TableFile(dir);
    const table = new Table(plan.axes, plan.maxDegree, (line) => { lines.push(line); file.write(line); });
    for (let i = 1; i < plan.size; i++) table.add({ index: i, values: plan.cell(i).values, outcome: outcome(i), file: '' });
    expect(table.written).toBe(0);
    expect(lines).toHaveLength(1); // the header
    expect(table.points.size).toBe(0);
    file.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
