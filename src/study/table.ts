// The study table, one CSV row per cell: each axis under its dotted path, then retcode,
// risk, t_0..t_D, steps, wallMs and file. Numbers are written as String(x), JavaScript's
// shortest form that reads back to the same double; empty fields mean "none" (a learning
// time not reached, a cell that threw). Text and JSON values are quoted as RFC 4180 says.
// A row is read from the text of the cell's result document, so a study run on threads, in
// a browser or resumed from its files writes the same rows.
import type { Theory } from '../analysis/theory.js';
import { StudyPoints } from '../analysis/study-summary.js';
import type { StudyAxis } from './plan.js';

/** What the table keeps of a run. `retcode` is the run's, or "error" for a cell that threw. */
export interface CellOutcome {
  retcode: string;
  /** The risk at the last output time reached (null: none reached, or the cell threw). */
  risk: number | null;
  /** t_0..t_degrees (null: not reached). */
  learningTimes: (number | null)[];
  /** The theory's leading-order t_0 and t_1 (docs/theory.md §4–5), for the summary's fits; absent for a cell that threw. */
  timeScales?: Theory['timeScales'];
  steps: number | null;
  wallMs: number | null;
  message?: string;
}

/** The row fields of a result document (as `timescales run` writes it, or a cell's error record). */
export function outcomeOf(doc: object): CellOutcome {
  const d = doc as { retcode: string; risk?: number[]; learningTimes?: (number | null)[]; theory?: Theory; stats?: { steps: number; wallMs: number }; message?: string };
  const risk = d.risk && d.risk.length ? d.risk[d.risk.length - 1] : null;
  return {
    retcode: d.retcode, risk, learningTimes: d.learningTimes ?? [],
    ...(d.theory === undefined ? {} : { timeScales: d.theory.timeScales }),
    steps: d.stats?.steps ?? null, wallMs: d.stats?.wallMs ?? null,
    ...(d.message === undefined ? {} : { message: d.message }),
  };
}

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

/**
 * The table in cell order, from rows that arrive in any order: a row waits until every row
 * before it is in, then its CSV line goes to `write` (the header line first) and its
 * numbers to `points`, the summary's store. The runner keeps the wait within a window of
 * cells (node.ts).
 */
export class Table {
  readonly points: StudyPoints;
  private readonly waiting = new Map<number, StudyRow>();
  private next = 0;

  constructor(axes: StudyAxis[], private readonly maxDegree: number, private readonly write: (line: string, row?: StudyRow) => void) {
    this.points = new StudyPoints(axes, maxDegree);
    write(csvLine(tableHeader(axes.map((a) => a.path), maxDegree)));
  }

  /** Rows gone out: every cell before this index. */
  get written(): number {
    return this.next;
  }

  add(row: StudyRow): void {
    this.waiting.set(row.index, row);
    for (let r = this.waiting.get(this.next); r; r = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      this.points.add(r.values, r.outcome);
      this.write(csvLine(tableFields(r, this.maxDegree)), r);
    }
  }
}
