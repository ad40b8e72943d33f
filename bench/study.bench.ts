// Studies: throughput of the worker pool at 1 and 2 workers, the per-cell cost of the
// study machinery (validation, keys, pool messages, result files, table) against bare
// in-process run() calls, and peak memory at 2 000, 20 000 and 100 000 cells (flat = the same).
// Studies run from dist/ (build first: npm run build), each in a fresh folder. A
// breakdown times the main thread's parts per cell, each against the way it was done
// before (the whole config parsed per cell, a failed open per cell), in one process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHUNK_MS } from '../src/study/chunks.js';
import { fmt, table } from './lib.js';

const dist = new URL('../dist/index.js', import.meta.url).href;

/**
 * Where the studies' folders go: the repository's out/, on its disk, as a user's study
 * folder would be. (File creation on one disk differs by folder: see createCost.)
 */
const diskRoot = fileURLToPath(new URL('../out/bench-study', import.meta.url));

/** Node's arguments to run `code` (an ES module body with `lib` = dist/index.js). */
const childArgs = (code: string) => ['--input-type=module', '-e', `const lib = await import(${JSON.stringify(dist)});\n${code}`];
/** The JSON of a child's last stdout line. */
const lastLine = <T>(out: string) => JSON.parse(out.trim().split('\n').pop()!) as T;

/** Runs `code` in a fresh Node process (childArgs); parses its last stdout line. */
function child<T>(code: string): T {
  const r = spawnSync(process.execPath, childArgs(code), { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return lastLine<T>(r.stdout);
}

/** CPU seconds of the process so far, all threads (workers included). */
const CPU = 'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };';

/**
 * Wall and CPU seconds; for a study, also the seconds its worker spent on the cells
 * (StudyOutcome.workerMs) and the seconds its main thread was busy (its event loop's active
 * time: its JavaScript and the system calls it makes, the files' included).
 */
interface Cost { s: number; cpu: number; worker?: number; main?: number }

/** A tmpfs, where there is one: study folders in memory, apart from any disk. */
const memoryRoot = existsSync('/dev/shm') ? '/dev/shm' : null;

/** Where folders on the system's temporary disk go (createCost): made by run(), removed at its end. */
let tmpRoot = '';

/**
 * `f` of a fresh study folder under `root`. A folder in memory is removed afterwards; one on a
 * disk is left until the bench ends (run() removes its root): deleting files there made
 * creating files slower for minutes after (see the text on file creation below).
 */
function inFreshFolder<T>(root: string, f: (dir: string) => T): T {
  const dir = mkdtempSync(join(root, 'timescales-bench-study-'));
  try {
    return f(dir);
  } finally {
    if (root === memoryRoot) rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall and CPU seconds for `study` at `workers`, in a fresh process (pool start included) and a fresh folder. */
function studyCost(study: unknown, workers: number, root = diskRoot): Cost {
  return inFreshFolder(root, (dir) => child<Cost>(`${CPU}
    const t0 = performance.now(); const c0 = cpu(); const e0 = performance.eventLoopUtilization();
    const out = await lib.study(${JSON.stringify(study)}, { outDir: ${JSON.stringify(dir)}, workers: ${workers} });
    const main = performance.eventLoopUtilization(e0).active / 1000;
    console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, cpu: cpu() - c0, worker: out.workerMs / 1000, main }));`));
}
const studySeconds = (study: unknown, workers: number) => studyCost(study, workers).s;

/** child(), without waiting: the parsed last stdout line, once the process has ended. */
function childAsync<T>(code: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, childArgs(code));
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => status === 0 ? resolve(lastLine<T>(out)) : reject(new Error(`bench child failed: ${err}`)));
  });
}

/**
 * Child code that makes every `parts`-th cell of `study` from cell `part` as configs, in
 * `configs`, with the core loaded in `core`: the cells of bare run() calls.
 */
const bareCells = (study: unknown, part = 0, parts = 1) => `
  const core = await lib.loadCore();
  const plan = lib.planStudy(${JSON.stringify(study)}, core);
  const configs = [];
  for (let i = ${part}; i < plan.size; i += ${parts}) configs.push(plan.cell(i).config);`;

