// study(file, {outDir, workers, shard}) in Node: validate every cell, run the cells not
// yet done on a pool of worker threads (workerpool, one Wasm instance per thread, fed
// through a lane each: lanes.ts), each result written to DIR/runs/<key>.json whole or not
// at all by the main thread as the workers' chunks come back, and — unless this process
// is one shard of several — the table streamed in cell order as outcomes arrive (cells
// found done are read back from their files), then the summaries and the charts. Cells
// are made from their index, go to the workers in chunks, and are sent no further than a
// window past the oldest unfinished one, so memory does not grow with the number of cells.
// It starts by removing the temporary files of killed study processes of this host
// (leftovers.ts). Node built-ins and the pool are reached at call time only, so importing
// the library in a browser never loads them.
//
// Measured at 500 cells of 1.2 ms (m = 4), before these choices: each cell validated four
// times through the whole schema (up front, in the run loop, in the worker, for the table;
// about 0.15 ms each), a failed open per cell to see whether it was done (35 µs), one
// pool message per cell (its round trip left the worker idle about 0.25 ms per cell),
// and every result file read back at the end for the table (0.45 ms per cell, serial),
// and each result file written by the worker after its cell: on an ext4 disk that took
// 0.23–0.33 ms per cell between cells, against 0.04 ms for the same creates in a loop
// alone. Written by the main thread, mostly idle beside the workers, a file costs the
// worker nothing but the text's copy in the chunk's answer. One writer also suits the
// file system: creating files in one folder from two threads at once (each worker writing
// its own, tried again with 20 000 tiny cells at two workers) spent twice the kernel time
// on this disk (10–11 s against 3–5 s) and took 7–8 s against 3.4–6 s; in memory, the same.
import type { Pool } from 'workerpool';
import { nodeFs } from '../io/node-fs.js';
import type { RunConfig } from '../config.js';
import { type Core, loadCore } from '../wasm/loader.js';
import type { StudyInput } from './spec.js';
import { outcomeOf } from './cell.js';
import { ChunkSizer } from './chunks.js';
import { DEPTH, Lanes } from './lanes.js';
import { removeLeftovers } from './leftovers.js';
import { planStudy, type StudyPlan } from './plan.js';
import { readResult, resultFile, RUNS_DIR, writeResult } from './results.js';
import { TableWriter } from './rows.js';
import type { Shard } from './shard.js';
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
  /** Threads in the pool (0 when every cell was found done and none started). */
  workers: number;
  /**
   * Milliseconds the pool's threads spent on this call's cells, summed over threads (each
   * chunk from when its thread takes it up to its answer: its configs read, its cells run, their
   * texts made; a chunk cut short by a stop is not counted). Against `workers` × `elapsedMs`,
   * it says how busy the workers were: what is left is their start, their waits between
   * chunks, and the main thread's work after the last cell (the tables).
   */
  workerMs: number;
  /** Milliseconds from the call to its end. */
  elapsedMs: number;
  /** The summary, when tables were written (a run of the whole study that completed). */
  summary?: StudySummary;
}

/**
 * Most cells between the oldest unfinished one and the next one sent out: the rows wait
 * for the oldest in the table's reorder buffer (rows.ts), so this bounds the memory.
 */
export const WINDOW = 4096;

/**
 * Largest text buffer (worker.ts) sent back to be filled again: a chunk of 256 tiny cells
 * fills ~0.5 MB; a buffer grown for one large result is left to the collector rather than
 * kept for the rest of the study.
 */
const SPARE_BYTES = 1 << 22;

/**
 * The main thread's work between two turns of its event loop, in ms. Its long runs of work
 * (a chunk's answer: a file and a row per cell, 25–40 ms for 170 small cells in memory and
 * up to 75 ms on a disk; the next chunk's cells, each made from its index) are cut into slices, so
 * that an abort, or an answer that frees a lane for the next chunk, waits no longer than a
 * slice to be seen.
 */
const SLICE_MS = 2;

