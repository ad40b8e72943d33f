// `timescales run`, `sweep`, `figures` and `schema`, and the README's API example, as a user calls
// them: through the bin, on files. Each child gets a deadline (a synchronous spawn
// blocks vitest's own timeout), so a hung command fails its test instead of the suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bin, child, cli, tempFolder } from './support/cli.js';

const { dir, configFile } = tempFolder('timescales-cli-');


const small = {
  activation: 'relu', target: { hermite: [1, 1, 1] }, epsilon: 1e-2, m: 4, seed: 3,
  time: { start: 1e-4, end: 10, points: 6, spacing: 'log' }, degrees: 2,
};

describe('timescales run', () => {
  it('prints a summary, not the JSON, to a terminal; a pipe still gets the JSON', () => {
    const config = configFile('tty.json', small);
    // `script` gives the child a pseudo-terminal as stdout, as a person's shell would.
    const quoted = [process.execPath, bin, 'run', config].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', quoted, '/dev/null'], child);
    expect(tty.status).toBe(0);
    const screen = tty.stdout.replace(/\r/g, '');
    expect(screen).toMatch(/^run: success, /m);
    expect(screen).toMatch(/^learning times: t_0 = [^,]+, t_1 = [^,]+, t_2 = /m);
    expect(screen).toMatch(/summary on the terminal \(--out FILE for the JSON\)/);
    expect(screen).not.toMatch(/"format"/);
    const piped = cli('run', config, '--quiet');
    expect(JSON.parse(piped.stdout)).toMatchObject({ format: 1, retcode: 'success' });
  });

  it('writes the documented result JSON and CSV', () => {
    const out = join(dir, 'r.json');
    const csv = join(dir, 'r.csv');
    const r = cli('run', configFile('small.json', small), '--out', out, '--csv', csv, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res).toMatchObject({ format: 1, retcode: 'success', config: { m: 4, epsilon: 1e-2 } });
    expect(res.t).toHaveLength(6);
    expect(res.t[0]).toBe(1e-4);
    expect(res.t[5]).toBe(10);
    expect(res.components).toHaveLength(6);
    expect(res.components[0]).toHaveLength(3);
    expect(res.a[0]).toHaveLength(4);
    expect(res.learningTimes).toHaveLength(3);
    expect(res.stats).toHaveProperty('steps');
    expect(res.coefficients.sigma[1]).toBe(0.5);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t,risk,R_0,R_1,R_2');
    expect(lines).toHaveLength(7);
    expect(Number(lines[1].split(',')[1])).toBe(res.risk[0]);
  });

  it('prints the result on stdout without --out', () => {
    const r = cli('run', configFile('small2.json', small), '--quiet');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).retcode).toBe('success');
  });

  it('refuses a bad config in one line naming the field, exit 2, no file written', () => {
    const out = join(dir, 'bad.json');
    const r = cli('run', configFile('bad-config.json', { ...small, solver: { rtol: -1 } }), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/solver\.rtol: must be > 0/);
    expect(existsSync(out)).toBe(false);
  });

  it('says which file is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"m": 4,');
    const r = cli('run', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.json is not valid JSON/);
  });

  it('keeps the partial result of a blow-up, exit 1, and leaves no temporary file', () => {
    const out = join(dir, 'blowup.json');
    const r = cli('run', configFile('blowup-config.json', { ...small, epsilon: 1e-4, time: { at: [0.1, 1, 10] }, solver: { method: 'rk4', dt: 0.05 } }), '--out', out, '--quiet');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/stopped early \(blowup\)/);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.retcode).toBe('blowup');
    expect(res.message).toMatch(/t = /);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an --out in a missing folder in one line, exit 2, before the run', () => {
    const r = cli('run', configFile('small4.json', small), '--out', join(dir, 'missing', 'r.json'), '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^timescales run: --out: folder .*missing does not exist$/m);
  });

  it('rejects unknown commands and options with exit 2', () => {
    expect(cli('frobnicate').status).toBe(2);
    const r = cli('run', configFile('small3.json', small), '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bogus/);
  });
});

