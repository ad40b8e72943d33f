// Running studies: rows equal single runs bit for bit, the worker count and sharding
// change nothing in the table, failed and throwing cells are recorded, and the summary
// agrees with statistics and fits computed independently from the table and `sweep`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepEpsilon } from '../src/analysis/sweep.js';
import { fmt } from '../src/format.js';
import { study, type StudyOutcome } from '../src/study/node.js';
import type { StudySummary } from '../src/analysis/study-summary.js';
import { cli, scratch, smallBase, smallStudy, tableWithoutWallTime, parseCsv } from './support/study.js';

const s = scratch('study-run');
afterAll(() => s.remove());

let one: StudyOutcome;
beforeAll(async () => {
  one = await study(smallStudy, { outDir: s.path('one'), workers: 1 });
});

describe('a study run', () => {
  it('computes every cell once and writes the table, summaries and charts', async () => {
    expect(one).toMatchObject({ total: 12, computed: 12, skipped: 0, failed: 0, interrupted: false });
    expect(readdirSync(s.path('one/runs'))).toHaveLength(12);
    for (const f of ['table.csv', 'summary.json', 'summary.md', 't_0.svg', 't_1.svg', 't_2.svg', 'study.json']) expect(existsSync(s.path(`one/${f}`)), f).toBe(true);
    const rows = parseCsv(readFileSync(s.path('one/table.csv'), 'utf8'));
    expect(rows[0]).toEqual(['epsilon', 'm', 'seed', 'retcode', 'risk', 't_0', 't_1', 't_2', 'steps', 'wallMs', 'file']);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([0.1, 0.01, 0.001].flatMap((e) => [3, 5].flatMap((m) => [0, 1].map((seed) => [e, m, seed].map(String)))));
    // t_k against ε, one line per m.
    expect(readFileSync(s.path('one/t_1.svg'), 'utf8').match(/<path d=/g)).toHaveLength(2);
  }, 180_000);

  it('gives each cell the row that a single `timescales run` of its config gives, bit for bit', () => {
    const rows = parseCsv(readFileSync(s.path('one/table.csv'), 'utf8'));
    const head = rows[0];
    const row = rows[8]; // ε = 1e-3, m = 3, seed = 0
    const config = { ...smallBase, epsilon: Number(row[0]), m: Number(row[1]), seed: Number(row[2]) };
    const r = cli(['run', s.write('cell.json', config), '--out', s.path('cell-result.json'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const single = JSON.parse(readFileSync(s.path('cell-result.json'), 'utf8'));
    const at = (name: string) => row[head.indexOf(name)];
    expect(at('retcode')).toBe(single.retcode);
    expect(at('risk')).toBe(String(single.risk.at(-1)));
    expect([at('t_0'), at('t_1'), at('t_2')]).toEqual(single.learningTimes.map((t: number | null) => (t === null ? '' : String(t))));
    expect(at('steps')).toBe(String(single.stats.steps));
    // The result file is the document `timescales run` writes, up to the wall time.
    const stored = JSON.parse(readFileSync(s.path(`one/${at('file')}`), 'utf8'));
    delete stored.stats.wallMs;
    delete single.stats.wallMs;
    expect(stored).toEqual(single);
  }, 180_000);

  it('gives the same table with 1 and 2 workers, and finds every cell done when run again from the folder\'s study.json', async () => {
    const two = await study(smallStudy, { outDir: s.path('two'), workers: 2 });
    expect(two.computed).toBe(12);
    expect(tableWithoutWallTime(s.path('two'))).toEqual(tableWithoutWallTime(s.path('one')));
    // Again, from the copy of the study file that the folder keeps (a path this time).
    const table = readFileSync(s.path('two/table.csv'), 'utf8');
    const again = await study(s.path('two/study.json'), { outDir: s.path('two'), workers: 2 });
    expect(again).toMatchObject({ computed: 0, skipped: 12 });
    expect(readFileSync(s.path('two/table.csv'), 'utf8')).toBe(table);
    // Nothing computed: no pool started, no worker time.
    expect(again).toMatchObject({ workers: 0, workerMs: 0 });
  }, 180_000);

  it('counts the workers\' time: at least the cells\' own run times, at most every worker busy throughout', () => {
    const rows = parseCsv(readFileSync(s.path('one/table.csv'), 'utf8'));
    const wall = rows[0].indexOf('wallMs');
    const cellsMs = rows.slice(1).reduce((sum, r) => sum + Number(r[wall]), 0);
    expect(one.workers).toBe(1);
    expect(cellsMs).toBeGreaterThan(0);
    // each cell runs inside its chunk, which the worker times from its arrival to its answer
    expect(one.workerMs).toBeGreaterThanOrEqual(cellsMs);
    expect(one.workerMs).toBeLessThanOrEqual(one.workers * one.elapsedMs);
  });

  it('gives the same table from shards merged as from one run; the merge computes nothing', () => {
    const file = s.write('small-study.json', smallStudy);
    for (const shard of ['0/5', '1/5', '2/5', '3/5', '4/5']) {
      const r = cli(['study', file, '--out', s.path('sharded'), '--shard', shard, '--workers', '1']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`shard ${shard}: ${shard[0] === '0' || shard[0] === '1' ? 3 : 2} cells \\(\\d computed`));
      expect(existsSync(s.path('sharded/table.csv'))).toBe(false);
    }
    const merge = cli(['study', file, '--out', s.path('sharded')]);
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stderr).toMatch(/12 cells \(0 computed, 12 found done\)/);
    expect(tableWithoutWallTime(s.path('sharded'))).toEqual(tableWithoutWallTime(s.path('one')));
  }, 180_000);

  it('records a failed cell with its retcode and a cell that throws with its message, and goes on', async () => {
    // s_i(0) = g_i/√d with d = 1e-4 lies outside [−1, 1]: a valid config whose run throws
    const mixed = { base: smallBase, grid: { 'init.s': ['zero', { d: 1e-4 }], 'solver.maxSteps': [5, 100_000] } };
    const out = await study(mixed, { outDir: s.path('mixed'), workers: 2 });
    expect(out).toMatchObject({ total: 4, computed: 4, failed: 3 });
    const rows = parseCsv(readFileSync(s.path('mixed/table.csv'), 'utf8'));
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([['zero', '5', 'maxSteps'], ['zero', '100000', 'success'], ['{"d":0.0001}', '5', 'error'], ['{"d":0.0001}', '100000', 'error']]);
    // A run stopped early keeps its partial result (its last risk); a cell that threw has none.
    expect(Number(rows[1][3])).toBeGreaterThan(0);
    expect(rows[3].slice(3, -1)).toEqual(['', '', '', '', '', '']);
    const thrown = JSON.parse(readFileSync(s.path(`mixed/${rows[3].at(-1)}`), 'utf8'));
    expect(thrown).toMatchObject({ retcode: 'error', config: { init: { s: { d: 1e-4 } } } });
    expect(thrown.message).toMatch(/^ConfigError: init\.s\.d: /);
    expect((JSON.parse(readFileSync(s.path('mixed/summary.json'), 'utf8')) as StudySummary).retcodes).toEqual({ maxSteps: 1, success: 1, error: 2 });
  }, 180_000);
});

describe('the summary', () => {
  it('gives mean, sd and the 95% interval over seeds, as computed from the table', () => {
    const summary = JSON.parse(readFileSync(s.path('one/summary.json'), 'utf8')) as StudySummary;
    const rows = parseCsv(readFileSync(s.path('one/table.csv'), 'utf8')).slice(1);
    expect(summary.seed).toHaveLength(6);
    const g = summary.seed![3]; // ε = 0.01, m = 5
    expect(g.point).toEqual({ epsilon: 0.01, m: 5 });
    const risks = rows.filter((r) => r[0] === '0.01' && r[1] === '5').map((r) => Number(r[4]));
    expect(risks).toHaveLength(2);
    const mean = (risks[0] + risks[1]) / 2;
    expect(g.risk.mean).toBeCloseTo(mean, 15);
    expect(g.risk.sd).toBeCloseTo(Math.abs(risks[0] - risks[1]) / Math.SQRT2, 15);
    // Two values: the 2.5% and 97.5% quantiles interpolate between them.
    const [lo, hi] = [Math.min(...risks), Math.max(...risks)];
    expect(g.risk.interval95![0]).toBeCloseTo(lo + 0.025 * (hi - lo), 15);
    expect(g.risk.interval95![1]).toBeCloseTo(lo + 0.975 * (hi - lo), 15);
  }, 180_000);

  it('fits the ε exponents exactly as `sweep` does', async () => {
    const summary = JSON.parse(readFileSync(s.path('one/summary.json'), 'utf8')) as StudySummary;
    const g = summary.epsilon!.find((x) => x.point.m === 5 && x.point.seed === 1)!;
    const sweep = await sweepEpsilon({ ...smallBase, m: 5, seed: 1 }, [1e-1, 1e-2, 1e-3]);
    expect(g.epsilon).toEqual(sweep.epsilon);
    expect(g.table).toEqual(JSON.parse(JSON.stringify(sweep.table)));
    expect(readFileSync(s.path('one/summary.md'), 'utf8')).toContain(`| 5 | 1 | ${g.table.map((r) => (r.fit ? fmt(r.fit.slope) : '—')).join(' | ')} |`);
  }, 180_000);
});

describe('the study folder', () => {
  it('holds nothing but whole files after a run', () => {
    expect(readdirSync(s.path('one')).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the streamed rows' temporary file is gone
    const files = readdirSync(s.path('one/runs'));
    expect(files.every((f) => /^[0-9a-f]{16}\.json$/.test(f))).toBe(true);
    for (const f of files) expect(() => JSON.parse(readFileSync(join(s.path('one/runs'), f), 'utf8'))).not.toThrow();
  }, 180_000);
});

describe('the options', () => {
  it('refuse a bad shard or worker count by name, before the folder is made', async () => {
    const cases: [object, RegExp][] = [
      [{ shard: { index: 2, count: 2 } }, /^shard: must be \{index, count\} with integers 0 ≤ index < count \(got /],
      [{ shard: { index: 0, count: 0 } }, /^shard: /],
      [{ shard: { index: 0.5, count: 2 } }, /^shard: /],
      [{ workers: 0 }, /^workers: must be an integer ≥ 1 \(got 0\)/],
      [{ workers: 1.5 }, /^workers: /],
    ];
    for (const [options, message] of cases) {
      await expect(study(smallStudy, { outDir: s.path('refused'), ...options })).rejects.toThrow(message);
    }
    expect(existsSync(s.path('refused'))).toBe(false);
  });
});