/** Young-generation size of each worker's heap, in MB (startPool). */
const YOUNG_MB = 8;

/** A study file (parsed JSON, or a path to one) run into `options.outDir`; throws ConfigError before anything runs if any cell is invalid. */
export async function study(studyFile: StudyInput | string, options: StudyOptions): Promise<StudyOutcome> {
  const called = Date.now();
  const fs = nodeFs();
  const input = typeof studyFile === 'string' ? JSON.parse(fs.readFileSync(studyFile, 'utf8')) : studyFile;
  const dir = options.outDir;
  const runs = `${dir}/${RUNS_DIR}`;
  const shard = options.shard ?? { index: 0, count: 1 };
  const cellsOf = (size: number) => (shard.index < size ? Math.ceil((size - shard.index) / shard.count) : 0);
  const workers = Math.max(1, Math.floor(options.workers ?? defaultWorkers()));
  // The pool's module is loaded beside the core: creating the pool is then synchronous.
  const [core, { default: workerpool }] = await Promise.all([loadCore(), import('workerpool')]);
  // One listing of runs/ instead of a failed open per cell (about 35 µs each, measured):
  // the names of the files there now (none in a new study; about 100 bytes per cell found
  // done when resuming). A name listed is read and checked (readResult); one not listed
  // is computed. Shards running at once write disjoint cells.
  const listed = new Set(listing(runs));
  // With fewer files there than cells to do, some cell will be computed: the pool's threads
  // start (about 100 ms to their first cell, measured) while the main thread checks every
  // cell (25 ms for 500 cells, 180 ms for 20 000, cold). No cell goes to them before all
  // are checked; a bad study stops them unused.
  let pool: Pool | undefined;
  let plan: StudyPlan;
  let table: TableWriter | undefined;
  try {
    plan = planStudy(input, core, (size) => { if (listed.size < cellsOf(size)) pool = startPool(workerpool, workers, core); });
    fs.mkdirSync(runs, { recursive: true });
    for (const folder of [dir, runs]) removeLeftovers(folder);
    // The table is streamed in cell order as outcomes arrive, by the whole study's run only.
    table = shard.count === 1 ? new TableWriter(plan, dir) : undefined;
  } catch (e) {
    if (pool) await settleWithin(pool.terminate(true) as unknown as PromiseLike<void>, 10_000);
    throw e;
  }
  const total = cellsOf(plan.size);
  const outcome: StudyOutcome = { total, computed: 0, skipped: 0, failed: 0, interrupted: false, workers: 0, workerMs: 0, elapsedMs: 0 };
  const start = Date.now();
  const report = () => options.onProgress?.({ done: outcome.computed + outcome.skipped, total, computed: outcome.computed, elapsedMs: Date.now() - start });
  report();

  let closing: Promise<void> | undefined;
  /** Chunks sent and not yet handled (answered or not). */
  const inFlight = new Set<Promise<void>>();
  let lanes: Lanes | undefined;
  const sizer = new ChunkSizer(workers);
  let chunk: Pending[] = [];
  /** The workers' text buffers (worker.ts), written out and sent back with the next chunks: no more of them than chunks in flight. */
  const spares: Uint8Array[] = [];
  const aborted = () => options.signal?.aborted === true;
  let failure: unknown;
  const stopped = () => aborted() || failure !== undefined;
  const stop = () => { void pool?.terminate(true); };
  const { serialize } = globalThis.process.getBuiltinModule('node:v8');
  let slice = performance.now();
  /** SLICE_MS of work have passed since the event loop's last turn. */
  const sliceDone = () => performance.now() - slice >= SLICE_MS;
  /** A turn of the event loop. */
  const turn = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    slice = performance.now();
  };
  options.signal?.addEventListener('abort', stop, { once: true });

  const dispatch = () => {
    const cells = chunk;
    chunk = [];
    // The configs as bytes of the structured clone a message would carry (worker.ts): this
    // chunk waits in a thread's lane while the thread runs the one before.
    const configs = serialize(cells.map((c) => c.config!));
    for (const c of cells) c.config = undefined;
    const spare = spares.pop();
    // (v8.serialize's buffer is its own, not a slice of a shared pool: checked, as a transfer takes it away)
    const own = configs.byteOffset === 0 && configs.byteLength === configs.buffer.byteLength;
    const transfer = [...(own ? [configs.buffer] : []), ...(spare ? [spare.buffer] : [])];
    lanes ??= new Lanes(pool!, workers);
    const task = lanes.send(configs, spare, transfer).then(async (done) => {
      sizer.observe(cells.length, done.ms);
      outcome.workerMs += done.ms;
      for (let k = 0; k < cells.length; k++) {
        if (sliceDone()) await turn();
        if (stopped()) return; // the cells not written yet are computed again on resume
        const c = cells[k];
        const o = done.outcomes[k];
        writeResult(`${dir}/${c.file}`, done.bytes.subarray(k === 0 ? 0 : done.ends[k - 1], done.ends[k]));
        outcome.computed++;
        if (o.retcode !== 'success') outcome.failed++;
        table?.add(c.index, c.values, o, c.file);
      }
      if (done.bytes.buffer.byteLength <= SPARE_BYTES) spares.push(new Uint8Array(done.bytes.buffer));
      report();
    }).catch((e: unknown) => { if (!aborted()) failure ??= e; }); // settles either way: the loop sees `failure`
    const settled: Promise<void> = task.finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  };

  try {
    for (let i = shard.index; i < plan.size && !stopped(); i += shard.count) {
      if (sliceDone()) await turn();
      // Never more than WINDOW cells past the oldest unfinished one.
      while (table && i - table.written >= WINDOW && !stopped()) {
        if (chunk.length) dispatch();
        else await Promise.race(inFlight);
      }
      if (stopped()) break;
      const cell = plan.cell(i);
      const file = resultFile(cell);
      const name = file.slice(RUNS_DIR.length + 1);
      const done = listed.has(name) ? readResult(`${dir}/${file}`, cell) : null;
      if (done) {
        outcome.skipped++;
        const o = outcomeOf(done);
        if (o.retcode !== 'success') outcome.failed++;
        table?.add(i, cell.values, o, file);
        report();
        continue;
      }
      pool ??= startPool(workerpool, workers, core);
      chunk.push({ index: i, values: cell.values, config: cell.config, file });
      if (chunk.length >= sizer.size(Math.ceil((plan.size - i) / shard.count))) dispatch();
      // A chunk queued in each lane beside the one its thread runs, and the answers the main
      // thread is still writing out: at most one per thread more.
      while (lanes && (!lanes.room || inFlight.size >= (DEPTH + 1) * workers) && !stopped()) await Promise.race([...inFlight, lanes.arrival()]);
    }
    if (chunk.length && !stopped()) dispatch();
    await Promise.all(inFlight);
  } catch (e) {
    failure ??= e;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    // The threads are stopped at once: every chunk has been answered and written out (or the
    // study has stopped, its unwritten cells to be computed again); their lanes end with them.
    closing = pool && settleWithin(pool.terminate(true) as unknown as PromiseLike<void>, 10_000);
    if (stopped()) {
      await closing;
      table?.discard();
    }
  }
  if (failure !== undefined) throw failure;
  outcome.workers = pool ? workers : 0;
  if (aborted()) return { ...outcome, interrupted: true, elapsedMs: Date.now() - called };
  // Every result is in place (a chunk is answered once its files are): the threads exit
  // (about 30 ms) while the summaries are written.
  try {
    if (table) outcome.summary = table.finish(input);
  } finally {
    await closing;
  }
  outcome.elapsedMs = Date.now() - called;
  return outcome;
}

