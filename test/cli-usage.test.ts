// The command line a person expects: help and version, one summary line, clean one-line
// refusals of hostile input (BOM, deep nesting, huge values), no silent build on first use,
// and a build that is skipped when nothing changed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module without types
import { inputHash, isFresh, OUTPUTS, STAMP } from '../scripts/freshness.mjs';
import { bin, child, cli } from './support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'timescales-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const small = { epsilon: 1e-2, m: 4, seed: 3, time: { start: 1e-4, end: 10, points: 6 }, degrees: 2 };
const noStack = /\n\s+at |Error: .*\n.*node:/;

describe('help and version', () => {
  it('prints the version of package.json', () => {
    const r = cli('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`timescales ${pkg.version}\n`);
  });

  it('prints the command list for --help, -h, help, and on stderr with exit 2 for no command', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = cli(flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: timescales <command>/);
      for (const name of ['run', 'sweep', 'study', 'hermite', 'schema', 'figures']) expect(r.stdout).toMatch(new RegExp(`\\n  ${name} `));
    }
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^usage: timescales/);
  });

  it.each(['run', 'sweep', 'study', 'hermite', 'schema', 'figures'])('prints the options of `%s` for --help and -h, without running anything', (name) => {
    for (const flag of ['--help', '-h']) {
      const r = cli(name, flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: timescales ${name}`));
      expect(r.stderr).toBe('');
    }
    expect(cli('help', name).stdout).toMatch(new RegExp(`^usage: timescales ${name}`));
  });
});

describe('timescales run on the terminal', () => {
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('prints one summary line (retcode, method, steps, wall time, output) unless --quiet', () => {
    const out = join(dir, 'r.json');
    const r = cli('run', file('small.json', JSON.stringify(small)), '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    // after the progress lines a run longer than their interval prints (a slow machine's)
    expect(r.stderr).toMatch(new RegExp(`^(t = [^\\n]*%[^\\n]*\\n)*timescales run: success, \\w+, \\d+ steps, [\\d.e+-]+ s → ${out.replace(/[.]/g, '\\.')}\\n$`));
    const quiet = cli('run', join(dir, 'small.json'), '--out', out, '--quiet');
    expect(quiet.stderr).toBe('');
  });

  it('accepts a config file that starts with a UTF-8 byte-order mark', () => {
    const r = cli('run', file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(small))])), '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).retcode).toBe('success');
  });

  it('refuses a config nested 10 000 deep with one line and exit 2, no stack trace', () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    for (const text of [`{"m":${deep},"time":{"end":1,"points":2}}`, `{"m":3,"time":{"end":1,"points":2},"activation":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`]) {
      const r = cli('run', file('deep.json', text));
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).not.toMatch(noStack);
      expect(r.stderr.length).toBeLessThan(1000);
    }
  });

  it('echoes at most a short piece of a 5 MB bad value', () => {
    const r = cli('run', file('huge.json', JSON.stringify({ ...small, activation: 'x'.repeat(5_000_000) })));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^timescales run: activation: .*x…\)\n$/);
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('refuses rtol = 1 and time.end = 1e300 up front, exit 2', () => {
    const rtol = cli('run', file('rtol.json', JSON.stringify({ ...small, solver: { rtol: 1 } })));
    expect(rtol.status).toBe(2);
    expect(rtol.stderr).toMatch(/^timescales run: solver\.rtol: must be < 0\.1/);
    const far = cli('run', file('far.json', JSON.stringify({ m: 10, time: { end: 1e300, points: 5 } })));
    expect(far.status).toBe(2);
    expect(far.stderr).toMatch(/^timescales run: time\.end: reaching t = 1e\+300 takes dopri5 at least/);
  });

  it('refuses an unknown or misspelt option or command with our own line, naming the nearest one', () => {
    const config = file('options.json', JSON.stringify(small));
    const typo = cli('run', config, '--otu', 'x.json');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe("timescales run: unknown option --otu (did you mean --out?) (`timescales run --help` lists the options)\n");
    expect(cli('sweep', config, '--epsilno', '1e-2').stderr).toMatch(/^timescales sweep: unknown option --epsilno \(did you mean --epsilon\?\)/);
    expect(cli('run', config, '--frobnicate').stderr).toBe('timescales run: unknown option --frobnicate (`timescales run --help` lists the options)\n');
    expect(cli('run', config, '-x').stderr).toMatch(/^timescales run: unknown option -x \(/);
    expect(cli('run', config, '--out').stderr).toBe('timescales run: option --out needs a value (`timescales run --help` lists the options)\n');
    expect(cli('run', config, '--quiet=yes').stderr).toMatch(/^timescales run: option --quiet takes no value/);
    const command = cli('swep', config);
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/^timescales: unknown command 'swep' \(did you mean 'sweep'\?\)\n/);
  });

  it('refuses a duplicated ε in a sweep, naming it', () => {
    const r = cli('sweep', file('sweep.json', JSON.stringify(small)), '--epsilon', '1e-2,1e-3,0.01');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/epsilon: values must be distinct \(0\.01 is given twice\)/);
    expect(cli('sweep', join(dir, 'sweep.json'), '--epsilon', '1e-2,,1e-3').stderr).toMatch(/--epsilon: each value must be a finite number > 0/);
  });
});

describe('first use and building once', () => {
  it('has no install-time build: installing the package runs none of its scripts', () => {
    // The package as npm installs it, less its dependencies (so nothing is fetched) and its
    // sources: any install hook (prepare, install, …) would run and fail for want of them.
    const clone = join(dir, 'installed');
    mkdirSync(clone, { recursive: true });
    writeFileSync(join(clone, 'package.json'), JSON.stringify({ ...pkg, dependencies: {}, devDependencies: {} }));
    const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts'], { ...child, cwd: clone });
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/> timescales@[^ ]+ \w+/);
    // Building happens once, on first use instead: before the tests and before `npm start`.
    expect(pkg.scripts.pretest).toMatch(/scripts\/build\.mjs$/);
    expect(pkg.scripts.prestart).toMatch(/scripts\/build\.mjs$/);
  });

  it('says clearly that dist/ is missing instead of failing with a stack trace', () => {
    const clone = join(dir, 'unbuilt');
    mkdirSync(join(clone, 'bin'), { recursive: true });
    cpSync(bin, join(clone, 'bin', 'timescales.mjs'));
    const r = spawnSync(process.execPath, [join(clone, 'bin', 'timescales.mjs'), '--help'], child);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^timescales: dist\/ is missing: this checkout is not built yet\. Run `npm run build`/);
    expect(r.stderr).not.toMatch(noStack);
  });

  it('counts a build fresh only with a stamp of the same sources and every output present', () => {
    const tree = join(dir, 'tree');
    const put = (path: string, text: string) => {
      mkdirSync(join(tree, path, '..'), { recursive: true });
      writeFileSync(join(tree, path), text);
    };
    put('assembly/index.ts', 'export const x = 1;');
    put('src/index.ts', 'export {};');
    put('test/a.test.ts', '');
    put('asconfig.json', '{}');
    for (const f of OUTPUTS) put(f, 'built');
    expect(isFresh(tree)).toBe(false); // a fresh clone: no stamp
    put(STAMP, `${inputHash(tree)}\n`);
    expect(isFresh(tree)).toBe(true);
    utimesSync(join(tree, 'src/index.ts'), new Date(), new Date(Date.now() + 60_000)); // touched, same bytes
    expect(isFresh(tree)).toBe(true);
    put('src/index.ts', 'export const y = 2;');
    expect(isFresh(tree)).toBe(false); // a source changed
    put(STAMP, `${inputHash(tree)}\n`);
    put('assembly/new.ts', '');
    expect(isFresh(tree)).toBe(false); // a source added
    put(STAMP, `${inputHash(tree)}\n`);
    put('out/result.json', '{}'); // outputs and out/ do not count
    expect(isFresh(tree)).toBe(true);
    rmSync(join(tree, OUTPUTS[0]));
    expect(isFresh(tree)).toBe(false); // an output missing
  });
});