/**
 * What this machine gives two threads of this work at best: the study's cells as bare
 * run() calls, every `parts`-th cell in each of `parts` processes (cells of one ε differ by
 * 10× in cost from another's: a stride gives each process the same mix), which start their
 * loops at one agreed instant (after their imports). Returns the seconds from that instant
 * to the last process's end.
 */
async function bareInParts(study: unknown, parts: number): Promise<number> {
  const at = Date.now() + 2000;
  const runs = Array.from({ length: parts }, (_, p) => childAsync<{ end: number }>(`${bareCells(study, p, parts)}
    while (Date.now() < ${at}) await new Promise((r) => setTimeout(r, 1));
    for (const c of configs) await lib.run(c, { core });
    console.log(JSON.stringify({ end: Date.now() }));`));
  const ends = await Promise.all(runs);
  return (Math.max(...ends.map((e) => e.end)) - at) / 1000;
}

/** Rounds of the overhead measurement (each: bare calls, study on disk, study in memory, at both sizes). */
const OVERHEAD_ROUNDS = 11;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** A percentage with its sign (+ for more). */
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))}`;

/** µs to write one result file (writeResult: a temporary file, then a rename) in a loop of 500, in a fresh folder under `root` (median of 5). */
function createCost(root: string): number {
  return child<{ us: number }>(`
    const { writeResult } = await import(${JSON.stringify(new URL('../dist/study/results.js', import.meta.url).href)});
    const { mkdtempSync, rmSync } = await import('node:fs');
    const text = JSON.stringify({ padding: 'x'.repeat(3500) }) + '\\n'; // a small cell's result file is about 3.5 kB
    const us = [];
    for (let r = 0; r < 5; r++) {
      const dir = mkdtempSync(${JSON.stringify(root)} + '/timescales-bench-create-');
      const t0 = performance.now();
      for (let i = 0; i < 500; i++) writeResult(dir + '/' + i.toString(16).padStart(16, '0') + '.json', text);
      us.push((performance.now() - t0) * 2);
      if (${JSON.stringify(root === memoryRoot)}) rmSync(dir, { recursive: true, force: true }); // on a disk: left to the bench's end (inFreshFolder)
    }
    console.log(JSON.stringify({ us: us.sort((a, b) => a - b)[2] }));`).us;
}

export async function run(): Promise<string> {
  mkdirSync(diskRoot, { recursive: true });
  tmpRoot = mkdtempSync(join(tmpdir(), 'timescales-bench-'));
  try {
    return await measure();
  } finally {
    for (const root of [diskRoot, tmpRoot]) rmSync(root, { recursive: true, force: true });
  }
}

async function measure(): Promise<string> {
  // 1. Throughput: 80 cells of 25–250 ms (m = 50, ε over 4 decades, 20 seeds): a few seconds of
  // work, so that the pool's start (a few hundred ms) does not stand for the pool's scaling.
  const medium = { base: { m: 50, time: { start: 1e-6, end: 100, points: 40 }, degrees: 2, keepWeights: false }, grid: { epsilon: { log: [1e-1, 1e-4, 4] }, seed: { range: [0, 20] } } };
  const cells = 4 * 20;
  // Beside them, the machine's own ceiling for two threads: the same cells as bare run() calls
  // in one process, and split between two processes running at once.
  const one: number[] = [];
  const two: number[] = [];
  const bareOne: number[] = [];
  const bareTwo: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    one.push(studySeconds(medium, 1));
    two.push(studySeconds(medium, 2));
    bareOne.push(await bareInParts(medium, 1));
    bareTwo.push(await bareInParts(medium, 2));
  }
  const [s1, s2, b1, b2] = [median(one), median(two), median(bareOne), median(bareTwo)];

  // 2. Per-cell overhead on small cells: bare run() calls in one process against the study at
  // 1 worker, each at 100 and 1000 cells (ε over 3 decades × 10 and × 100 seeds: the same mix of
  // cells). The difference between the two sizes, per cell added, is the marginal cost of a
  // cell; what is left of the 1000-cell time is the fixed cost (the pool's start, the last
  // chunk's return, the summaries' fits and files).
  const smallOf = (seeds: number) => ({ base: { m: 4, time: { start: 1e-6, end: 10, points: 20 }, degrees: 2, keepWeights: false }, grid: { epsilon: { log: [1e-1, 1e-4, 10] }, seed: { range: [0, seeds] } } });
  const small = smallOf(50);
  const sizes = [100, 1000] as const;
  const bareOf = (study: unknown) => child<Cost>(`${CPU}${bareCells(study)}
    const t0 = performance.now(); const c0 = cpu();
    for (const c of configs) await lib.run(c, { core });
    console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, cpu: cpu() - c0 }));`);
  // The same studies with their folder in memory (tmpfs), where there is one: what the disk's
  // file creation costs, apart from the machinery. All are interleaved, round by round, so
  // that a slow spell of the machine (the disk's file creation varies by 5× here) falls on all.
  const creates = [{ where: 'the studies\' folder (out/)', root: diskRoot }, { where: `the system's temporary folder (${tmpdir()})`, root: tmpRoot }, ...(memoryRoot ? [{ where: `memory (${memoryRoot})`, root: memoryRoot }] : [])]
    .map((c) => ({ ...c, us: createCost(c.root) }));
  // And larger cells (m = 32, about 5 ms each), 50 and 500 of them, on disk: what the machinery
  // adds to a cell hardly depends on the cell, so its share falls as cells grow.
  const largerOf = (seeds: number) => ({ base: { ...small.base, m: 32 }, grid: { ...small.grid, seed: { range: [0, seeds] } } });
  const largerSizes = [50, 500] as const;
  type Series = Record<number, Cost[]>;
  const series = (): Series => ({});
  const [bareRuns, studyRuns, memoryRuns, bareLarger, studyLarger] = [series(), series(), series(), series(), series()];
  // And, in memory, the same small cells in a grid whose summary stays bounded (init.a.scale ×
  // seeds: 10 groups of seeds, no ε fits): what the machinery costs, apart from the ε × seed
  // grid's per-seed fits, an analysis that grows with the seeds.
  const boundedOf = (seeds: number) => ({ base: { ...small.base, epsilon: 1e-2 }, grid: { 'init.a.scale': { linear: [0.5, 1.5, 10] }, seed: { range: [0, seeds] } } });
  const [bareBounded, memoryBounded1] = [series(), series()];
  const push = (r: Series, n: number, c: Cost) => { (r[n] ??= []).push(c); };
  for (let round = 0; round < OVERHEAD_ROUNDS; round++) {
    for (const n of sizes) {
      const study = smallOf(n / 10);
      push(bareRuns, n, bareOf(study));
      push(studyRuns, n, studyCost(study, 1));
      if (memoryRoot) push(memoryRuns, n, studyCost(study, 1, memoryRoot));
      if (memoryRoot) {
        push(bareBounded, n, bareOf(boundedOf(n / 10)));
        push(memoryBounded1, n, studyCost(boundedOf(n / 10), 1, memoryRoot));
      }
    }
    for (const n of largerSizes) {
      push(bareLarger, n, bareOf(largerOf(n / 10)));
      push(studyLarger, n, studyCost(largerOf(n / 10), 1));
    }
  }
  const med = (runs: Cost[], key: keyof Cost = 's') => median(runs.map((r) => r[key] ?? NaN));
  /** Marginal seconds per cell and fixed seconds, from the medians at the two sizes `at` (100 and 1000 cells unless said). */
  const split = (r: Series, key: keyof Cost = 's', at: readonly [number, number] = sizes) => {
    const [a, b] = at;
    const perCell = (med(r[b], key) - med(r[a], key)) / (b - a);
    return { perCell, fixed: med(r[b], key) - b * perCell };
  };
  const [bareLargerSplit, studyLargerSplit] = [split(bareLarger, 's', largerSizes), split(studyLarger, 's', largerSizes)];
  // The same overhead round by round: a round's runs follow one another within seconds, so a
  // slow spell of the machine falls on the study and the bare calls alike (the medians above
  // are taken apart, over all rounds). Their median and range say how far a single figure goes.
  const paired = (r: Series, b: Series, [a, z]: readonly [number, number] = sizes) => {
    const ratios = r[z].map((run, k) => 100 * ((run.s - r[a][k].s) / (b[z][k].s - b[a][k].s) - 1));
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const pairedRows = [
    { cells: 'm = 4, on disk', runs: paired(studyRuns, bareRuns) },
    ...(memoryRoot ? [{ cells: `m = 4, in memory (${memoryRoot})`, runs: paired(memoryRuns, bareRuns) }] : []),
    ...(memoryRoot ? [{ cells: `m = 4, in memory, init.a.scale × seeds (a summary of 10 groups, no ε fits)`, runs: paired(memoryBounded1, bareBounded) }] : []),
    { cells: 'm = 32, on disk', runs: paired(studyLarger, bareLarger, largerSizes) },
  ];
  const bareSplit = split(bareRuns);
  const studySplit = split(studyRuns);
  const memorySplit = memoryRoot ? split(memoryRuns) : null;
  const [bareCpuSplit, studyCpuSplit] = [split(bareRuns, 'cpu'), split(studyRuns, 'cpu')];
  // The worker's own time per cell added (its chunks, from first cell to last): against the
  // bare calls, what the cells cost in the study's thread; against the study's wall time,
  // how much of a cell's marginal time the worker computed.
  const [studyWorkerSplit, memoryWorkerSplit] = [split(studyRuns, 'worker'), memoryRoot ? split(memoryRuns, 'worker') : null];
  // The main thread's busy time per cell added: every cell's file, row and summary pass
  // through it, so it bounds a study's cells per second whatever the number of workers.
  const [studyMainSplit, memoryMainSplit] = [split(studyRuns, 'main'), memoryRoot ? split(memoryRuns, 'main') : null];
  const [bare, viaStudy] = [med(bareRuns[1000]), med(studyRuns[1000])];
  const inMemory = memoryRoot ? med(memoryRuns[1000]) : null;

  // Breakdown: the main thread's per-cell parts, the new way against the old, side by side in one process.
  const parts = child<Record<string, number>>(`
    const { parseConfig } = await import(${JSON.stringify(new URL('../dist/config.js', import.meta.url).href)});
    const { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const core = await lib.loadCore();
    const plan = lib.planStudy(${JSON.stringify(small)}, core);
    const n = plan.size;
    const inputs = Array.from({ length: n }, (_, i) => ({ ...plan.study.base, epsilon: plan.cell(i).values[0], seed: plan.cell(i).values[1] }));
    const us = (f) => { let best = Infinity; for (let r = 0; r < 5; r++) { const t0 = performance.now(); for (let i = 0; i < n; i++) f(i); best = Math.min(best, (performance.now() - t0) * 1000 / n); } return best; };
    const dir = mkdtempSync(${JSON.stringify(join(tmpdir(), 'timescales-bench-parts-'))});
    const out = {
      whole: us((i) => lib.canonicalJSON(parseConfig(structuredClone(inputs[i])))),
      parts: us((i) => plan.cell(i).canonical),
      open: us((i) => { try { readFileSync(dir + '/' + i + '.json', 'utf8'); } catch {} }),
      listing: us((i) => { if (i === 0) readdirSync(dir); }),
    };
    rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify(out));`);

  // 3. Peak memory (max RSS of the process, worker threads included) at 2 000, 20 000 and 100 000
  // tiny cells, in two grids: one whose outputs are bounded (a scale axis of 10 values × seeds:
  // 10 groups of seeds, a chart of 10 points), where all the memory is the study's own, and
  // ε × seeds, whose summary holds an ε fit per seed: output that grows with the grid.
  const tinyBase = { m: 2, time: { end: 1, points: 3 }, degrees: 1, keepWeights: false };
  const bounded = (seeds: number) => ({ base: tinyBase, grid: { 'init.a.scale': { linear: [0.5, 1.5, 10] }, seed: { range: [0, seeds] } } });
  const perSeedFits = (seeds: number) => ({ base: tinyBase, grid: { epsilon: { log: [1e-1, 1e-2, 10] }, seed: { range: [0, seeds] } } });
  interface Memory { cells: number; s: number; rssMB: number; heapMB: number; youngMB: number; liveMB: number; trace: [number, number][]; mainUs: number; busy: number }
  // Their folders go in memory where there is a tmpfs: removing a study's 100 000 files from a
  // disk like this machine's made creating files there 5–8× slower for the next 2–3 minutes,
  // which would fall on whatever runs next (this bench again: its disk figures).
  const memoryOf = (study: unknown): Memory => inFreshFolder(memoryRoot ?? diskRoot, (dir) =>
    // The main thread's heap sampled during the study (its size and its young generation's,
    // and at the end what a full collection keeps); the RSS at every tenth of the cells.
    child<Memory>(`
      const v8 = await import('node:v8'); v8.setFlagsFromString('--expose-gc');
      const gc = (await import('node:vm')).runInNewContext('gc');
      let heap = 0; let young = 0;
      const sample = setInterval(() => {
        heap = Math.max(heap, process.memoryUsage().heapTotal);
        young = Math.max(young, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      }, 20);
      const trace = [];
      const onProgress = (p) => { if (p.done >= (trace.length + 1) * p.total / 10) trace.push([p.done, process.memoryUsage.rss() / 2 ** 20]); };
      const t0 = performance.now(); const e0 = performance.eventLoopUtilization();
      const out = await lib.study(${JSON.stringify(study)}, { outDir: ${JSON.stringify(dir)}, workers: 2, onProgress });
      const mainUs = performance.eventLoopUtilization(e0).active * 1000 / out.total; const busy = 100 * out.workerMs / (2 * out.elapsedMs);
      const s = (performance.now() - t0) / 1000;
      clearInterval(sample); gc();
      console.log(JSON.stringify({ cells: out.total, s, rssMB: process.resourceUsage().maxRSS / 1024, heapMB: heap / 2 ** 20, youngMB: young / 2 ** 20, liveMB: process.memoryUsage().heapUsed / 2 ** 20, trace, mainUs, busy }));`));
  const memorySizes = [200, 2000, 10_000];
  const memoryBounded = memorySizes.map((seeds) => memoryOf(bounded(seeds)));
  const memory = memorySizes.map((seeds) => memoryOf(perSeedFits(seeds)));
  const memoryRow = (m: Memory) => ({ cells: m.cells, seconds: m.s, 'max RSS MB': m.rssMB, 'main heap, largest MB': m.heapMB, 'its young generation, largest MB': m.youngMB, 'main heap, live at the end MB': m.liveMB, 'main thread busy, µs per cell': m.mainUs, 'workers busy, %': m.busy });
  const longest = memoryBounded[memoryBounded.length - 1];

  return [
    '## Studies: worker pool, per-cell overhead, memory', '',
    `Each figure is the median of fresh processes (3 for throughput, ${OVERHEAD_ROUNDS} interleaved rounds for the overhead; pool start included) writing into a fresh folder under the repository's out/ (on disk) unless said.`, '',
    `Throughput: ${medium.base.m} neurons, ${cells} cells (ε over 4 decades × 20 seeds, mean field, 40 output times).`, '',
    table([
      { case: 'study, 1 worker', seconds: s1, 'cells/s': cells / s1, 'speed-up': 1 },
      { case: 'study, 2 workers', seconds: s2, 'cells/s': cells / s2, 'speed-up': s1 / s2 },
      { case: 'bare run() calls, 1 process', seconds: b1, 'cells/s': cells / b1, 'speed-up': 1 },
      { case: 'bare run() calls, 2 processes at once (half the cells each)', seconds: b2, 'cells/s': cells / b2, 'speed-up': b1 / b2 },
    ]), '',
    `The pool's speed-up is ${fmt((s1 / s2) / (b1 / b2) * 100)}% of what this machine gives two processes with nothing shared (the bare rows; no pool start, no files).`, '',
    `Overhead: small cells (m = 4, 20 output times) as bare in-process \`run()\` calls against \`study()\` at 1 worker (validation of every cell, keys, pool messages, a result file per cell, the table, summaries and charts), at 100 and 1000 cells. A cell's marginal cost is the time added per cell from 100 to 1000 cells; the fixed cost is the rest of the 1000-cell time.`, '',
    table([
      { case: 'bare run() calls', '100 cells, s': med(bareRuns[100]), '1000 cells, s': bare, 'ms per cell added': bareSplit.perCell * 1000, 'the worker\'s busy ms per cell added': '', 'fixed, s': bareSplit.fixed, 'CPU ms per cell added (all threads)': bareCpuSplit.perCell * 1000 },
      { case: 'study, 1 worker', '100 cells, s': med(studyRuns[100]), '1000 cells, s': viaStudy, 'ms per cell added': studySplit.perCell * 1000, 'the worker\'s busy ms per cell added': studyWorkerSplit.perCell * 1000, 'fixed, s': studySplit.fixed, 'CPU ms per cell added (all threads)': studyCpuSplit.perCell * 1000 },
      ...(memorySplit ? [{ case: `study, 1 worker, folder in memory (${memoryRoot})`, '100 cells, s': med(memoryRuns[100]), '1000 cells, s': inMemory!, 'ms per cell added': memorySplit.perCell * 1000, 'the worker\'s busy ms per cell added': memoryWorkerSplit!.perCell * 1000, 'fixed, s': memorySplit.fixed, 'CPU ms per cell added (all threads)': '' }] : []),
    ]), '',
    `Per-cell overhead (a cell's marginal cost against a bare run()'s): ${fmt(100 * (studySplit.perCell / bareSplit.perCell - 1))}% in wall time${memorySplit ? `, ${fmt(100 * (memorySplit.perCell / bareSplit.perCell - 1))}% with the folder in memory` : ''}; in CPU time of all threads (the main thread's share runs beside the worker) ${fmt(100 * (studyCpuSplit.perCell / bareCpuSplit.perCell - 1))}%. Fixed cost of a study over bare calls: ${fmt(studySplit.fixed - bareSplit.fixed)} s. In all, the 1000-cell study takes ${fmt(100 * (viaStudy / bare - 1))}% longer than the bare calls.`, '',
    `The worker's busy time (StudyOutcome.workerMs: its chunks, each from when it takes it up to its answer, which includes making each cell's result text) per cell added: ${fmt(studyWorkerSplit.perCell * 1000)} ms with the folder on disk${memoryWorkerSplit ? `, ${fmt(memoryWorkerSplit.perCell * 1000)} ms in memory` : ''}, against ${fmt(bareSplit.perCell * 1000)} ms for a bare call (${signed(100 * (studyWorkerSplit.perCell / bareSplit.perCell - 1))}% on disk${memoryWorkerSplit ? `, ${signed(100 * (memoryWorkerSplit.perCell / bareSplit.perCell - 1))}% in memory` : ''}: what a cell costs once the study runs, its next chunk waiting in its lane; the rest of a cell's marginal time is the study's start and end, which grow with its cells: every cell checked before the first runs, and the summaries, whose per-seed fits here grow with the seeds). ${memoryWorkerSplit ? `In memory the worker computed ${fmt(100 * memoryWorkerSplit.perCell / memorySplit!.perCell)}% of a cell's marginal time; on disk ${fmt(100 * studyWorkerSplit.perCell / studySplit.perCell)}%, and its cells' time on disk differed by ${signed(100 * (studyWorkerSplit.perCell / memoryWorkerSplit.perCell - 1))}% from in memory (the same cells; beside them the main thread creates their files on the other core, kernel work that slows them where a file is slow to create: below).` : ''}`, '',
    `The main thread was busy ${fmt(studyMainSplit.perCell * 1e6)} µs per cell added with the folder on disk${memoryMainSplit ? `, ${fmt(memoryMainSplit.perCell * 1e6)} µs in memory` : ''} (its event loop's active time: each cell made and sent, its result file written, its row and its share of the summary). Every cell goes through this one thread, so a study runs at most ${fmt(1 / studyMainSplit.perCell)} cells per second on this disk${memoryMainSplit ? ` (${fmt(1 / memoryMainSplit.perCell)} in memory)` : ''}, with any number of workers: with cells shorter than the workers' number times that, the workers wait for it.`, '',
    `A process of bare run() calls keeps ${fmt(bareCpuSplit.perCell / bareSplit.perCell)} cores busy per cell added: V8 compiles and collects garbage on threads beside the one that runs the cells, which here take part of the second core. In a study at one worker, the main thread (each cell's file and row) shares that core with the worker's own such threads.`, '',
    'Per-cell overhead by the size of the cells (on disk; the larger cells: m = 32, at 50 and 500 cells, in the same rounds):', '',
    table([
      { cells: 'm = 4 (the rows above)', 'bare run(), ms per cell added': bareSplit.perCell * 1000, 'study, ms per cell added': studySplit.perCell * 1000, 'µs added per cell': (studySplit.perCell - bareSplit.perCell) * 1e6, overhead: `${fmt(100 * (studySplit.perCell / bareSplit.perCell - 1))}%` },
      { cells: 'm = 32', 'bare run(), ms per cell added': bareLargerSplit.perCell * 1000, 'study, ms per cell added': studyLargerSplit.perCell * 1000, 'µs added per cell': (studyLargerSplit.perCell - bareLargerSplit.perCell) * 1e6, overhead: `${fmt(100 * (studyLargerSplit.perCell / bareLargerSplit.perCell - 1))}%` },
    ]), '',
    `The per-cell overhead taken in each round from its own runs (${OVERHEAD_ROUNDS} rounds; a cell's marginal cost in the study against the bare calls' of the same round):`, '',
    table(pairedRows.map((p) => ({ cells: p.cells, 'median, %': p.runs.median, 'least, %': p.runs.min, 'most, %': p.runs.max }))), '',
    ...(memoryRoot ? ['The ε × seed grid\'s summary holds, for every seed, a fit of each t_k across ε (100 fits at 1000 cells, 10 at 100), most of them made as the last cells come in, and written out at the end, which grows with them: its rows count that analysis in a cell\'s marginal time. The init.a.scale × seeds grid (same cells, ε fixed at 0.01, in the same rounds against its own bare calls) has a summary of 10 groups whatever the number of seeds: what the study machinery itself adds.', ''] : []),
    'What one result file costs to write (a temporary file, then a rename; 500 in a loop, nothing else running in the process), by folder:', '',
    table(creates.map((c) => ({ folder: c.where, 'µs per file': c.us }))), '',
    `The main thread writes the files while the worker computes: at one worker, the worker does not wait for them while the main thread keeps up, but its own cells run slower beside them (the worker's busy time above); at two workers on two cores they share the cores with the cells. What a file costs on this disk is the file system's work, not the study's, and it changes from minute to minute: ${fmt(creates[0].us)} µs in this run (the table above), and 0.02 to 0.44 ms per file in back-to-back loops of 2000 creates in fresh folders, in whatever folder. In earlier runs of this bench where it cost 0.28 ms, a small cell's marginal time on disk was 24–36% over the bare calls' (the main thread, busy 0.5–0.7 ms per cell, then barely kept up). It is kernel CPU time, not waiting (the process's CPU time equals its wall time in such a loop), no faster from two or four threads at once. A kernel profile (perf) of a slow loop (0.25 ms per file) put 53% of its time in ext4's search for a free inode (find_inode_bit), nearly all of it checking whether each free inode met was freed in the last minutes (recently_deleted, which ext4 runs only without a journal, as on this machine's root); openat took 82% of the loop's time in system calls (strace). Deletions are what make it slow: after 100 000 files were deleted, loops of 2000 creates in fresh folders cost 206–281 µs per file for two minutes, then 29–95 µs from the third minute on. In this bench, with each study folder on disk deleted after its study (some 18 000 files over the rounds), creating a file cost 152–169 µs and a small cell's marginal time on disk was 29% over the bare calls', in two runs; with the folders kept until the end, 61–88 µs and 6–9%, in two runs (yet five studies with their 1000-file folders deleted between them, against five with them kept, showed no difference: which deletions slow which creates is the kernel's affair). So the bench deletes nothing on a disk until it ends, and its memory studies below keep their folders in memory; its disk figures still depend on what the machine deleted in the minutes before it started (a test suite, an earlier run's folders).`, '',
    'Where the main thread\'s time per cell went, and goes (µs per cell, best of 5 over the 500 cells, in one process):', '',
    table([
      { part: 'a cell\'s config validated and its canonical JSON', before: parts.whole, now: parts.parts, how: 'the whole config parsed per cell → only the fields the axes set, then the rules between fields' },
      { part: 'is its result file there?', before: parts.open, now: parts.listing, how: 'a failed open per cell → one listing of runs/' },
    ]), '',
    `Gone from the main thread besides: three of the four validations of each cell (the run loop, the worker and the table each made the cell again through the whole schema), reading every result file back for the table at the end (rows now stream in cell order as outcomes arrive), and one pool message per cell (cells go in chunks of about ${CHUNK_MS} ms of work, each queued in its thread's lane while the thread runs the one before).`, '',
    `Peak memory: tiny cells (m = 2, 3 output times), 2 workers, the study folder ${memoryRoot ? `in memory (${memoryRoot}; its files are not the process's memory)` : 'on disk'}; max RSS of the whole process (main thread, both workers, their Wasm memories), and the main thread's V8 heap: its largest size during the study and what a full collection keeps at the end.`, '',
    `A grid whose outputs stay bounded (init.a.scale: 10 values × seeds; the summary has 10 groups of seeds, each chart 10 points), so that all the memory is the study's own:`, '',
    table(memoryBounded.map(memoryRow)), '',
    `At ${longest.cells} cells the workers were busy ${fmt(longest.busy)}% of the time, ${fmt(longest.busy / 100 * 2 * longest.s * 1e6 / longest.cells)} µs of a worker per cell, and the main thread ${fmt(longest.mainUs)} µs per cell: two workers finish a cell every ${fmt(longest.busy / 100 * longest.s * 1e6 / longest.cells)} µs and the main thread handles one every ${fmt(longest.mainUs)} µs; with cells this small, the slower of the two sets the pace.`, '',
    `The RSS as the ${longest.cells}-cell study went (at every tenth of its cells):`, '',
    table([Object.fromEntries([['', 'RSS MB'], ...longest.trace.map(([done, mb]) => [`${done} cells`, mb])])]), '',
    `From ${longest.trace[1][0]} cells on, the RSS stayed between ${fmt(Math.min(...longest.trace.slice(1).map(([, mb]) => mb)))} and ${fmt(Math.max(...longest.trace.slice(1).map(([, mb]) => mb)))} MB, rising and falling with V8's collections: the study holds nothing per cell (results stream to their files, rows to the table, at most a window of cells waits in the reorder buffer), and what a full collection keeps at the end is the same at every size (during the run the study also holds the seed values that the 95% intervals need, 8 bytes per cell and value). The rise is V8 sizing the main thread's heap to the study's pace: its young generation, 16 MB at the start, doubles once some 8 MB in all have survived its collections, which any long study reaches; its old generation takes garbage until the next full collection, whose threshold V8 sets from what was live at the last one. Neither grows with the cells past that. (The workers' young generations are capped at 8 MB by resourceLimits; the main thread's heap belongs to the host process and is left alone. Capping it with --max-semi-space-size, tried, moved the same growth into the old generation.)`, '',
    'The grid ε × seeds, whose summary holds one ε fit per seed (what it is asked for: 3.6 MB as compact JSON at 20 000 cells, 18 MB at 100 000), so that the output itself grows with the cells:', '',
    table(memory.map(memoryRow)), '',
    'Here what is live at the end grows by that summary, and the peak with it.',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${await run()}\n`);
