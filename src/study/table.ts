// The study table, one CSV row per cell: each axis under its dotted path, then retcode,
// risk, t_0..t_D, steps, wallMs and file. Numbers are written as String(x), JavaScript's
// shortest form that reads back to the same double; empty fields mean "none" (a learning
// time not reached, a cell that threw). Text and JSON values are quoted as RFC 4180 says.
// A Node study writes it as the cells finish (TableWriter); a browser study keeps the same
// lines in memory (browser.ts).
import { nodeFs } from '../io/node-fs.js';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { writeJSONPieces } from '../io/json-pieces.js';
import type { CellOutcome } from './cell.js';
import { temporaryName } from './folder.js';
import type { StudyPlan } from './plan.js';
import { studyReport } from './report.js';
import { StudyPoints, type StudySummary } from './summary.js';

export interface StudyRow {
  index: number;
  values: unknown[];
  outcome: CellOutcome;
  /** The result file, relative to the study folder (empty in memory). */
  file: string;
}

export function tableHeader(paths: string[], maxDegree: number): string[] {
  return [...paths, 'retcode', 'risk', ...Array.from({ length: maxDegree + 1 }, (_, k) => `t_${k}`), 'steps', 'wallMs', 'file'];
}

export function tableFields(row: StudyRow, maxDegree: number): string[] {
  const { outcome: o } = row;
  return [
    ...row.values.map(field), o.retcode, field(o.risk),
    ...Array.from({ length: maxDegree + 1 }, (_, k) => field(o.learningTimes[k] ?? null)),
    field(o.steps), field(o.wallMs), row.file,
  ];
}

/** One CSV line (with its newline). */
export function csvLine(fields: string[]): string {
  return `${fields.map(quote).join(',')}\n`;
}

function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Splits CSV text into rows of fields (the inverse of csvLine, for reading tables back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cur); cur = ''; } else if (c === '\n') { row.push(cur); rows.push(row); row = []; cur = ''; } else if (c !== '\r') cur += c;
  }
  if (cur !== '' || row.length) { row.push(cur); rows.push(row); }
  return rows;
}

/** Characters of CSV gathered before each write to the temporary file. */
const FLUSH_CHARS = 1 << 16;

/**
 * The table of a Node study: rows arrive in any order, wait in a reorder buffer, and go out
 * in cell order to a temporary file beside the table; at the end that file becomes
 * DIR/table.csv (whole or not at all), with the summaries and charts. The runner keeps the
 * buffer within a window of cells (node.ts).
 */
export class TableWriter {
  private readonly points: StudyPoints;
  private readonly waiting = new Map<number, StudyRow>();
  /** The next cell to go out. */
  private next = 0;
  private readonly tmp: string;
  private fd: number | undefined;
  private pending = '';

  constructor(private readonly plan: StudyPlan, private readonly dir: string) {
    this.points = new StudyPoints(plan.axes, plan.maxDegree);
    this.tmp = `${dir}/${temporaryName('table.csv', 'rows')}`;
    this.fd = nodeFs().openSync(this.tmp, 'w');
    this.pending = csvLine(tableHeader(plan.axes.map((a) => a.path), plan.maxDegree));
  }

  /** Cells before this one have all gone out. */
  get written(): number {
    return this.next;
  }

  /** Takes cell `index`'s axis values and outcome (`file`: its result file, relative to the folder); writes every row now in order. */
  add(index: number, values: unknown[], outcome: CellOutcome, file: string): void {
    this.waiting.set(index, { index, values, outcome, file });
    for (let row = this.waiting.get(this.next); row; row = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      this.points.add(row.values, row.outcome);
      this.pending += csvLine(tableFields(row, this.plan.maxDegree));
      if (this.pending.length >= FLUSH_CHARS) this.flush();
    }
  }

  private flush(): void {
    nodeFs().writeSync(this.fd!, this.pending);
    this.pending = '';
  }

  /** Writes DIR/table.csv, summary.json, summary.md, t_k.svg and study.json once every cell has gone out. */
  finish(input: unknown): StudySummary {
    if (this.next !== this.plan.size) throw new Error(`the table lacks cell ${this.next} of ${this.plan.size}`);
    const fs = nodeFs();
    this.flush();
    fs.closeSync(this.fd!);
    this.fd = undefined;
    // copied rather than renamed: a table.csv that is a symbolic link is written through, as every output is
    writeStreamAtomic(`${this.dir}/table.csv`, (write) => {
      const fd = fs.openSync(this.tmp, 'r');
      try {
        const buffer = new Uint8Array(1 << 20);
        for (let n; (n = fs.readSync(fd, buffer)) > 0;) write(buffer.subarray(0, n));
      } finally {
        fs.closeSync(fd);
      }
    });
    this.discard();
    const { summary, markdown, charts } = studyReport(this.points);
    // written in pieces: the summary of a large ε × seed grid is tens of MB of JSON
    writeStreamAtomic(`${this.dir}/summary.json`, (write) => {
      writeJSONPieces(summary, write, 1);
      write('\n');
    });
    writeFileAtomic(`${this.dir}/summary.md`, markdown);
    for (const { name, svg } of charts) writeFileAtomic(`${this.dir}/${name}`, svg);
    // as written: the order of the grid's axes is the order of the cells
    writeFileAtomic(`${this.dir}/study.json`, `${JSON.stringify(input, null, 1)}\n`);
    return summary;
  }

  /** Removes the temporary rows (a study stopped, or the table written). */
  discard(): void {
    const fs = nodeFs();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.tmp, { force: true });
  }
}
