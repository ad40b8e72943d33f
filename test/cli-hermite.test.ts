import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { reluCoefficients } from './support/network.js';
import { CHILD_MS } from './support/budgets.js';

const bin = fileURLToPath(new URL('../bin/timescales.mjs', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, 'hermite', ...args], { encoding: 'utf8', timeout: CHILD_MS });

describe('timescales hermite', () => {
  it('prints the ReLU coefficients of MODEL.md as JSON', () => {
    const r = cli('relu', '--degree', '8', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { activation: string; coefficients: number[]; errorBound: number };
    expect(out.activation).toBe('relu');
    expect(out.coefficients).toHaveLength(9);
    out.coefficients.forEach((c, k) => expect(Math.abs(c - reluCoefficients(8)[k])).toBeLessThan(1e-12));
    expect(out.errorBound).toBeLessThan(1e-12);
  });

  it('takes shifts and scales (negative ones too) and prints a table', () => {
    const r = cli('tanh', '--degree', '3', '--shift', '-0.3', '--scale', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^tanh\(2z - 0\.3\)/);
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
    const j = JSON.parse(cli('{"polynomial":[0,0,1]}', '-k', '2', '--json').stdout) as { coefficients: number[] };
    expect(j.coefficients[2]).toBeCloseTo(Math.SQRT2, 14); // z² = h_0 + √2 h_2
  });

  it('refuses bad input with one line on stderr and exit code 2', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const args of [['swish', '--degree', '3'], ['relu', '--degree', '-1'], ['relu', '--degree', '3', '--scale', '0'],
        ['relu'], ['relu', '--degree', 'x'], ['relu', '--degree', '3', '--bogus'], ['{"name":', '--degree', '2']]) {
        err.mockClear();
        expect(await main(['hermite', ...args]), args.join(' ')).toBe(2);
        expect(err).toHaveBeenCalledTimes(1);
        expect(String(err.mock.calls[0][0]).trim().split('\n'), args.join(' ')).toHaveLength(1);
      }
      expect(out).not.toHaveBeenCalled();
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
