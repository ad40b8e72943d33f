// Output files, as a user meets them: checked before the run, written whole or not at all,
// written through symlinks, FIFOs and devices instead of replacing them, and streamed so
// that no result is limited by the engine's longest string. The file-level API
// (writeFileAtomic, writeStreamAtomic) is tested directly, the CLI through the bin.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunked, outputProblem, writeFileAtomic, writeStreamAtomic } from '../src/io/atomic.js';
import { resultToJSON, writeResultJSON } from '../src/io/result.js';
import { run, type RunResult } from '../src/run.js';
import type { RunConfigInput } from '../src/config.js';
import { bin, child, cli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'timescales-out-'));
chmodSync(dir, 0o755); // readable by the unprivileged user of the permission test
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = { epsilon: 1e-2, m: 4, seed: 3, time: { start: 1e-4, end: 10, points: 6 }, degrees: 2 };
function configFile(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  chmodSync(path, 0o644);
  return path;
}
const temporaries = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.tmp'));

describe('writeFileAtomic / writeStreamAtomic', () => {
  it('replaces a regular file whole, keeps its permission bits, leaves no temporary file', () => {
    const path = join(dir, 'plain.txt');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    writeStreamAtomic(path, (write) => {
      for (let i = 0; i < 1000; i++) write(`line ${i}\n`);
    });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(1001);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(temporaries(dir)).toEqual([]);
  });

  it('leaves the old file untouched, and no temporary file, when writing fails midway', () => {
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'previous content');
    expect(() => writeStreamAtomic(path, (write) => {
      write('x'.repeat(3 << 20)); // past one chunk: bytes already reached the temporary file
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('previous content');
    expect(temporaries(dir)).toEqual([]);
  });

  it('writes through a symlink (and a dangling one) to its target, keeping the link', () => {
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.txt');
    symlinkSync('target.txt', link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    const dangling = join(dir, 'dangling.txt');
    symlinkSync('made-by-write.txt', dangling);
    writeFileAtomic(dangling, 'created');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'made-by-write.txt'), 'utf8')).toBe('created');
  });

  it('writes through a FIFO to its reader instead of replacing it', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b) => { got += b; });
    const done = new Promise((resolve) => reader.on('close', resolve));
    writeStreamAtomic(fifo, (write) => write('through the pipe\n'));
    await done;
    expect(got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it('writes through /dev/null, which stays a character device', () => {
    writeFileAtomic('/dev/null', 'discarded');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('says why a path cannot be written, before anything is written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(outputProblem(join(dir, 'nope', 'r.json'))).toMatch(/folder .*nope does not exist/);
    expect(outputProblem(join(file, 'r.json'))).toMatch(/a parent of it is a file/);
    expect(outputProblem(dir)).toMatch(/is a folder/);
    expect(outputProblem(join(dir, 'fine.json'))).toBeNull();
    expect(outputProblem('/dev/null')).toBeNull();
    expect(existsSync(join(dir, 'fine.json'))).toBe(false);
    expect(temporaries(dir)).toEqual([]);
  });
});

describe('timescales run: output paths checked before the run', () => {
  const sgd = { model: 'sgd', m: 3, d: 20, eta: 1e-3, seed: 1, time: { at: [0.5, 1] }, degrees: 2 };

  it('refuses --out in a missing folder, exit 2, before any step (no checkpoint written)', () => {
    const state = join(dir, 'pre.state');
    const r = cli('run', configFile('sgd.json', sgd), '--out', join(dir, 'missing', 'r.json'), '--checkpoint', state, '--checkpoint-every', '100');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`timescales run: --out: folder ${join(dir, 'missing')} does not exist\n`);
    expect(existsSync(state)).toBe(false);
  });

  it('refuses --csv under a regular file, naming the option', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const r = cli('run', configFile('small.json', small), '--csv', join(file, 'r.csv'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^timescales run: --csv: .*a parent of it is a file/);
  });

  it('refuses a folder that the user cannot write in (as root: run as nobody)', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const config = configFile('small-locked.json', small);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, [bin, 'run', config, '--out', join(locked, 'r.json')], { ...child, ...asNobody });
    expect(r.stderr).toMatch(/^timescales run: --out: cannot write in folder .*locked \(EACCES\)/);
    expect(r.status).toBe(2);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('writes --out /dev/stdout to stdout, and prints one summary line on stderr', () => {
    const r = cli('run', configFile('small-stdout.json', small), '--out', '/dev/stdout');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).retcode).toBe('success');
    // after the progress lines a run longer than their interval prints (a slow machine's)
    expect(r.stderr).toMatch(/^(t = [^\n]*%[^\n]*\n)*timescales run: success, \w+, \d+ steps, [\d.e+-]+ s → \/dev\/stdout\n$/);
  });

  it('writes --out through a symlink and leaves the link in place', () => {
    const target = join(dir, 'real-result.json');
    const link = join(dir, 'result-link.json');
    symlinkSync(target, link);
    const r = cli('run', configFile('small-link.json', small), '--out', link, '--quiet');
    expect(r.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).format).toBe(1);
  });
});

