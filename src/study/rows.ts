// The table of a study, written as the cells finish: rows arrive in any order (the
// workers finish cells out of order), wait in a reorder buffer, and go out in cell order
// to a temporary file beside the table; at the end that file becomes DIR/table.csv
// (writeStreamAtomic: whole or not at all), with the summaries and charts. The runner
// never lets the buffer hold more than a window of cells (node.ts), so memory does not
// grow with the study. Measured at 500 small cells: reading every result file back at the
// end, as the table used to be made, took 0.45 ms per cell after the last cell ran.
import { nodeFs } from '../io/node-fs.js';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { writeJSONPieces } from '../io/json-pieces.js';
import type { CellOutcome } from './cell.js';
import type { StudyPlan } from './plan.js';
import type { StudySummary } from './summary.js';
import { temporaryName } from './leftovers.js';
import { StudyTables } from './tables.js';

/** Bytes of CSV gathered before each write to the temporary file. */
const FLUSH_BYTES = 1 << 16;

export class TableWriter {
  private readonly tables: StudyTables;
  private readonly waiting = new Map<number, { values: unknown[]; outcome: CellOutcome; file: string }>();
  /** The next cell to go out. */
  private next = 0;
  private readonly tmp: string;
  private fd: number | undefined;
  private readonly encoder = new TextEncoder();
  /**
   * The rows not yet written, as UTF-8: each line goes in as it is made, so that no text
   * waits in the heap for the next write (~400 rows' lines were held as one string), and
   * the buffer serves every write (a new one per write was 17 MB of buffers over 100 000
   * cells, freed only as the heap was collected).
   */
  private bytes = new Uint8Array(2 * FLUSH_BYTES);
  private length = 0;

  constructor(private readonly plan: StudyPlan, private readonly dir: string) {
    this.tables = new StudyTables(plan);
    const fs = nodeFs();
    this.tmp = `${dir}/${temporaryName('table.csv', 'rows')}`;
    this.fd = fs.openSync(this.tmp, 'w');
    this.put(this.tables.headerLine());
  }

  /** Cells before this one have all gone out. */
  get written(): number {
    return this.next;
  }

  /** Takes cell `index`'s axis values and outcome (`file`: its result file, relative to the folder); writes every row now in order. */
  add(index: number, values: unknown[], outcome: CellOutcome, file: string): void {
    if (index === this.next) {
      // the usual case (a chunk's cells come back in order): straight out, not through the
      // buffer (a Map entry set and deleted per row: 2.7 MB of the 25 MB of this thread's
      // objects that reached the old generation over 20 000 cells)
      this.write(index, values, outcome, file);
    } else this.waiting.set(index, { values, outcome, file });
    for (let w = this.waiting.get(this.next); w; w = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.write(this.next, w.values, w.outcome, w.file);
    }
  }

  private write(index: number, values: unknown[], outcome: CellOutcome, file: string): void {
    this.put(this.tables.add({ index, values, outcome, file }));
    this.next++;
    if (this.length >= FLUSH_BYTES) this.flush();
  }

  /** Appends a line's UTF-8 (at most 3 bytes per UTF-16 unit) to the buffer, writing it out first if the line might not fit. */
  private put(line: string): void {
    if (this.length + 3 * line.length > this.bytes.length) {
      this.flush();
      if (3 * line.length > this.bytes.length) this.bytes = new Uint8Array(3 * line.length);
    }
    this.length += this.encoder.encodeInto(line, this.bytes.subarray(this.length)).written;
  }

  private flush(): void {
    const fs = nodeFs();
    for (let at = 0; at < this.length;) at += fs.writeSync(this.fd!, this.bytes, at, this.length - at);
    this.length = 0;
  }

  /** Writes DIR/table.csv, summary.json, summary.md, t_k.svg and study.json once every cell has gone out. */
  finish(input: unknown): StudySummary {
    if (this.next !== this.plan.size) throw new Error(`the table lacks cell ${this.next} of ${this.plan.size}`);
    const fs = nodeFs();
    this.flush();
    fs.closeSync(this.fd!);
    this.fd = undefined;
    // The rows, copied into the table whole or not at all (a symbolic link is written through, as every output is).
    writeStreamAtomic(`${this.dir}/table.csv`, (write) => {
      const fd = fs.openSync(this.tmp, 'r');
      try {
        const buffer = new Uint8Array(1 << 20);
        for (let n; (n = fs.readSync(fd, buffer)) > 0;) write(buffer.subarray(0, n)); // written before the next read
      } finally {
        fs.closeSync(fd);
      }
    });
    this.discard();
    const { summary, markdown, charts } = this.tables.finish();
    // JSON.stringify(summary, null, 1), written in pieces (json-pieces.ts: 28 MB at 100 000 cells over ε × seed)
    writeStreamAtomic(`${this.dir}/summary.json`, (write) => {
      writeJSONPieces(summary, write, 1);
      write('\n');
    });
    writeFileAtomic(`${this.dir}/summary.md`, markdown);
    for (const { name, svg } of charts) writeFileAtomic(`${this.dir}/${name}`, svg);
    // As written: the order of the grid's axes is the order of the cells.
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
