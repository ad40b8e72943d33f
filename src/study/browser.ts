// A study in a browser: the same cells, validated the same way, run by the same pool and
// worker script as in Node but on Web Workers (one per hardware thread, one Wasm instance
// each), and the table, summary and charts returned in memory — no result files, no keys.
// Nothing here imports a Node built-in.
import { studyReport } from '../analysis/study-report.js';
import type { StudySummary } from '../analysis/study-summary.js';
import { loadCore } from '../wasm/loader.js';
import { planStudy, type StudyAxis } from './plan.js';
import { Pool, workerCount } from './pool.js';
import type { StudyInput } from './spec.js';
import { outcomeOf, Table, type StudyRow } from './table.js';
import type { Answer } from './worker.js';

export interface BrowserStudyOptions {
  /** Web Workers (default: navigator.hardwareConcurrency). */
  workers?: number;
  onProgress?(p: { done: number; total: number; elapsedMs: number }): void;
  /** Aborting terminates the workers; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The worker script (default: worker.js beside this module). */
  workerUrl?: URL | string;
}

export interface BrowserStudy {
  axes: StudyAxis[];
  maxDegree: number;
  /** In cell order; `file` is empty. */
  rows: StudyRow[];
  /** table.csv as Node writes it, with an empty file column. */
  csv: string;
  summary: StudySummary;
  markdown: string;
  charts: { name: string; svg: string }[];
}

/** Runs a study file (parsed JSON) on Web Workers; throws ConfigError before anything runs if a cell is invalid. */
export async function studyInBrowser(input: StudyInput, options: BrowserStudyOptions = {}): Promise<BrowserStudy> {
  const requested = workerCount(options.workers, globalThis.navigator?.hardwareConcurrency ?? 2);
  const plan = planStudy(input, await loadCore());
  const n = Math.min(requested, plan.size);
  const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
  const pool = new Pool(n, (answer, fail) => {
    const w = new Worker(url, { type: 'module' });
    w.onmessage = ({ data }: MessageEvent<Answer>) => answer(data);
    w.onerror = (e) => fail(new Error(`study worker: ${e.message}`));
    return { post: (task) => w.postMessage(task), terminate: () => w.terminate() };
  });
  const rows: StudyRow[] = [];
  let csv = '';
  const table = new Table(plan.axes, plan.maxDegree, (line, row) => {
    csv += line;
    if (row) rows.push(row);
  });
  const start = Date.now();
  const running = new Set<Promise<void>>();
  let done = 0;
  let failure: unknown;
  const stop = () => { void pool.close(); };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let i = 0; i < plan.size && !options.signal?.aborted && failure === undefined; i++) {
      const { values, config } = plan.cell(i);
      const task = pool.run(config).then(({ text }) => {
        table.add({ index: i, values, outcome: outcomeOf(JSON.parse(text) as object), file: '' });
        options.onProgress?.({ done: ++done, total: plan.size, elapsedMs: Date.now() - start });
      }).catch((e: unknown) => { failure ??= e; }).finally(() => running.delete(task));
      running.add(task);
      while (!pool.room && running.size) await Promise.race(running);
    }
    await Promise.all(running);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await pool.close();
  }
  options.signal?.throwIfAborted();
  if (failure !== undefined) throw failure;
  return { axes: plan.axes, maxDegree: plan.maxDegree, rows, csv, ...studyReport(table.points) };
}
