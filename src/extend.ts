// A copy of an object with fields added or replaced — what `{ ...base, key: value }` makes —
// for the objects made on every run (a study makes them once per cell). Object.assign onto
// a new object gives the same fields in the same order (base's own enumerable properties,
// then those of `fields`, a replaced key keeping its place), and in V8 such short-lived
// copies stay small and die young where spread-made ones reach the old generation
// (docs/design.md gives the figures).

/** `{ ...base, ...fields }`, made without object spread (see above). */
export function extend<T extends object, U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, fields);
}
