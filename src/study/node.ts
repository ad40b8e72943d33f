// study(file, {outDir, workers, shard}) in Node: validate every cell, run the cells not
// yet done on a pool of worker threads (workerpool, one Wasm instance per thread), each
// result written to DIR/runs/<key>.json whole or not at all, then — unless this process
// is one shard of several — read the results back in cell order and write the table,
// the summaries and the charts. Cells are made from their index and results streamed
// through, so memory does not grow with the number of cells. Node built-ins and the
// pool are reached at call time only, so importing the library in a browser never
// loads them.
import type { Pool } from 'workerpool';
import { nodeFs } from '../io/node-fs.js';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { loadCore } from '../wasm/loader.js';
import { outcomeOf, type CellOutcome } from './cell.js';
import { planStudy, type StudyPlan } from './plan.js';
import { readResult, resultFile, RUNS_DIR } from './results.js';
import type { Shard } from './shard.js';
import { StudyTables } from './tables.js';
import type { StudySummary } from './summary.js';

export interface StudyProgress {
  /** Cells of this process done so far (run now or found done), of `total`. */
  done: number;
  total: number;
  /** Cells computed by this call (not found done). */
  computed: number;
  elapsedMs: number;
}

export interface StudyOptions {
  /** The study folder (made if missing). */
  outDir: string;
  /** Worker threads (default: the available cores). */
  workers?: number;
  /** Run only shard `index` of `count`; no tables are written. */
  shard?: Shard;
  onProgress?(p: StudyProgress): void;
  /** Aborting stops the workers at once; only whole result files remain. */
  signal?: AbortSignal;
}

export interface StudyOutcome {
  /** Cells of this process (all, or this shard's). */
  total: number;
  computed: number;
  /** Cells found done. */
  skipped: number;
  /** Cells of this process whose retcode is not "success" (computed now or before). */
  failed: number;
  /** True when stopped by the signal: the study is incomplete; run it again to resume. */
  interrupted: boolean;
  /** The summary, when tables were written (a run of the whole study that completed). */
  summary?: StudySummary;
}

/** A study file (parsed JSON, or a path to one) run into `options.outDir`; throws ConfigError before anything runs if any cell is invalid. */
export async function study(studyFile: unknown, options: StudyOptions): Promise<StudyOutcome> {
  const fs = nodeFs();
  const input = typeof studyFile === 'string' ? JSON.parse(fs.readFileSync(studyFile, 'utf8')) : studyFile;
  const plan = planStudy(input, await loadCore());
  const dir = options.outDir;
  fs.mkdirSync(`${dir}/${RUNS_DIR}`, { recursive: true });
  const shard = options.shard ?? { index: 0, count: 1 };
  const total = shard.index < plan.size ? Math.ceil((plan.size - shard.index) / shard.count) : 0;
  const outcome: StudyOutcome = { total, computed: 0, skipped: 0, failed: 0, interrupted: false };
  const start = Date.now();
  const report = () => options.onProgress?.({ done: outcome.computed + outcome.skipped, total, computed: outcome.computed, elapsedMs: Date.now() - start });
  report();

  const workers = Math.max(1, Math.floor(options.workers ?? defaultWorkers()));
  let pool: Pool | undefined;
  const inFlight = new Map<number, Promise<void>>();
  /** Cells in flight, by the name of their result file in runs/. */
  const running = new Set<string>();
  const aborted = () => options.signal?.aborted === true;
  let failure: unknown;
  const stop = () => { void pool?.terminate(true); };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let i = shard.index; i < plan.size && !aborted() && failure === undefined; i += shard.count) {
      const cell = plan.cell(i);
      const file = resultFile(cell);
      const path = `${dir}/${file}`;
      const done = readResult(path, cell);
      if (done) {
        outcome.skipped++;
        if (done.retcode !== 'success') outcome.failed++;
        report();
        continue;
      }
      pool ??= await startPool(workers);
      if (aborted()) break; // the abort may have come while the pool started
      const name = file.slice(RUNS_DIR.length + 1);
      running.add(name);
      // A native promise: workerpool's own never settles its finally() here.
      const task = Promise.resolve(pool.exec('runAndWrite', [cell.config, path]) as PromiseLike<CellOutcome>).then((o) => {
        outcome.computed++;
        if (o.retcode !== 'success') outcome.failed++;
        running.delete(name);
        report();
      }, (e) => { if (!aborted()) failure ??= e; });
      inFlight.set(i, task.finally(() => inFlight.delete(i)));
      if (inFlight.size >= 2 * workers) await Promise.race(inFlight.values());
    }
    await Promise.all(inFlight.values());
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (pool) await settleWithin(pool.terminate(aborted() || failure !== undefined) as unknown as PromiseLike<void>, 10_000);
    // A worker stopped between creating its temporary file and renaming it leaves that file
    // (.<name>.<pid>.part.tmp beside the target, results.ts): remove ours.
    if (running.size) removeTemporaries(`${dir}/${RUNS_DIR}`, running);
  }
  if (failure !== undefined) throw failure;
  if (aborted()) return { ...outcome, interrupted: true };
  if (shard.count === 1) outcome.summary = writeTables(plan, dir, input);
  return outcome;
}

