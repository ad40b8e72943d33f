// The documented JSON and CSV forms of a run's result (the CLI writes these; the API
// returns typed arrays). JSON layout, per output time j and neuron i:
//   t[j], risk[j], mfRisk[j] (network/sgd), loss[j] (multi-pass sgd),
//   components[j][k] = R_k(t_j) for k = 0..degrees, a[j][i], s[j][i] (when kept),
//   initial {risk, components}, learningTimes[k], theory (docs/theory.md), retcode, message, note,
//   stats, coefficients.
//
// The JSON is written in pieces (writeResultJSON): typed arrays number by number, tables
// row by row, so a result larger than the engine's longest string (about 2^29 characters
// in V8) is still written. The pieces join to exactly JSON.stringify(resultToJSON(r)).
import type { RunResult } from '../run.js';

/** Format version of the result JSON; bumped on any incompatible change. */
export const RESULT_FORMAT = 1;

/** A row-major table of `width` columns, written as an array of rows. */
class Rows {
  constructor(readonly data: Float64Array, readonly width: number) {}
}

type Doc = unknown;

/** Literal JSON text in writeDoc's work stack. */
class Raw {
  constructor(readonly raw: string) {}
}

/**
 * How a document holds the run's parts: as they are (arrays typed), for writeDoc to write
 * piece by piece, or as a plain object of its own (resultToJSON): arrays of numbers, and
 * copies of the config and stats, so that it shares no plain object with the result.
 */
interface DocForm {
  vector(x: Float64Array): Doc;
  table(x: Float64Array, width: number): Doc;
  object<T>(v: T): T;
}

const TYPED: DocForm = { vector: (x) => x, table: (x, width) => new Rows(x, width), object: (v) => v };
const PLAIN: DocForm = { vector: (x) => numbers(x, 0, x.length), table: rows, object: copyPlain };

/**
 * The result as a document, its arrays in `form`; the one place that fixes the fields and
 * their order. Built by assignment, not spread: in a study every cell makes one, and V8
 * promotes spread-made objects (extend.ts).
 */
function resultDocument(r: RunResult, form: DocForm): Record<string, Doc> {
  const D1 = r.degrees + 1;
  const c = r.coefficients;
  const doc: Record<string, Doc> = { format: RESULT_FORMAT, config: form.object(r.config), retcode: r.retcode };
  if (r.message !== undefined) doc.message = r.message;
  if (r.note !== undefined) doc.note = r.note;
  doc.t = form.vector(r.t);
  doc.risk = form.vector(r.risk);
  if (r.mfRisk) doc.mfRisk = form.vector(r.mfRisk);
  if (r.loss) doc.loss = form.vector(r.loss);
  doc.components = form.table(r.components, D1);
  if (r.a) doc.a = form.table(r.a, r.m);
  if (r.s) doc.s = form.table(r.s, r.m);
  doc.initial = { risk: r.initial.risk, components: form.vector(r.initial.components) };
  doc.learningTimes = r.learningTimes;
  doc.theory = form.object(r.theory);
  doc.stats = form.object(r.stats);
  doc.coefficients = {
    activation: c.activation.label, target: c.target.label,
    sigma: form.vector(c.sigma), phi: form.vector(c.phi),
    truncation: c.sigma.length - 1, kernelTail: c.kernelTail, crossTail: c.crossTail, projectionError: c.projectionError,
    zeros: form.object(c.zeros), unresolved: form.object(c.unresolved),
  };
  return doc;
}

/**
 * x[from..to) as a plain array, element by element and pushed: Array.from of a typed array
 * took 0.6 µs for 20 numbers against 0.07 (its iterator), a subarray per row 20× more, and
 * an array made at its length (new Array(n)) has holes as far as V8 knows, which
 * JSON.stringify then writes 20% slower (V8 11.3).
 */
function numbers(x: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = from; j < to; j++) out.push(x[j]);
  return out;
}

/** Rows of `width` numbers (a trailing partial row is dropped). */
function rows(x: Float64Array, width: number): number[][] {
  const out: number[][] = [];
  for (let j = 0; j + width <= x.length; j += width) out.push(numbers(x, j, j + width));
  return out;
}

