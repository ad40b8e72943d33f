// The table of a Node study, written as the cells finish: rows arrive in any order, wait
// in a reorder buffer, and go out in cell order to a temporary file beside the table; at
// the end that file becomes DIR/table.csv (whole or not at all), with the summaries and
// charts. The runner keeps the buffer within a window of cells (node.ts).
import { nodeFs } from '../io/node-fs.js';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { writeJSONPieces } from '../io/json-pieces.js';
import type { CellOutcome } from './cell.js';
import type { StudyPlan } from './plan.js';
import type { StudySummary } from './summary.js';
import { temporaryName } from './leftovers.js';
import { StudyTables } from './tables.js';
import type { StudyRow } from './table.js';

/** Characters of CSV gathered before each write to the temporary file. */
const FLUSH_CHARS = 1 << 16;

export class TableWriter {
  private readonly tables: StudyTables;
  private readonly waiting = new Map<number, StudyRow>();
  /** The next cell to go out. */
  private next = 0;
  private readonly tmp: string;
  private fd: number | undefined;
  private pending = '';

  constructor(private readonly plan: StudyPlan, private readonly dir: string) {
    this.tables = new StudyTables(plan);
    this.tmp = `${dir}/${temporaryName('table.csv', 'rows')}`;
    this.fd = nodeFs().openSync(this.tmp, 'w');
    this.pending = this.tables.headerLine();
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
      this.pending += this.tables.add(row);
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
    const { summary, markdown, charts } = this.tables.finish();
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
