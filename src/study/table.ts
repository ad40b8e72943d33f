// The study table, one CSV row per cell: each axis under its dotted path, then retcode,
// risk, t_0..t_D, steps, wallMs and file. Numbers are written as String(x), JavaScript's
// shortest form that reads back to the same double; empty fields mean "none" (a learning
// time not reached, a cell that threw). Text and JSON values are quoted as RFC 4180 says.
import type { CellOutcome } from './cell.js';

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
