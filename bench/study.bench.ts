// Studies against their goals: the speed-up of 2 workers against that of 2 separate
// processes on the same cells (cells of 25–250 ms), the per-cell overhead of a study at
// 1 worker over bare in-process run() calls (cells of about 5 ms), and the peak RSS of a
// study of tiny cells at 2 000 and 20 000 cells (flat: the same). Each study runs in a
// fresh Node process from dist/ (build first) and writes into a fresh folder, all kept
// until the bench ends: on this disk, creating files is slow for minutes after deletions.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, table } from './lib.js';

const dist = new URL('../dist/index.js', import.meta.url).href;
/** Study folders for the memory runs: in memory where there is a tmpfs, so that file creation stays out of the figures. */
const memoryRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/** Where each run's folder goes (made by run()); all are removed at the end. */
const roots = { disk: '', memory: '' };

const base = { time: { start: 1e-6, end: 10, points: 20 }, degrees: 2, keepWeights: false };
/** 80 cells of 25–250 ms: ε over 4 decades × 20 seeds, 50 neurons. */
const medium = { base: { ...base, m: 50, time: { start: 1e-6, end: 100, points: 40 } }, grid: { epsilon: { log: [1e-1, 1e-4, 4] }, seed: { range: [0, 20] } } };
/** Cells of about 5 ms: 32 neurons, ε over 3 decades × `seeds`. */
const fiveMs = (seeds: number) => ({ base: { ...base, m: 32 }, grid: { epsilon: { log: [1e-1, 1e-4, 10] }, seed: { range: [0, seeds] } } });
/** Tiny cells whose summary stays bounded (10 groups of seeds): all the memory is the study's own. */
const tiny = (seeds: number) => ({ base: { ...base, m: 2, epsilon: 1e-2, time: { start: 1e-6, end: 10, points: 3 } }, grid: { 'init.a.scale': { linear: [0.5, 1.5, 10] }, seed: { range: [0, seeds] } } });

/** Runs `code` (an ES module body with `lib` = dist/index.js) in a fresh Node process; the JSON of its last stdout line. */
function child<T>(code: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', `const lib = await import(${JSON.stringify(dist)});\n${code}`]);
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => (status === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`bench child failed: ${err}`))));
  });
}

/** Wall seconds, and CPU seconds of the whole process (all its threads). */
interface Cost { s: number; cpu: number }
const CPU = 'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };';

/** Seconds of `study` at `workers` in a fresh process and folder (pool start included), and the process's peak RSS in MB. */
function studyRun(study: unknown, workers: number, where: keyof typeof roots = 'disk'): Promise<Cost & { rssMB: number }> {
  const dir = mkdtempSync(join(roots[where], 'study-'));
  return child(`${CPU} const t0 = performance.now(); const c0 = cpu();
    await lib.study(${JSON.stringify(study)}, { outDir: ${JSON.stringify(dir)}, workers: ${workers} });
    console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, cpu: cpu() - c0, rssMB: process.resourceUsage().maxRSS / 1024 }));`);
}

/**
 * Seconds for the study's cells as bare run() calls split over `parts` processes (every
 * parts-th cell each: the same mix of costs), which start their loops at one agreed instant
 * after their imports; from that instant to the last one's end.
 */
async function bare(study: unknown, parts: number): Promise<Cost> {
  const at = Date.now() + 3000;
  const ends = await Promise.all(Array.from({ length: parts }, (_, p) => child<{ end: number; cpu: number }>(`${CPU}
    const core = await lib.loadCore();
    const plan = lib.planStudy(${JSON.stringify(study)}, core);
    const configs = [];
    for (let i = ${p}; i < plan.size; i += ${parts}) configs.push(plan.cell(i).config);
    while (Date.now() < ${at}) await new Promise((r) => setTimeout(r, 1));
    const c0 = cpu();
    for (const c of configs) await lib.run(c, { core });
    console.log(JSON.stringify({ end: Date.now(), cpu: cpu() - c0 }));`)));
  return { s: (Math.max(...ends.map((e) => e.end)) - at) / 1000, cpu: ends.reduce((sum, e) => sum + e.cpu, 0) };
}

const ROUNDS = 3;
/** The overhead is a difference of two small marginal times: more rounds, since one round scatters by ±20%. */
const OVERHEAD_ROUNDS = 7;