describe('timescales run --checkpoint / --resume', () => {
  const sgd = {
    model: 'sgd', activation: 'relu', target: { hermite: [1, 1, 1] }, noise: 0.1, epsilon: 1, m: 5, d: 40, eta: 1e-3,
    seed: 7, time: { at: [0.2, 0.4, 0.6, 0.8, 1.0] }, degrees: 2,
  };

  it('resumes to the same bits as the uninterrupted run', () => {
    const config = configFile('sgd.json', sgd);
    const state = join(dir, 'sgd.state');
    const full = join(dir, 'sgd-full.json');
    // Checkpoints every 300 steps: the last one holds step 900 of 1000.
    expect(cli('run', config, '--out', full, '--checkpoint', state, '--checkpoint-every', '300', '--quiet').status).toBe(0);
    const resumed = join(dir, 'sgd-resumed.json');
    expect(cli('run', config, '--out', resumed, '--resume', state, '--quiet').status).toBe(0);
    const a = JSON.parse(readFileSync(full, 'utf8'));
    const b = JSON.parse(readFileSync(resumed, 'utf8'));
    // The whole trajectory from t = 0, learning times included; only the counters of this process differ.
    expect(b.t).toEqual([0.2, 0.4, 0.6, 0.8, 1.0]);
    expect({ ...b, stats: undefined }).toEqual({ ...a, stats: undefined });
  });

  it('checkpoints the deterministic models too', () => {
    const state = join(dir, 'mf.state');
    const r = cli('run', configFile('mf.json', small), '--checkpoint', state, '--checkpoint-every', '1', '--quiet');
    expect(r.status).toBe(0);
    expect(existsSync(state)).toBe(true);
  });
});

describe('timescales sweep', () => {
  it('prints learning times per ε and their exponents, and writes JSON', () => {
    const out = join(dir, 'sweep.json');
    const r = cli('sweep', configFile('sweep.json', { ...small, time: { end: 10, points: 40 } }), '--epsilon', '1e-2,1e-3,1e-4', '--out', out, '--quiet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\| ε \| t_0 \| t_1 \| t_2 \|/);
    expect(r.stdout).toMatch(/\| 0 \| 1 \| /);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.epsilon).toEqual([1e-2, 1e-3, 1e-4]);
    expect(res.table).toHaveLength(3);
    expect(res.runs.map((x: { retcode: string }) => x.retcode)).toEqual(['success', 'success', 'success']);
  });

  it('refuses a sweep without --epsilon or with one value', () => {
    const config = configFile('sweep2.json', small);
    expect(cli('sweep', config).status).toBe(2);
    const r = cli('sweep', config, '--epsilon', '1e-3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/epsilon: a sweep needs at least two/);
  });
});

describe('examples/api.mjs (the README API example)', () => {
  it('runs as written and prints MODEL.md\'s GELU coefficients', () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../examples/api.mjs', import.meta.url))], child);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/learning times t_0\.\.t_2/);
    expect(r.stdout).toContain("'0.282094791774'"); // σ_0 of GELU in MODEL.md §1
    expect(r.stdout).toContain("'-0.071977947807'"); // σ_4
    expect(r.stdout).toMatch(/t_0 ∝ ε\^1\.00\d \(predicted 1\)/);
  });
});

describe('timescales figures (what npm start runs)', () => {
  it('writes the SVG, the runs and a summary whose plateaus match MODEL.md §6', () => {
    const out = join(dir, 'figures');
    const r = cli('figures', '--out', out, '--only', 'fig2,fig3', '--quiet');
    expect(r.status).toBe(0);
    for (const f of ['fig2.svg', 'fig3.svg', 'summary.md', 'runs/fig2-eps1e-6.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'fig2.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const run = JSON.parse(readFileSync(join(out, 'runs', 'fig2-eps1e-6.json'), 'utf8'));
    expect(run.retcode).toBe('success');
    // Constant learnt by t ≈ 1e-4 (R ≈ R_1 + R_2 = 1), linear by t ≈ 2e-2 (R ≈ ½).
    const at = (t: number) => run.risk[run.t.findIndex((x: number) => x >= t)];
    expect(at(1e-4)).toBeCloseTo(1, 2);
    expect(Math.abs(at(2e-2) - 0.5)).toBeLessThan(0.06);
    expect(r.stdout).toMatch(/\| eps1e-6 \|/);
  });

  it('names the figures it knows when asked for another', () => {
    const r = cli('figures', '--only', 'fig9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/fig2, fig3, fig4, timescales/);
  });
});

describe('timescales schema', () => {
  it('prints a JSON Schema whose required fields are m and time', () => {
    const r = cli('schema');
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.required).toEqual(expect.arrayContaining(['m', 'time']));
    expect(schema.properties.solver.properties.method.enum).toEqual(['auto', 'rk4', 'dopri5', 'stiff', 'bdf']);
  });
});
