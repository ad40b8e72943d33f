// Expressions through the CLI as a user calls it: a run with an expression activation and
// target, a refused expression in one line with its column, and random expression text
// through `timescales hermite` (in process, so that many cases stay cheap); and a study
// whose axis is activation.expr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { run } from '../src/run.js';
import { study } from '../src/study/node.js';
import { cli, tempFolder } from './support/cli.js';
import { parseCsv } from './support/study.js';

const { dir, configFile } = tempFolder('timescales-expr-');


const small = { epsilon: 0.1, m: 4, seed: 3, time: { end: 5, points: 6 }, degrees: 3 };

describe('timescales run with expressions', () => {
  it('runs an expression activation and target, with the target projected exactly (a polynomial)', () => {
    const out = join(dir, 'r.json');
    const config = { ...small, activation: { expr: 'tanh(z) + 0.1*z^3' }, target: { expr: 'z + (z^2 - 1)/2' } };
    const r = cli('run', configFile('expr.json', config), '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res).toMatchObject({ retcode: 'success', config: { activation: { expr: 'tanh(z) + 0.1*z^3' } } });
    // φ = h_1 + h_2/√2: exact up to rounding
    const phi = res.coefficients.phi as number[];
    expect(Math.abs(phi[1] - 1)).toBeLessThan(1e-14);
    expect(Math.abs(phi[2] - Math.SQRT1_2)).toBeLessThan(1e-14);
    expect(Math.abs(phi[0]) + Math.abs(phi[3])).toBeLessThan(1e-14);
    expect(res.risk[5]).toBeLessThan(res.risk[0]);
  });

  it('refuses a bad expression in one line naming the field and the column, exit 2', () => {
    const r = cli('run', configFile('bad.json', { ...small, target: { expr: 'z + 2z' } }), '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/target\.expr: column 6: missing operator before "z"/);
  });
});

describe('timescales hermite with random expressions (fast-check)', () => {
  it('prints coefficients (exit 0) or one line of refusal (exit 2), never anything else', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const words = ['z', '1', '0.5', '+', '-', '*', '/', '^', '(', ')', ',', 'tanh(', 'exp(', 'log(', 'sqrt(', 'max(', 'abs(', 'erf(', ' ', '2z', 'foo', '1e308'];
    try {
      await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), async (parts) => {
        err.mockClear();
        out.mockClear();
        const code = await main(['hermite', JSON.stringify({ expr: parts.join('') }), '--degree', '4', '--json']);
        expect([0, 2]).toContain(code);
        if (code === 2) {
          expect(err).toHaveBeenCalledTimes(1);
          expect(String(err.mock.calls[0][0])).toMatch(/^timescales hermite: activation\.expr: /);
        } else {
          expect(JSON.parse(String(out.mock.calls[0][0])).coefficients).toHaveLength(5);
        }
      }), { numRuns: 150 });
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  }, 60_000);
});

describe('a study over activation.expr', () => {
  const base = { m: 4, seed: 1, time: { start: 1e-6, end: 10, points: 20 }, degrees: 2, keepWeights: false, activation: { expr: 'tanh(z)' } };

  it('runs each expression (tanh(z) as the named tanh, bit for bit) and records the one that throws (log(z) at z < 0)', async () => {
    const out = await study({ base, grid: { 'activation.expr': ['tanh(z)', 'z + z^3/3', 'log(z)'] } }, { outDir: join(dir, 'study'), workers: 1 });
    expect(out).toMatchObject({ total: 3, computed: 3, failed: 1 });
    const rows = parseCsv(readFileSync(join(dir, 'study/table.csv'), 'utf8'));
    expect(rows[0][0]).toBe('activation.expr');
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([['tanh(z)', 'success'], ['z + z^3/3', 'success'], ['log(z)', 'error']]);
    const named = await run({ ...base, activation: 'tanh' });
    expect(Number(rows[1][2])).toBe(named.risk.at(-1));
    const thrown = JSON.parse(readFileSync(join(dir, `study/${rows[3].at(-1)}`), 'utf8'));
    expect(thrown.message).toMatch(/^ConfigError: activation\.expr: must be finite .*at z = -16 it is NaN/);
  }, 120_000);

  it('is refused up front when an axis value does not parse, naming the axis and the column', async () => {
    await expect(study({ base, grid: { 'activation.expr': ['tanh(z)', 'tanh(z'] } }, { outDir: join(dir, 'bad-study'), workers: 1 }))
      .rejects.toThrow(/activation\.expr.*column 5: "\(" is never closed/);
  });
});