/** A copy of plain objects, nested (arrays and other values are shared, as JSON writes them the same). */
function copyPlain<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyPlain((v as Record<string, unknown>)[k]);
  return out as T;
}

/** The result JSON as a plain object (for small results; writeResultJSON streams any size). */
export function resultToJSON(r: RunResult): object {
  return resultDocument(r, PLAIN);
}

/** A number as JSON.stringify writes it (non-finite → null). */
const num = (x: number) => (Number.isFinite(x) ? String(x) : 'null');

/** Numbers per piece when writing a long typed array. */
const NUMBERS_PER_PIECE = 4096;

function writeNumbers(x: Float64Array, from: number, to: number, write: (s: string) => void): void {
  write('[');
  for (let i = from; i < to; i += NUMBERS_PER_PIECE) {
    const end = Math.min(to, i + NUMBERS_PER_PIECE);
    let s = i === from ? '' : ',';
    for (let j = i; j < end; j++) s += j === i ? num(x[j]) : `,${num(x[j])}`;
    write(s);
  }
  write(']');
}

/**
 * Writes `v` as JSON.stringify would, in pieces: typed arrays and tables piece by piece,
 * plain arrays and objects element by element; anything else through JSON.stringify.
 * Explicit stack, no recursion: any nesting depth is safe.
 */
function writeDoc(root: Doc, write: (s: string) => void): void {
  type Task = Doc | Raw;
  const stack: Task[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Raw) {
      write(v.raw);
    } else if (v instanceof Rows) {
      write('[');
      const n = Math.floor(v.data.length / v.width);
      for (let j = 0; j < n; j++) {
        if (j) write(',');
        writeNumbers(v.data, j * v.width, (j + 1) * v.width, write);
      }
      write(']');
    } else if (v instanceof Float64Array) {
      writeNumbers(v, 0, v.length, write);
    } else if (Array.isArray(v)) {
      // Elements pushed in reverse so they pop in order; undefined and functions are null in arrays.
      const tasks: Task[] = [new Raw('[')];
      v.forEach((x, i) => {
        if (i) tasks.push(new Raw(','));
        tasks.push(x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : x);
      });
      tasks.push(new Raw(']'));
      for (let i = tasks.length - 1; i >= 0; i--) stack.push(tasks[i]);
    } else if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      const tasks: Task[] = [new Raw('{')];
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        tasks.push(new Raw(`${first ? '' : ','}${JSON.stringify(k)}:`));
        tasks.push(x);
        first = false;
      }
      tasks.push(new Raw('}'));
      for (let i = tasks.length - 1; i >= 0; i--) stack.push(tasks[i]);
    } else {
      write(JSON.stringify(v) ?? 'null');
    }
  }
}

/**
 * Writes the result JSON (and a final newline) through `write`, in pieces of bounded
 * length: the same bytes as `${JSON.stringify(resultToJSON(r))}\n`.
 */
export function writeResultJSON(r: RunResult, write: (piece: string) => void): void {
  writeDoc(resultDocument(r, TYPED), write);
  write('\n');
}

/** Writes the CSV form (resultToCSV) row by row. */
export function writeResultCSV(r: RunResult, write: (piece: string) => void): void {
  const D1 = r.degrees + 1;
  const head = ['t', 'risk', ...(r.mfRisk ? ['mfRisk'] : []), ...(r.loss ? ['loss'] : []), ...Array.from({ length: D1 }, (_, k) => `R_${k}`)];
  write(`${head.join(',')}\n`);
  for (let j = 0; j < r.t.length; j++) {
    const row = [r.t[j], r.risk[j], ...(r.mfRisk ? [r.mfRisk[j]] : []), ...(r.loss ? [r.loss[j]] : []), ...r.components.subarray(j * D1, (j + 1) * D1)];
    write(`${row.map((v) => String(v)).join(',')}\n`);
  }
}

/** One row per output time: t, risk, [mfRisk], [loss], R_0..R_D. */
export function resultToCSV(r: RunResult): string {
  const parts: string[] = [];
  writeResultCSV(r, (p) => parts.push(p));
  return parts.join('');
}
