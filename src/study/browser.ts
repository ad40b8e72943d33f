// A study in a browser: the same cells, validated the same way, run by the same pool and
// worker script as in Node but on Web Workers (one per hardware thread, one Wasm instance
// each), and the table, summary and charts returned in memory — no result files, no keys.
// Nothing here imports a Node built-in.
import { loadCore } from '../wasm/loader.js';
import type { StudyInput } from './spec.js';
import { outcomeOf, type CellOutcome } from './cell.js';
import { planStudy, type StudyAxis } from './plan.js';
import { studyReport } from './report.js';
import { StudyPoints, type StudySummary } from './summary.js';
import { csvLine, tableFields, tableHeader, type StudyRow } from './table.js';
import { Pool } from './pool.js';
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
  const plan = planStudy(input, await loadCore());
  const n = Math.max(1, Math.min(options.workers ?? globalThis.navigator?.hardwareConcurrency ?? 2, plan.size));
  const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
  const pool = new Pool(n, (answer, fail) => {
    const w = new Worker(url, { type: 'module' });
    w.onmessage = ({ data }: MessageEvent<Answer>) => answer(data);
    w.onerror = (e) => fail(new Error(`study worker: ${e.message}`));
    return { post: (task) => w.postMessage(task), terminate: () => w.terminate() };
  });
  const outcomes = new Array<CellOutcome>(plan.size);
  const start = Date.now();
  const running = new Set<Promise<void>>();
  let done = 0;
  let failure: unknown;
  const stop = () => { void pool.close(); };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let i = 0; i < plan.size && !options.signal?.aborted && failure === undefined; i++) {
      const task = pool.run(plan.cell(i).config).then(({ text }) => {
        outcomes[i] = outcomeOf(JSON.parse(text) as object);
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
  const points = new StudyPoints(plan.axes, plan.maxDegree);
  const rows: StudyRow[] = [];
  let csv = csvLine(tableHeader(plan.axes.map((a) => a.path), plan.maxDegree));
  for (let i = 0; i < plan.size; i++) {
    const row = { index: i, values: plan.cell(i).values, outcome: outcomes[i], file: '' };
    rows.push(row);
    points.add(row.values, row.outcome);
    csv += csvLine(tableFields(row, plan.maxDegree));
  }
  return { axes: plan.axes, maxDegree: plan.maxDegree, rows, csv, ...studyReport(points) };
}
