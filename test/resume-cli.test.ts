// `timescales run --checkpoint / --resume` and Ctrl-C as a user meets them: SIGINT or SIGTERM
// sent to the CLI stops the run at its next safe point, writes the partial result with
// retcode "aborted" and a final checkpoint, and exits 130; resuming from that checkpoint
// gives the uninterrupted run's result, every field. A corrupt checkpoint or a changed config
// is refused with exit 2 and one line. Each child gets a deadline, so a hang fails its test.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHILD_MS } from './support/budgets.js';
import { bin, cli, tempFolder } from './support/cli.js';

const { dir, configFile } = tempFolder('timescales-resume-cli-');


/** Starts the CLI, sends `signal` once `ready()` holds, and resolves with how it ended. */
function interrupt(args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ status: number | null; stderr: string; sent: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const poll = setInterval(() => {
      if (!sent && ready()) {
        sent = true;
        child.kill(signal);
      }
    }, 20);
    const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ status, stderr, sent });
    });
  });
}

/** A result JSON without its wall time. */
const resultOf = (path: string) => {
  const r = JSON.parse(readFileSync(path, 'utf8')) as { stats: { wallMs: number } };
  r.stats.wallMs = 0;
  return r;
};

const base = { activation: 'relu', target: { hermite: [1, 1, 1] }, noise: 0.1, epsilon: 1, seed: 7, degrees: 2 };
const runs = [
  // ~3e5 SGD steps and ~1e5 GD steps: long enough to be interrupted, short enough to run twice
  { name: 'sgd', signal: 'SIGINT', config: { ...base, model: 'sgd', m: 5, d: 200, eta: 1e-3, time: { end: 300, points: 12 } } },
  { name: 'network', signal: 'SIGTERM', config: { ...base, model: 'network', m: 20, d: 100, eta: 1e-3, time: { end: 100, points: 12 } } },
] as const;

describe.each(runs)('timescales run, interrupted: $name', ({ name, signal, config }) => {
  it(`${signal} writes the partial result and a final checkpoint and exits 130; --resume completes it to the uninterrupted result`, async () => {
    const file = configFile(`${name}.json`, config);
    const state = join(dir, `${name}.ckpt`);
    const partial = join(dir, `${name}-partial.json`);
    // the first periodic checkpoint shows that the run is under way (and its handlers are set)
    const r = await interrupt(['run', file, '--out', partial, '--checkpoint', state, '--checkpoint-every', '1000', '--quiet'], () => existsSync(state), signal);
    expect(r.sent, `the run ended before it could be interrupted: ${r.stderr}`).toBe(true);
    expect(r.stderr).toMatch(/^timescales run: aborted at t = [\d.]+ \(step \d+\); partial result kept, checkpoint in .*\n$/);
    expect(r.status).toBe(130);
    const cut = resultOf(partial) as unknown as { retcode: string; t: number[] };
    expect(cut.retcode).toBe('aborted');
    expect(cut.t.length).toBeLessThan(12);

    const resumed = join(dir, `${name}-resumed.json`);
    const whole = join(dir, `${name}-whole.json`);
    expect(cli('run', file, '--out', resumed, '--resume', state, '--quiet').status).toBe(0);
    expect(cli('run', file, '--out', whole, '--quiet').status).toBe(0);
    expect(resultOf(resumed)).toEqual(resultOf(whole));
    expect(cut.t).toEqual((resultOf(whole) as unknown as { t: number[] }).t.slice(0, cut.t.length));
  }, 4 * CHILD_MS); // above its three children's deadlines, so that a hang is reported as the child's
});

describe('timescales run --resume, mean-field flow', () => {
  it('a periodic checkpoint, resumed in a new process, gives the uninterrupted result', () => {
    const config = configFile('mf.json', { ...base, epsilon: 1e-2, m: 4, time: { start: 1e-4, end: 10, points: 9, spacing: 'log' } });
    const state = join(dir, 'mf.ckpt');
    const whole = join(dir, 'mf-whole.json');
    const resumed = join(dir, 'mf-resumed.json');
    expect(cli('run', config, '--out', whole, '--checkpoint', state, '--checkpoint-every', '25', '--quiet').status).toBe(0);
    expect(cli('run', config, '--out', resumed, '--resume', state, '--quiet').status).toBe(0);
    expect(resultOf(resumed)).toEqual(resultOf(whole));
  });
});

describe('timescales run --checkpoint on a full disk', () => {
  it('stops with exit 1, one line saying why, and writes the partial result', () => {
    const link = join(dir, 'full.ckpt');
    symlinkSync('/dev/full', link);
    const out = join(dir, 'full.json');
    const config = configFile('full-run.json', { ...base, model: 'network', m: 4, d: 30, eta: 1e-3, time: { at: [0.2, 0.4] } });
    const r = cli('run', config, '--out', out, '--checkpoint', link, '--checkpoint-every', '300', '--quiet');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^timescales run: stopped early \(aborted\): stopped at t = 0\.3\d* \(step 300\): the checkpoint .* could not be written \(ENOSPC[^\n]*; partial result kept \(1 output times\)\n$/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ retcode: 'aborted', t: [0.2] });
  });
});

describe('timescales run --resume refuses', () => {
  const small = { ...base, model: 'network', m: 4, d: 30, eta: 1e-3, time: { at: [0.2, 0.4] } };
  const file = configFile('small.json', small);
  const state = join(dir, 'small.ckpt');

  it('a changed config, naming the fields, with exit 2 and one line', () => {
    expect(cli('run', file, '--out', join(dir, 'small.json.out'), '--checkpoint', state, '--checkpoint-every', '100', '--quiet').status).toBe(0);
    const r = cli('run', configFile('changed.json', { ...small, epsilon: 0.5, seed: 8 }), '--resume', state, '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^timescales run: resume: checkpoint .*small\.ckpt was written for another config: epsilon, seed differ\n$/);
  });

  for (const [kind, bytes] of [['empty', () => Buffer.alloc(0)], ['garbage', () => Buffer.from('\u0000garbage\n'.repeat(100))],
    ['truncated', () => readFileSync(state).subarray(0, 200)], ['bit-flipped', () => {
      const b = readFileSync(state);
      b[b.length >> 1] ^= 1;
      return b;
    }]] as const) {
    it(`a ${kind} checkpoint as corrupt, with exit 2, one line and no stack trace`, () => {
      const bad = join(dir, `${kind}.ckpt`);
      writeFileSync(bad, bytes());
      const r = cli('run', file, '--resume', bad, '--quiet');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^timescales run: resume: checkpoint .* is corrupt: [^\n]*\n$/);
    });
  }
});
