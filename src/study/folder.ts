// The study folder: DIR/runs/<key>.json per cell (the result document that `timescales
// run` writes, or a cell's error record), the table, the summaries and the charts. A
// result file counts as done when it parses, has the current format and holds the very
// config of its cell; anything else (an older format, a foreign or torn file) is computed
// again. Result files are renamed into place whole but not fsync'ed one by one: that
// check already catches a file a power cut tore, and an fsync per cell costs more than a
// small cell does.
//
// The temporary files a study makes in its folder — a result file before its rename
// (runs/.<key>.json~<host>~<pid>.part.tmp) and the table's rows before the table is made
// (.table.csv~<host>~<pid>.rows.tmp) — name the process that made them. A process that was
// killed (SIGKILL, a power cut, a job past its time limit) leaves them behind: the rows
// file holds ~100 bytes per cell. A study removes those of processes that no longer run
// on its own host as it starts. It never touches one of another host (a shard of the same
// study on another node of a cluster, writing into a shared folder, may be using it) or of
// a process that is alive (another shard on this host).
import type { StudyReport } from '../analysis/study-report.js';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { canonicalJSON } from '../io/checkpoint.js';
import { writeJSONPieces } from '../io/json-pieces.js';
import { nodeFs } from '../io/node-fs.js';
import { RESULT_FORMAT } from '../io/result.js';
import type { Cell } from './plan.js';

export const RUNS_DIR = 'runs';

/** Hex digits of the SHA-256 kept in a key: 64 bits, so a million cells collide with odds below 1e-7. */
export const KEY_LENGTH = 16;

/**
 * A cell's identity: the first 16 hex digits of the SHA-256 of its canonical config (object
 * keys sorted, so two configs that validate to the same thing get the same key whatever
 * order their fields were written in). Node only: result files are a Node feature.
 */
export function cellKey(canonical: string): string {
  const crypto = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (!crypto) throw new Error('cell keys need Node.js ≥ 20.16 (node:crypto); in a browser, studies run in memory');
  return crypto.hash('sha256', canonical, 'hex').slice(0, KEY_LENGTH);
}

/** `runs/<key>.json`, relative to the study folder. */
export function resultFile(cell: Cell): string {
  return `${RUNS_DIR}/${cellKey(cell.canonical)}.json`;
}

/**
 * Writes a cell's result document: a temporary file beside `path`, then renamed over it
 * (one thread, the study's main thread, writes a given cell, so the name is its own).
 */
export function writeResult(path: string, text: string | Uint8Array): void {
  const fs = nodeFs();
  const slash = path.lastIndexOf('/');
  const tmp = `${path.slice(0, slash + 1)}${temporaryName(path.slice(slash + 1), 'part')}`;
  try {
    fs.writeFileSync(tmp, text, { flag: 'w' });
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The cell's result document if `path` holds a valid one, else null. */
export function readResult(path: string, cell: Cell): Record<string, unknown> | null {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return doc.format === RESULT_FORMAT && typeof doc.retcode === 'string' && canonicalJSON(doc.config) === cell.canonical ? doc : null;
  } catch {
    return null;
  }
}

/** `.<name>~<host>~<pid>.<kind>.tmp`: the temporary file of `name` (a file name, no folder) for this process. */
export function temporaryName(name: string, kind: 'part' | 'rows'): string {
  return `.${name}~${thisHost()}~${process.pid}.${kind}.tmp`;
}

const TEMPORARY = /^\..*~([^~]*)~(\d+)\.(?:part|rows)\.tmp$/;

/** Removes from `folder` the temporary files of study processes of this host that have ended. */
export function removeLeftovers(folder: string): void {
  const fs = nodeFs();
  for (const name of fs.readdirSync(folder)) {
    const m = TEMPORARY.exec(name);
    if (m && m[1] === thisHost() && !alive(Number(m[2]))) fs.rmSync(`${folder}/${name}`, { force: true });
  }
}

let host: string | undefined;
function thisHost(): string {
  return host ??= globalThis.process.getBuiltinModule('node:os').hostname().replace(/[~/]/g, '_');
}

/** Whether process `pid` runs on this host (one that is not ours to signal runs too). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Characters of CSV gathered before each write to the temporary rows file. */
const FLUSH_CHARS = 1 << 16;

/**
 * DIR/table.csv, whole or not at all: its lines gather in a temporary file beside it, which
 * finish() copies to table.csv. Copied rather than renamed: a table.csv that is a symbolic
 * link is written through, as every output is.
 */
export class TableFile {
  private readonly tmp: string;
  private fd: number | undefined;
  private pending = '';

  constructor(private readonly dir: string) {
    this.tmp = `${dir}/${temporaryName('table.csv', 'rows')}`;
    this.fd = nodeFs().openSync(this.tmp, 'w');
  }

  readonly write = (line: string): void => {
    this.pending += line;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  };

  private flush(): void {
    nodeFs().writeSync(this.fd!, this.pending);
    this.pending = '';
  }

  finish(): void {
    const fs = nodeFs();
    this.flush();
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
  }

  /** Removes the temporary rows (a study stopped, or the table written). */
  discard(): void {
    const fs = nodeFs();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.tmp, { force: true });
  }
}

/** Writes DIR/summary.json, summary.md, the charts, and study.json as written (the order of its axes is the order of the cells). */
export function writeReport(dir: string, { summary, markdown, charts }: StudyReport, input: unknown): void {
  // in pieces: the summary of a large ε × seed grid is tens of MB of JSON
  writeStreamAtomic(`${dir}/summary.json`, (write) => {
    writeJSONPieces(summary, write, 1);
    write('\n');
  });
  writeFileAtomic(`${dir}/summary.md`, markdown);
  for (const { name, svg } of charts) writeFileAtomic(`${dir}/${name}`, svg);
  writeFileAtomic(`${dir}/study.json`, `${JSON.stringify(input, null, 1)}\n`);
}
