// Expressions through the CLI as a user calls it: a run with an expression activation and
// target, a refused expression in one line with its column, and random expression text
// through `timescales hermite` (in process, so that many cases stay cheap).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';

const bin = fileURLToPath(new URL('../bin/timescales.mjs', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'timescales-expr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

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
