// JSON.stringify(value, null, indent) written in pieces: the text of a large object or array
// is never held whole. Objects and arrays are opened and closed here down to `depth` levels
// (each member written as JSON.stringify writes it, its lines indented to its level); below
// that a value is stringified whole. The bytes are those of JSON.stringify(value, null,
// indent): a member whose value JSON leaves out (undefined, a function) is left out, one in
// an array becomes null, and a string never holds a raw line break (JSON escapes it), so
// indenting a member's lines indents exactly its own structure. For plain data (no toJSON,
// no cycles), as a study's summary is.
//
// Measured: the summary of a study of 100 000 cells over ε × seed (a fit per seed) is 28 MB
// of JSON; written as one string and then one buffer it added ~56 MB to the process at its
// very end, more than any moment of the run.

/** What JSON leaves out of an object (and writes as null in an array). */
const omitted = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';

/** Writes JSON.stringify(value, null, indent) through `write`, in pieces no larger than one member below `depth` levels. */
export function writeJSONPieces(value: unknown, write: (piece: string) => void, indent = 1, depth = 2): void {
  const step = ' '.repeat(indent);
  const put = (v: unknown, pad: string, level: number): void => {
    const open = level < depth && v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
    if (!open) {
      const text = JSON.stringify(v, null, indent);
      write(pad ? text.replace(/\n/g, `\n${pad}`) : text);
      return;
    }
    const inner = pad + step;
    const array = Array.isArray(v);
    const members: [string | null, unknown][] = array
      ? (v as unknown[]).map((x) => [null, omitted(x) ? null : x])
      : Object.entries(v as object).filter(([, x]) => !omitted(x));
    if (members.length === 0) {
      write(array ? '[]' : '{}');
      return;
    }
    write(array ? '[' : '{');
    members.forEach(([key, x], i) => {
      write(`${i ? ',' : ''}\n${inner}${key === null ? '' : `${JSON.stringify(key)}: `}`);
      put(x, inner, level + 1);
    });
    write(`\n${pad}${array ? ']' : '}'}`);
  };
  put(value, '', 0);
}
