// Shared by the study tests: a scratch folder, the CLI as a user runs it (with a
// deadline, so a hung child fails its test), small fast studies, and tables compared
// without their one run-dependent column (wallMs, the wall time of each cell).
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudyInput } from '../../src/study/spec.js';
import { CHILD_MS } from './budgets.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(repo, 'bin/timescales.mjs');

export function scratch(prefix: string): { dir: string; path(name: string): string; write(name: string, json: unknown): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `timescales-${prefix}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, json) => { const p = join(dir, name); writeFileSync(p, JSON.stringify(json)); return p; },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function cli(args: string[], options: SpawnSyncOptions = {}) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: CHILD_MS, ...options }) as ReturnType<typeof spawnSync> & { stdout: string; stderr: string };
}

/** A mean-field cell of a few milliseconds. */
export const smallBase = { m: 4, time: { start: 1e-6, end: 10, points: 20 }, degrees: 2, keepWeights: false };

/** 12 cells: ε × m × seed. */
export const smallStudy: StudyInput = {
  base: smallBase,
  grid: { epsilon: { log: [1e-1, 1e-3, 3] }, m: [3, 5], seed: { range: [0, 2] } },
};

/** The rows of DIR/table.csv with the wallMs column removed (everything else must match bit for bit). */
export function tableWithoutWallTime(dir: string): string[][] {
  const rows = parseCsv(readFileSync(join(dir, 'table.csv'), 'utf8'));
  const w = rows[0].indexOf('wallMs');
  return rows.map((r) => r.filter((_, i) => i !== w));
}

/** Splits CSV text into rows of fields (RFC 4180 quoting, as the study table writes it). */
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