function removeTemporaries(runs: string, names: Set<string>): void {
  const fs = nodeFs();
  const prefixes = [...names].map((n) => `.${n}.${process.pid}.`);
  for (const f of fs.readdirSync(runs)) {
    if (f.endsWith('.tmp') && prefixes.some((p) => f.startsWith(p))) fs.rmSync(`${runs}/${f}`, { force: true });
  }
}

function defaultWorkers(): number {
  const os = globalThis.process.getBuiltinModule('node:os');
  return os.availableParallelism();
}

async function startPool(workers: number): Promise<Pool> {
  const { default: workerpool } = await import('workerpool');
  const script = new URL('../../dist/study/worker.js', import.meta.url);
  // Threads inherit the process's Node flags, but not --input-type (for `node -e` only; a worker refuses it).
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  return workerpool.pool(nodeFs().realpathSync(script), { maxWorkers: workers, minWorkers: workers, workerType: 'thread', workerThreadOpts: { execArgv } });
}

/** Waits for `p`, but not past `ms` (workerpool's terminate() never settles once a worker has died on start). */
async function settleWithin(p: PromiseLike<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.resolve(p).catch(() => {}), new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/**
 * Reads every cell's result in cell order and writes DIR/table.csv, summary.json,
 * summary.md, t_k.svg and study.json (the study file itself). Throws if a cell has no
 * valid result (a shard not yet run).
 */
export function writeTables(plan: StudyPlan, dir: string, input: unknown): StudySummary {
  const tables = new StudyTables(plan.axes, plan.maxDegree);
  // Rows stream to the file as they are read: nothing here grows with the number of cells
  // but the summary's per-point accumulators.
  writeStreamAtomic(`${dir}/table.csv`, (write) => {
    write(tables.headerLine());
    for (let i = 0; i < plan.size; i++) {
      const cell = plan.cell(i);
      const file = resultFile(cell);
      const doc = readResult(`${dir}/${file}`, cell);
      if (!doc) throw new Error(`cell ${i} has no valid result in ${dir}/${file}: run the study again to compute it`);
      write(tables.add({ index: i, values: cell.values, outcome: outcomeOf(doc), file }));
    }
  });
  const { summary, markdown, charts } = tables.finish();
  writeFileAtomic(`${dir}/summary.json`, `${JSON.stringify(summary, null, 1)}\n`);
  writeFileAtomic(`${dir}/summary.md`, markdown);
  for (const { name, svg } of charts) writeFileAtomic(`${dir}/${name}`, svg);
  // As written: the order of the grid's axes is the order of the cells.
  writeFileAtomic(`${dir}/study.json`, `${JSON.stringify(input, null, 1)}\n`);
  return summary;
}
