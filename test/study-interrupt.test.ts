// A study stopped mid-run — Ctrl-C (SIGINT: the workers are stopped, exit 130) or
// SIGKILL (nothing runs after it) — leaves only whole result files, and running the same
// command again computes just the missing cells and ends with the table of an
// uninterrupted run, having removed what the killed process left (src/study/folder.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { study } from '../src/study/node.js';
import type { StudyInput } from '../src/study/spec.js';
import { CHILD_MS } from './support/budgets.js';
import { bin, cli, scratch, tableWithoutWallTime } from './support/study.js';

/** 24 cells of some tens of milliseconds each. */
const slowerStudy: StudyInput = {
  base: { m: 20, time: { start: 1e-6, end: 100, points: 40 }, degrees: 2, keepWeights: false },
  grid: { epsilon: { log: [1e-1, 1e-4, 4] }, seed: { range: [0, 6] } },
};

const s = scratch('study-interrupt');
afterAll(() => s.remove());
let file: string;
beforeAll(async () => {
  file = s.write('study.json', slowerStudy);
  await study(slowerStudy, { outDir: s.path('reference'), workers: 2 });
});

const resultFiles = (dir: string) => readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json'));

/**
 * Starts the study, sends `signal` as soon as `n` cells are done (their result files
 * listed), and resolves to the exit code or signal. Fails if the study ends first, or
 * if no `n` cells are done within the child's deadline.
 */
async function interrupt(out: string, signal: NodeJS.Signals, n = 2): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; pid: number }> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'study', file, '--out', out, '--workers', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  let ended = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => {
    ended = true;
    resolve({ code, signal: sig });
  }));
  const deadline = Date.now() + CHILD_MS;
  let done = 0;
  // The remaining cells take a fraction of a second: the listing is polled often so that
  // the signal lands well before the last of them.
  while (!ended && done < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    try { done = resultFiles(out).length; } catch { /* runs/ not made yet */ }
  }
  if (done < n) {
    child.kill('SIGKILL');
    await exit;
    throw new Error(ended ? `the study ended before it could be interrupted: ${stderr}` : `no ${n} cells done within ${CHILD_MS / 1000} s`);
  }
  child.kill(signal);
  return { ...(await exit), stderr, pid: child.pid! };
}

function expectWholeFiles(out: string): number {
  const files = resultFiles(out);
  for (const f of files) expect(() => JSON.parse(readFileSync(join(out, 'runs', f), 'utf8')), f).not.toThrow();
  return files.length;
}

describe('an interrupted study', () => {
  it('stops on SIGINT with exit 130 and whole files only, and resumes to the same table', async () => {
    const out = s.path('sigint');
    const r = await interrupt(out, 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopped by SIGINT: \d+ of 24 cells done, all result files whole; run the same command to resume/);
    const kept = expectWholeFiles(out);
    expect(kept).toBeLessThan(24); // it was stopped mid-run
    expect(readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const resumed = cli(['study', file, '--out', out, '--workers', '2']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`24 cells (${24 - kept} computed, ${kept} found done)`);
    // how busy the pool was, as a share of the run (some cells were computed, so a pool ran)
    const busy = /; 2 workers busy ([\d.]+)% of [^;]+;/.exec(resumed.stderr); // the duration reads "N s" or "N min N s"
    expect(busy, resumed.stderr).not.toBeNull();
    expect(Number(busy![1])).toBeGreaterThan(0);
    expect(Number(busy![1])).toBeLessThanOrEqual(100);
    expect(tableWithoutWallTime(out)).toEqual(tableWithoutWallTime(s.path('reference')));
  }, 3 * CHILD_MS); // above its two children's deadlines, so that a hang is reported as the child's

  it('resumes after SIGKILL to the same table', async () => {
    const out = s.path('sigkill');
    const r = await interrupt(out, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    const kept = expectWholeFiles(out);
    expect(kept).toBeLessThan(24);
    // The killed process left its table's rows behind; beside them, temporary files of a
    // process of another host and of one that runs (this one), which must stay.
    const temporary = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp')).sort();
    const host = hostname();
    expect(temporary(out)).toEqual([`.table.csv~${host}~${r.pid}.rows.tmp`]);
    const kept1 = `.${'0'.repeat(16)}.json~another-host~${r.pid}.part.tmp`;
    const kept2 = `.${'1'.repeat(16)}.json~${host}~${process.pid}.part.tmp`;
    const gone = `.${'2'.repeat(16)}.json~${host}~${r.pid}.part.tmp`;
    for (const f of [kept1, kept2, gone]) writeFileSync(join(out, 'runs', f), '{"torn');
    const resumed = cli(['study', file, '--out', out, '--workers', '2']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`24 cells (${24 - kept} computed, ${kept} found done)`);
    expect(tableWithoutWallTime(out)).toEqual(tableWithoutWallTime(s.path('reference')));
    expect(temporary(out)).toEqual([]);
    expect(temporary(join(out, 'runs'))).toEqual([kept1, kept2].sort());
  }, 3 * CHILD_MS); // above its two children's deadlines, so that a hang is reported as the child's
});
