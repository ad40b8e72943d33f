// A study's cells, validated field by field. Cells share the base and differ only in the
// fields the axes set, so the run config's schema is applied in parts: each top-level
// field that no axis touches is parsed once, from the base; per cell, only the top-level
// fields under an axis are parsed, then the rules between fields (crossFieldRules) run on
// the assembled config. A strict object schema is exactly this — each field by its own
// schema, no unknown field, then the object's refinements — so a cell passes here if and
// only if parseConfig accepts it, with the same output (same fields, same order). Any
// refusal falls back to parseConfig on the whole cell, which throws the error it always
// threw. Measured on 500 cells of {epsilon, seed}: parseConfig of the whole cell about
// 0.15 ms, canonicalJSON 0.04 ms; here together about 0.01 ms.
//
// A touched field's parsed value and its canonical JSON depend only on the values of the
// axes under it, so they are kept by those values (up to CACHED_VALUES per field) and
// shared by the cells. check() runs on every cell before anything runs (plan.ts); make()
// gives the config and canonical JSON of a cell again, as the study runs, without the rules
// between fields, which check() has run. Measured on 20 000 tiny cells over init.a.scale ×
// seed at two workers, the main thread spent 25 µs per cell making cells (the init object
// parsed and canonicalized each time) of about 175 µs in all, while the workers waited for it.
import { configSchema, crossFieldRules, parseConfig, type RunConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { canonicalJSON } from './canonical.js';
import { TupleMap } from './tuple-map.js';

type Json = Record<string, unknown>;

export interface CellConfig {
  config: RunConfig;
  /** canonicalJSON(config). */
  canonical: string;
}

export interface CellConfigs {
  /** A cell's validated config, from one value per axis; throws ConfigError (parseConfig's) for a bad cell. */
  check(values: unknown[]): RunConfig;
  /** The config of a cell that check() has passed, and its canonical JSON (the rules between fields are not run again). */
  make(values: unknown[]): CellConfig;
}

/**
 * Most values of one top-level field kept parsed: a field that takes more (a seed axis of
 * a million values) is parsed afresh in the cells past them, so memory stays bounded.
 */
export const CACHED_VALUES = 4096;

/** A touched field's value as its schema outputs it (frozen: cells share it), and its member of the canonical JSON. */
interface Parsed { value: unknown; piece: string }

/** Makes cell configs from `base` and one value per axis `paths[a]`. */
export function cellConfigs(base: Json, paths: string[]): CellConfigs {
  const shape = configSchema.shape as Record<string, { safeParse(x: unknown): { success: boolean; data?: unknown } }>;
  const fields = Object.keys(shape);
  const split = paths.map((p) => p.split('.'));
  // The top-level fields under an axis, in the schema's order, and the axes under each.
  const touched = fields.filter((k) => split.some((parts) => parts[0] === k));
  const feeders = touched.map((k) => paths.flatMap((_, a) => (split[a][0] === k ? [a] : [])));
  // Unknown fields (in the base or as an axis) or a bad untouched field: every cell is refused; parseConfig says how.
  let refused = Object.keys(base).some((k) => !(k in shape)) || split.some((parts) => !(parts[0] in shape));
  /** Parsed untouched fields, shared by every cell: frozen, so no one can change one cell through another. */
  const fixed = new Map<string, unknown>();
  for (const k of fields) {
    if (touched.includes(k) || refused) continue;
    const r = shape[k].safeParse(base[k]);
    if (!r.success) { refused = true; break; }
    fixed.set(k, deepFreeze(structuredClone(r.data)));
  }
  // The canonical JSON in key order: runs of untouched fields as fixed text, touched fields (by index) filled per cell.
  const canonicalParts: (string | number)[] = [];
  for (const k of [...fields].sort()) {
    const t = touched.indexOf(k);
    if (t >= 0) canonicalParts.push(t);
    else if (fixed.get(k) !== undefined) {
      const piece = `${JSON.stringify(k)}:${canonicalJSON(fixed.get(k))}`;
      const last = canonicalParts.length - 1;
      if (typeof canonicalParts[last] === 'string') canonicalParts[last] += `,${piece}`;
      else canonicalParts.push(piece);
    }
  }
  // A cell's config as a zod object outputs it: every field in the schema's order, an optional
  // field left out of the input left out (a touched field is always in the input). Cells copy
  // this and set their touched fields: one copy of a fixed shape rather than a key added at a
  // time (measured on 10 000 cells over init.a.scale × seed: check() 0.8 → 0.4 µs a cell warm;
  // the up-front check of the whole grid, mostly cold code, 116 → 75 ms).
  const template: Json = {};
  for (const k of fields) {
    if (touched.includes(k)) template[k] = undefined;
    else if (fixed.get(k) !== undefined || k in base) template[k] = fixed.get(k);
  }

  /** Base field `k` as a cell's input starts from: a copy, which the axes then write into. */
  const baseCopy = (k: string, into: Json): void => {
    if (base[k] !== undefined) into[k] = typeof base[k] === 'object' ? structuredClone(base[k]) : base[k];
  };
  // A touched field's parsed value depends on its axes' values only: kept by them (a tuple
  // of values, tuple-map.ts), so that its schema and its canonical JSON run once per value
  // of the field's axes rather than once per cell.
  const caches = touched.map(() => new TupleMap<Parsed>());
  /** Touched field `t` parsed, or null if its schema refuses it. */
  const fieldOf = (t: number, values: unknown[]): Parsed | null => {
    const key = feeders[t].map((a) => values[a]);
    const cache = caches[t];
    const known = cache.get(key);
    if (known) return known;
    const k = touched[t];
    const input: Json = {};
    baseCopy(k, input);
    for (const a of feeders[t]) setPath(input, paths[a], values[a], split[a]);
    const r = shape[k].safeParse(input[k]);
    if (!r.success) return null;
    const parsed = { value: deepFreeze(r.data), piece: r.data === undefined ? '' : `${JSON.stringify(k)}:${canonicalJSON(r.data)}` };
    if (cache.size < CACHED_VALUES) cache.add(key, parsed);
    return parsed;
  };
  /** The whole cell through parseConfig, which throws the error of its first bad field (an axis outside the schema included). */
  const whole = (values: unknown[]): RunConfig => {
    const parts: Json = {};
    for (const k of touched) baseCopy(k, parts);
    for (let a = 0; a < values.length; a++) setPath(parts, paths[a], values[a], split[a]);
    return parseConfig({ ...base, ...parts });
  };
  /** The cell's config from its fields, each parsed on its own; null if one is refused. */
  const assemble = (values: unknown[]): { config: RunConfig; parsed: Parsed[] } | null => {
    if (refused) return null;
    const parsed: Parsed[] = [];
    for (let t = 0; t < touched.length; t++) {
      const p = fieldOf(t, values);
      if (!p) return null;
      parsed.push(p);
    }
    const config: Json = { ...template };
    for (let t = 0; t < touched.length; t++) config[touched[t]] = parsed[t].value;
    return { config: config as RunConfig, parsed };
  };

  return {
    check(values) {
      const cell = assemble(values);
      if (!cell) return whole(values);
      let broken = false;
      crossFieldRules(cell.config, () => { broken = true; });
      return broken ? whole(values) : cell.config;
    },
    make(values) {
      const cell = assemble(values);
      if (!cell) {
        const config = whole(values);
        return { config, canonical: canonicalJSON(config) };
      }
      let canonical = '{';
      for (const part of canonicalParts) {
        const piece = typeof part === 'string' ? part : cell.parsed[part].piece;
        if (piece) canonical += canonical.length > 1 ? `,${piece}` : piece;
      }
      return { config: cell.config, canonical: `${canonical}}` };
    },
  };
}

/** Sets `obj` at a dotted path, making objects on the way; array elements are addressed by number. */
export function setPath(obj: Json, path: string, value: unknown, parts = path.split('.')): void {
  let node: Json = obj;
  parts.forEach((part, j) => {
    if (j === parts.length - 1) {
      node[part] = value !== null && typeof value === 'object' ? structuredClone(value) : value;
      return;
    }
    const next = node[part];
    if (next === undefined) node[part] = /^\d+$/.test(parts[j + 1]) ? [] : {};
    else if (next === null || typeof next !== 'object') {
      throw new ConfigError(`grid["${path}"]`, `cannot set a field inside base.${parts.slice(0, j + 1).join('.')} = ${JSON.stringify(next)} (not an object)`);
    }
    node = node[part] as Json;
  });
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
