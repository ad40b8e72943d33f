// A map keyed by a tuple of axis values (a cell's values on some of the grid's axes), for
// what a study keeps by them: summary groups and chart lines, and the parsed config fields
// of validate.ts. Two tuples are the same
// key when their values are, one by one: numbers, strings, booleans and null by value, a
// value that is an object or array by its JSON (as the values came, from the study file).
// Each element keys one level of nested Maps, so a row finds its group without making a
// string of its values: a JSON id per row and grouping (a number printed in its shortest
// form is 0.2–1 µs) came to 10–15 µs of the main thread's time per row, three groupings
// and a chart line for every cell of a study.

/** What keys one level: the value itself, or the JSON of an object (marked, so that it never equals a string value). */
function levelKey(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? `\u0000${JSON.stringify(v)}` : v;
}

export class TupleMap<V> {
  private readonly root = new Map<unknown, unknown>();
  /** The values in the order their keys were first set. */
  private readonly list: V[] = [];

  get size(): number {
    return this.list.length;
  }

  get(key: readonly unknown[]): V | undefined {
    let node: unknown = this.root;
    for (const v of key) {
      node = (node as Map<unknown, unknown>).get(levelKey(v));
      if (node === undefined) return undefined;
    }
    return (key.length ? node : (this.root.get(EMPTY) as V | undefined)) as V | undefined;
  }

  /** Sets the value of a key not set before (a key already set keeps its value: throws). */
  add(key: readonly unknown[], value: V): void {
    if (key.length === 0) {
      if (this.root.has(EMPTY)) throw new Error('TupleMap: key already set');
      this.root.set(EMPTY, value);
    } else {
      let node = this.root;
      for (let i = 0; i < key.length - 1; i++) {
        const k = levelKey(key[i]);
        let next = node.get(k) as Map<unknown, unknown> | undefined;
        if (!next) node.set(k, next = new Map());
        node = next;
      }
      const last = levelKey(key[key.length - 1]);
      if (node.has(last)) throw new Error('TupleMap: key already set');
      node.set(last, value);
    }
    this.list.push(value);
  }

  /** The values, in the order their keys were first set. */
  values(): readonly V[] {
    return this.list;
  }
}

/** The key of the empty tuple (a symbol: no axis value equals it). */
const EMPTY = Symbol('empty tuple');
