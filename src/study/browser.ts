// A study in a browser: the same cells, validated the same way, run on Web Workers (one
// per hardware thread, one Wasm instance each) by the same worker script as Node's
// threads, and the table, summary and charts returned in memory — no result files, no
// keys. Each worker is sent its next cell when it answers one. Nothing here imports a Node
// built-in.
import { loadCore } from '../wasm/loader.js';
import type { StudyInput } from './spec.js';
import { outcomeOf, type CellOutcome } from './cell.js';
import { planStudy, type StudyAxis } from './plan.js';
import { studyReport } from './report.js';
import { StudyPoints, type StudySummary } from './summary.js';
import { csvLine, tableFields, tableHeader, type StudyRow } from './table.js';
import type { Answer, Task } from './worker.js';

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
  const workers = Array.from({ length: n }, () => new Worker(url, { type: 'module' }));
  const outcomes = new Array<CellOutcome>(plan.size);
  const start = Date.now();
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = () => reject(options.signal!.reason);
      if (options.signal?.aborted) return stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      const feed = (w: Worker) => {
        if (next < plan.size) {
          const i = next++;
          w.postMessage({ id: i, config: plan.cell(i).config } satisfies Task);
        }
      };
      for (const w of workers) {
        w.onmessage = ({ data }: MessageEvent<Answer>) => {
          outcomes[data.id] = outcomeOf(JSON.parse(data.text) as object);
          done++;
          options.onProgress?.({ done, total: plan.size, elapsedMs: Date.now() - start });
          if (done === plan.size) resolve();
          else feed(w);
        };
        w.onerror = (e) => reject(new Error(`study worker: ${e.message}`));
        feed(w);
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
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