describe('the result JSON, streamed', () => {
  const configs: Record<string, RunConfigInput> = {
    meanfield: { ...small, keepWeights: true },
    network: { model: 'network', m: 4, d: 30, eta: 1e-2, epsilon: 1, seed: 2, time: { at: [0.1, 0.5, 1] }, degrees: 2 },
    sgd: { model: 'sgd', m: 3, d: 10, eta: 1e-2, samples: 20, batch: 2, noise: 0.1, seed: 5, time: { at: [0.1, 0.2] }, degrees: 1 },
    blowup: { ...small, epsilon: 1e-4, time: { at: [0.1, 1, 10] }, solver: { method: 'rk4', dt: 0.05 } },
  };
  const joined = (r: RunResult) => {
    const parts: string[] = [];
    writeResultJSON(r, (p) => parts.push(p));
    return parts.join('');
  };

  it.each(Object.keys(configs))('is byte for byte JSON.stringify of the documented object (%s)', async (name) => {
    const r = await run(configs[name]);
    expect(joined(r)).toBe(`${JSON.stringify(resultToJSON(r))}\n`);
  });

  it('holds every array of the run as plain numbers, tables row by row, and copies of its plain objects', async () => {
    const r = await run(configs.network);
    const doc = resultToJSON(r) as Record<string, any>;
    const D1 = r.degrees + 1;
    expect(doc.t).toEqual(Array.from(r.t));
    expect(doc.risk).toEqual(Array.from(r.risk));
    expect(doc.mfRisk).toEqual(Array.from(r.mfRisk!));
    expect(doc.components).toHaveLength(r.t.length);
    doc.components.forEach((row: number[], j: number) => expect(row).toEqual(Array.from(r.components.subarray(j * D1, (j + 1) * D1))));
    doc.a.forEach((row: number[], j: number) => expect(row).toEqual(Array.from(r.a!.subarray(j * r.m, (j + 1) * r.m))));
    expect(doc.coefficients.sigma).toEqual(Array.from(r.coefficients.sigma));
    expect(doc.initial.components).toEqual(Array.from(r.initial.components));
    expect(Array.isArray(doc.t) && Array.isArray(doc.components[0])).toBe(true);
    // Changing the document leaves the result alone.
    doc.config.init.a.scale = 99;
    doc.stats.steps = -1;
    expect((r.config.init.a as { scale: number }).scale).not.toBe(99);
    expect(r.stats.steps).not.toBe(-1);
  });

  it('writes non-finite numbers and -0 as JSON.stringify does', async () => {
    const r = await run(configs.meanfield);
    r.risk.set([Number.NaN, Infinity, -Infinity, -0, 5e-324, 1e21]);
    r.learningTimes[0] = null;
    expect(joined(r)).toBe(`${JSON.stringify(resultToJSON(r))}\n`);
  });

  it('never needs a string longer than a bounded piece, whatever the size of the result', async () => {
    // A stand-in for V8's longest string (about 2^29 characters): the JSON is far longer than
    // LIMIT, yet no piece handed to `write`, nor any chunk the file writer encodes, reaches it.
    const LIMIT = 1 << 18;
    const r = await run(configs.meanfield);
    const m = 2000;
    const T = 200;
    const big: RunResult = { ...r, m, a: new Float64Array(m * T).map((_, i) => Math.sin(i) / 3), s: new Float64Array(m * T).map((_, i) => Math.cos(i) / 7) };
    let total = 0;
    const parts: string[] = [];
    writeResultJSON(big, (p) => {
      expect(p.length).toBeLessThan(LIMIT);
      total += p.length;
      parts.push(p);
    });
    expect(total).toBeGreaterThan(20 * LIMIT);
    const flushed: number[] = [];
    const sink = chunked((b) => flushed.push(b.length), LIMIT / 2);
    for (const p of parts) sink.write(p);
    sink.end();
    expect(Math.max(...flushed)).toBeLessThan(LIMIT);
    expect(flushed.reduce((x, y) => x + y, 0)).toBe(total); // ASCII: one byte per character
    const parsed = JSON.parse(parts.join(''));
    expect(parsed.a).toHaveLength(T);
    expect(parsed.a[T - 1][m - 1]).toBe(big.a![m * T - 1]);
  });

  it('writes a real run with every weight kept (tens of MB) through the CLI, parseable and complete', () => {
    const m = 40_000;
    const out = join(dir, 'big.json');
    const config = { m, epsilon: 1, seed: 4, time: { end: 1, points: 30 }, degrees: 2, keepWeights: true, solver: { form: 'moment' } };
    const r = cli('run', configFile('big-config.json', config), '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(2 * 30 * m * 15);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.a).toHaveLength(30);
    expect(res.s[29]).toHaveLength(m);
    expect(temporaries(dir)).toEqual([]);
  });
});
