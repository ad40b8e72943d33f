// study(file, {outDir, workers, shard}) in Node, one path: the study file is planned and
// every cell checked (plan.ts); each cell of this process is found done in DIR/runs or run
// on the pool's threads (pool.ts), its result file written whole by this thread; its row
// goes to the table (table.ts) from that file's text either way, so a resumed study's
// table is the one an uninterrupted run writes; at the end, the table, summary and charts.
// Node built-ins are reached at call time only, so importing the library in a browser
// never loads them.
import { studyReport } from '../analysis/study-report.js';
import type { StudySummary } from '../analysis/study-summary.js';
import { ConfigError } from '../errors.js';
import { nodeFs } from '../io/node-fs.js';
import { loadCore, type Core } from '../wasm/loader.js';
import { readResult, removeLeftovers, resultFile, RUNS_DIR, TableFile, writeReport, writeResult } from './folder.js';
import { planStudy, type Cell } from './plan.js';
import { Pool, type Spawn, workerCount } from './pool.js';
import type { StudyInput } from './spec.js';
import { outcomeOf, Table } from './table.js';

/** Which cells a process runs: all of them, or shard `index` of `count` — the cells whose index is ≡ index (mod count), so every shard gets a similar mix of the grid. */
export interface Shard {
  index: number;
  count: number;
}

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
  /** Threads in the pool (0 when every cell was found done and none started). */
  workers: number;
  /** Milliseconds the pool's threads spent on this call's cells, summed over threads (each cell from when its thread takes it up to its answer). */
  workerMs: number;
  /** Milliseconds from the call to its end. */
  elapsedMs: number;
  /** The summary, when tables were written (a run of the whole study that completed). */
  summary?: StudySummary;
}

/** Most cells between the oldest unfinished one and the next one sent: the reorder buffer of the table (table.ts) stays this small. */
export const WINDOW = 4096;

/** A study file (parsed JSON, or a path to one) run into `options.outDir`; throws ConfigError before anything runs if any cell is invalid. */
export async function study(studyFile: StudyInput | string, options: StudyOptions): Promise<StudyOutcome> {
  const called = Date.now();
  const shard = options.shard ?? { index: 0, count: 1 };
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new ConfigError('shard', 'must be {index, count} with integers 0 ≤ index < count', shard);
  }
  const workers = workerCount(options.workers, globalThis.process.getBuiltinModule('node:os').availableParallelism());
  const fs = nodeFs();
  const input = typeof studyFile === 'string' ? JSON.parse(fs.readFileSync(studyFile, 'utf8')) : studyFile;
  const core = await loadCore();
  const plan = planStudy(input, core);
  const dir = options.outDir;
  fs.mkdirSync(`${dir}/${RUNS_DIR}`, { recursive: true });
  for (const folder of [dir, `${dir}/${RUNS_DIR}`]) removeLeftovers(folder);
  // one listing rather than an open per cell: a cell whose file is not listed is computed
  const listed = new Set(fs.readdirSync(`${dir}/${RUNS_DIR}`));
  // the table is written by a run of the whole study only; shards leave it to the merge
  const tableFile = shard.count === 1 ? new TableFile(dir) : undefined;
  const table = tableFile && new Table(plan.axes, plan.maxDegree, tableFile.write);
  const total = shard.index < plan.size ? Math.ceil((plan.size - shard.index) / shard.count) : 0;
  const outcome: StudyOutcome = { total, computed: 0, skipped: 0, failed: 0, interrupted: false, workers: 0, workerMs: 0, elapsedMs: 0 };
  const progress = () => options.onProgress?.({ done: outcome.computed + outcome.skipped, total, computed: outcome.computed, elapsedMs: Date.now() - called });
  /** A finished cell: counted, and its row, from its result document, to the table. */
  const finished = (cell: Cell, file: string, doc: object) => {
    const o = outcomeOf(doc);
    if (o.retcode !== 'success') outcome.failed++;
    table?.add({ index: cell.index, values: cell.values, outcome: o, file });
    progress();
  };

  let pool: Pool | undefined;
  let failure: unknown;
  const running = new Set<Promise<void>>();
  const stopped = () => options.signal?.aborted === true || failure !== undefined;
  const stop = () => { void pool?.close(); };
  options.signal?.addEventListener('abort', stop, { once: true });
  progress();
  try {
    for (let i = shard.index; i < plan.size && !stopped(); i += shard.count) {
      const cell = plan.cell(i);
      const file = resultFile(cell);
      const found = listed.has(file.slice(RUNS_DIR.length + 1)) ? readResult(`${dir}/${file}`, cell) : null;
      if (found !== null) {
        outcome.skipped++;
        finished(cell, file, found);
        continue;
      }
      pool ??= new Pool(workers, nodeThreads(core));
      const task = pool.run(cell.config).then(({ text, ms }) => {
        if (stopped()) return; // not written: computed again on resume
        writeResult(`${dir}/${file}`, text);
        outcome.computed++;
        outcome.workerMs += ms;
        finished(cell, file, JSON.parse(text) as object);
      }).catch((e: unknown) => { failure ??= e; }).finally(() => running.delete(task));
      running.add(task);
      while ((!pool.room || (table && i + 1 - table.written >= WINDOW)) && running.size && !stopped()) await Promise.race(running);
    }
    await Promise.all(running);
  } catch (e) {
    failure ??= e;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await pool?.close();
    if (stopped()) tableFile?.discard();
  }
  outcome.workers = pool ? workers : 0;
  if (options.signal?.aborted) return { ...outcome, interrupted: true, elapsedMs: Date.now() - called };
  if (failure !== undefined) throw failure;
  if (table) {
    if (table.written !== plan.size) throw new Error(`the table lacks cell ${table.written} of ${plan.size}`);
    tableFile!.finish();
    const results = studyReport(table.points);
    writeReport(dir, results, input);
    outcome.summary = results.summary;
  }
  outcome.elapsedMs = Date.now() - called;
  return outcome;
}

/** Worker threads, each with a Wasm instance made from `core`'s compiled module. */
function nodeThreads(core: Core): Spawn {
  const { Worker } = globalThis.process.getBuiltinModule('node:worker_threads');
  // worker.ts and all it imports as one file (scripts/build.mjs): a thread starts sooner than from ~40 modules.
  const script = nodeFs().realpathSync(new URL('../../dist/study/worker.bundle.js', import.meta.url));
  // A WebAssembly.Module is shared with a thread, not copied: no thread compiles the core again.
  const workerData = core.module ? { module: core.module, variant: core.variant } : null;
  return (answer, fail) => {
    // None of the host's Node flags: the thread runs one self-contained file, and some flags
    // (--input-type from `node -e`, --unhandled-rejections=warn) would stop or hang it.
    const worker = new Worker(script, { workerData, execArgv: [] });
    worker.on('message', answer);
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a study worker thread exited (code ${code})`)));
    return { post: (task) => worker.postMessage(task), terminate: () => worker.terminate() };
  };
}