export async function run(): Promise<string> {
  roots.disk = mkdtempSync(join(tmpdir(), 'timescales-bench-'));
  roots.memory = mkdtempSync(join(memoryRoot, 'timescales-bench-'));
  try {
    return await measure();
  } finally {
    for (const root of Object.values(roots)) rmSync(root, { recursive: true, force: true });
  }
}

async function measure(): Promise<string> {
  const loadAtStart = loadavg()[0];
  // Speed-up: each round runs all four, so that a slow spell of the machine falls on all.
  const [s1, s2, b1, b2]: number[][] = [[], [], [], []];
  for (let r = 0; r < ROUNDS; r++) {
    s1.push((await studyRun(medium, 1)).s);
    s2.push((await studyRun(medium, 2)).s);
    b1.push((await bare(medium, 1)).s);
    b2.push((await bare(medium, 2)).s);
  }
  const speedup = { study: median(s1) / median(s2), bare: median(b1) / median(b2) };

  // Overhead: a cell's marginal time (from 50 to 500 cells) in a study at 1 worker against bare calls, paired round by round.
  const [small, large] = [fiveMs(5), fiveMs(50)];
  const overheads: number[] = [];
  const cpuOverheads: number[] = [];
  const perCell: { study: number; bare: number }[] = [];
  for (let r = 0; r < OVERHEAD_ROUNDS; r++) {
    const [sl, ss, bl, bs] = [await studyRun(large, 1), await studyRun(small, 1), await bare(large, 1), await bare(small, 1)];
    const added = (l: Cost, m: Cost, key: keyof Cost) => (l[key] - m[key]) / 450;
    perCell.push({ study: added(sl, ss, 's'), bare: added(bl, bs, 's') });
    overheads.push(100 * (added(sl, ss, 's') / added(bl, bs, 's') - 1));
    cpuOverheads.push(100 * (added(sl, ss, 'cpu') / added(bl, bs, 'cpu') - 1));
  }

  // Memory: the process's peak RSS (main thread, both workers, their Wasm memories). V8 sizes
  // its heaps up over the first seconds of a run, so the sizes start past that warm-up.
  const rss = [];
  for (const seeds of [1000, 2000, 4000]) rss.push({ cells: 10 * seeds, ...(await studyRun(tiny(seeds), 2, 'memory')) });

  const row = (figure: string, value: string, goal: string) => ({ figure, value, goal });
  return [
    '## Studies: speed-up, overhead, memory',
    '',
    `Medians of ${ROUNDS} rounds (${OVERHEAD_ROUNDS} for the overhead), each study in a fresh process (pool start included) and folder. Speed-up: 80 cells of 25–250 ms (m = 50); study seconds ${fmt(median(s1))} (1 worker) and ${fmt(median(s2))} (2), bare run() calls ${fmt(median(b1))} (1 process) and ${fmt(median(b2))} (2 processes at once).`,
    `Overhead: a cell's time added from 50 to 500 cells of about 5 ms (m = 32), study at 1 worker ${fmt(1000 * median(perCell.map((p) => p.study)))} ms against bare calls ${fmt(1000 * median(perCell.map((p) => p.bare)))} ms (rounds: ${overheads.map((o) => fmt(o)).join(', ')} %). Memory: tiny cells (m = 2) at 2 workers, folder in ${memoryRoot}.`,
    `The machine's load average (1 min) was ${fmt(loadAtStart)} at the start and ${fmt(loadavg()[0])} at the end${Math.max(loadAtStart, loadavg()[0]) > availableParallelism() ? ': above its core count, other work shared the cores and the figures scatter' : ''}.`,
    '',
    table([
      row('speed-up of 2 workers, as a share of 2 processes\' (cells ≥ 25 ms)', `${fmt(100 * speedup.study / speedup.bare)}% (${fmt(speedup.study)}× against ${fmt(speedup.bare)}×)`, '≥ 90%'),
      row('overhead per cell over bare run() calls (cells of 5 ms)', `${fmt(median(overheads))}% in wall time, ${fmt(median(cpuOverheads))}% in CPU time of all threads`, '≤ 10%'),
      ...rss.map((m) => row(`peak RSS at ${m.cells} cells`, `${fmt(m.rssMB)} MB (${fmt(m.s)} s)`, 'flat in the cells')),
    ]),
  ].join('\n');
}