/** A cell waiting in the chunk being gathered. */
interface Pending {
  index: number;
  values: unknown[];
  /** Until the chunk is sent. */
  config?: RunConfig;
  /** runs/<key>.json. */
  file: string;
}

function defaultWorkers(): number {
  const os = globalThis.process.getBuiltinModule('node:os');
  return os.availableParallelism();
}

/** The names in folder `runs`, none if it does not exist yet. */
function listing(runs: string): string[] {
  try {
    return nodeFs().readdirSync(runs).filter((f) => f.endsWith('.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function startPool(workerpool: typeof import('workerpool'), workers: number, core: Core): Pool {
  // worker.ts and all it imports, as one file (scripts/build.mjs): a thread starts ~30 ms sooner.
  const script = nodeFs().realpathSync(new URL('../../dist/study/worker.bundle.js', import.meta.url));
  // The compiled module goes to each thread (a WebAssembly.Module is shared, not copied): no thread reads or compiles the file again.
  const workerData = core.module ? { module: core.module, variant: core.variant } : null;
  // V8 grows a heap's young generation (to 48 MB by default) as objects keep surviving its
  // collections, which in a long study they always do a little: a worker's heap went from
  // 27 to 60 MB over 10 000 tiny cells. Capped at YOUNG_MB, and with what a chunk holds kept
  // out of the heap (worker.ts), it stays between 17 and 30 MB over 100 000 tiny cells (a cap
  // of 4 MB measured slower and no smaller; 16 MB, 37–39 MB), with no measurable cost in CPU
  // time. This caps only the nursery, not what a cell may allocate (objects that outlive it
  // move to the old generation, which is not limited).
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_MB };
  let execArgv = workerFlags(process.execArgv);
  for (;;) {
    try {
      return workerpool.pool(script, { maxWorkers: workers, minWorkers: workers, workerType: 'thread', workerThreadOpts: { execArgv, workerData, resourceLimits } });
    } catch (e) {
      // Refused synchronously, before any thread starts, naming the flags: those are left out.
      const left = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? withoutRefused(execArgv, (e as Error).message) : execArgv;
      if (left.length === execArgv.length) throw e;
      execArgv = left;
    }
  }
}

/**
 * The process's Node flags, for the pool's threads (whose own execArgv replaces what they
 * would inherit), less --input-type, which is for `node -e` only and fails a thread started
 * from a file.
 */
export function workerFlags(execArgv: string[]): string[] {
  return execArgv.filter((a) => !a.startsWith('--input-type'));
}

/**
 * `execArgv` less the flags that a refusal names ("…invalid execArgv flags: --a=1, --b"):
 * V8's (--max-old-space-size…) and process-wide ones (--title…), which a thread may not be
 * given although they already hold for the whole process. With none recognised, none are kept.
 */
export function withoutRefused(execArgv: string[], message: string): string[] {
  const named = message.slice(message.lastIndexOf(':') + 1).split(',').map((f) => f.trim()).filter(Boolean);
  const refused = execArgv.filter((a) => named.includes(a));
  return refused.length ? execArgv.filter((a) => !refused.includes(a)) : [];
}

/** Waits for `p`, but not past `ms` (workerpool's terminate() never settles once a worker has died on start). */
async function settleWithin(p: PromiseLike<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.resolve(p).catch(() => {}), new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/**
 * Reads every cell's result in cell order and writes DIR/table.csv, summary.json,
 * summary.md, t_k.svg and study.json (the study file itself): the tables of a folder whose
 * cells are all done. Throws if a cell has no valid result (a shard not yet run).
 */
export function writeTables(plan: StudyPlan, dir: string, input: unknown): StudySummary {
  const table = new TableWriter(plan, dir);
  try {
    for (let i = 0; i < plan.size; i++) {
      const cell = plan.cell(i);
      const file = resultFile(cell);
      const doc = readResult(`${dir}/${file}`, cell);
      if (!doc) throw new Error(`cell ${i} has no valid result in ${dir}/${file}: run the study again to compute it`);
      table.add(i, cell.values, outcomeOf(doc), file);
    }
    return table.finish(input);
  } finally {
    table.discard();
  }
}
