// A run config as a URL hash, so that a link reproduces a run exactly (TensorFlow
// Playground's state.ts, keyed by the config's dotted paths): `m=10&epsilon=1e-6&activation=tanh`.
//
// The hash holds the fields that differ from a base config (the page's defaults):
// - a config is flattened into leaves: every value that is not a non-empty plain object
//   (numbers, strings, booleans, arrays, {}), keyed by its dotted path (`target.hermite`);
// - a leaf that differs is written `path=value`; a base leaf that the config lacks is
//   written `path=` (empty: the field is absent, so the schema's default applies), unless
//   an ancestor or a descendant of it is written (writing either replaces it);
// - reading starts from a copy of the base and sets each path in turn; an object that a
//   removal leaves empty goes too (an empty object of the config is written as `{}`).
// Values: numbers in their shortest exact form (`1e-6`, `-0`), arrays and objects as JSON
// with numbers written the same way, strings bare unless they would read back as JSON or as
// empty (then quoted), all percent-encoded where a URL fragment needs it. Every path must
// name a field of the config schema; anything else is refused with a ConfigError naming it.
import { configJsonSchema } from './config.js';
import { ConfigError } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Config = Record<string, unknown>;

/** The hash (no leading '#') of the fields of `config` that differ from `base`. */
export function configToHash(config: Config, base: Config): string {
  const ours = leaves(config);
  const theirs = leaves(base);
  const pairs: string[] = [];
  for (const [path, value] of ours) {
    knownField(path);
    if (!theirs.has(path) || !same(value, theirs.get(path))) pairs.push(`${path}=${escape(valueText(path, value))}`);
  }
  for (const path of theirs.keys()) {
    if (!ours.has(path) && !coveredBy(path, ours)) pairs.push(`${path}=`);
  }
  return pairs.join('&');
}

/** The config a hash describes: a copy of `base` with the hash's fields set (a leading '#' is ignored). */
export function configFromHash(hash: string, base: Config): Config {
  const config = structuredClone(base);
  const seen = new Set<string>();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const path = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) throw new ConfigError(path, 'has no value in the link (write path=value)');
    knownField(path);
    if (seen.has(path)) throw new ConfigError(path, 'appears twice in the link');
    seen.add(path);
    const raw = pair.slice(eq + 1);
    if (raw === '') remove(config, path.split('.'));
    else put(config, path.split('.'), readValue(path, raw));
  }
  return config;
}

/** Leaves of a config by dotted path, in the config's key order. */
function leaves(config: Config): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string) => {
    if (isObject(value) && (path === '' || Object.keys(value).length > 0)) {
      for (const [key, v] of Object.entries(value)) walk(v, path ? `${path}.${key}` : key);
    } else if (value !== undefined) {
      out.set(path, value);
    }
  };
  walk(config, '');
  return out;
}

function isObject(value: unknown): value is Config {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether writing `ours` already replaces the base leaf at `path`: it writes an ancestor or a descendant of it. */
function coveredBy(path: string, ours: Map<string, unknown>): boolean {
  for (let i = path.indexOf('.'); i >= 0; i = path.indexOf('.', i + 1)) if (ours.has(path.slice(0, i))) return true;
  for (const other of ours.keys()) if (other.startsWith(`${path}.`)) return true;
  return false;
}

/** Deep equality, numbers by Object.is (so -0 differs from 0). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return a === b;
}

/** The shortest text that reads back as exactly `x`: `1e-6` rather than `0.000001`, `-0` kept. */
export function numberText(x: number): string {
  if (Object.is(x, -0)) return '-0';
  const plain = String(x);
  const exp = x.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

/** A leaf as text: see the header for the rules. */
function valueText(path: string, value: unknown): string {
  if (typeof value === 'string') return value !== '' && !readsAsJson(value) ? value : JSON.stringify(value);
  return jsonText(path, value);
}

function readsAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON with numbers in numberText's form (JSON.stringify writes -0 as 0). */
function jsonText(path: string, value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(path, 'must be a finite number to be written in a link', value);
    return numberText(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => jsonText(`${path}[${i}]`, v)).join(',')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(`${path}.${k}`, v)}`).join(',')}}`;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  throw new ConfigError(path, 'must be a JSON value to be written in a link', String(value));
}

/** Percent-encodes what a URL fragment or this format needs encoded; keeps `[]{},:` and the like readable. */
function escape(text: string): string {
  try {
    return encodeURIComponent(text).replace(/%(5B|5D|7B|7D|2C|3A|2B|5E|7C|2F|40|3B|24)/g, (all) => decodeURIComponent(all));
  } catch {
    throw new ConfigError('(link)', 'a string holds a lone surrogate, which a URL cannot carry');
  }
}

function readValue(path: string, raw: string): Json {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw new ConfigError(path, 'is not correctly percent-encoded in the link', raw);
  }
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** Sets `value` at `keys`, making (or replacing non-objects by) objects on the way. */
function put(config: Config, keys: string[], value: Json): void {
  let node = config;
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(node, key) || !isObject(node[key])) node[key] = {};
    node = node[key] as Config;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * Removes the field at `keys`, and each parent this leaves empty (the writer writes an empty
 * object as `{}`, so an object emptied here was absent); nothing to do when a parent is not an object.
 */
function remove(config: Config, keys: string[]): void {
  const chain: Config[] = [config];
  for (const key of keys.slice(0, -1)) {
    const next = chain[chain.length - 1][key];
    if (!Object.hasOwn(chain[chain.length - 1], key) || !isObject(next)) return;
    chain.push(next);
  }
  for (let i = keys.length - 1; i >= 0; i--) {
    delete chain[i][keys[i]];
    if (i === 0 || Object.keys(chain[i]).length > 0) return;
  }
}

interface SchemaNode { properties?: Record<string, SchemaNode>; anyOf?: SchemaNode[]; oneOf?: SchemaNode[]; allOf?: SchemaNode[]; $ref?: string }
let schema: SchemaNode & { $defs?: Record<string, SchemaNode> } | undefined;

/** Throws unless `path` names a field of the config schema (in any of a union's forms). */
function knownField(path: string): void {
  schema ??= configJsonSchema() as SchemaNode;
  let nodes: SchemaNode[] = [schema];
  const keys = path.split('.');
  for (const [i, key] of keys.entries()) {
    nodes = nodes.flatMap(forms).flatMap((n) => (n.properties && Object.hasOwn(n.properties, key) ? [n.properties[key]] : []));
    if (nodes.length === 0) {
      const where = i === 0 ? 'the config' : keys.slice(0, i).join('.');
      throw new ConfigError(path, `unknown field "${key}" in ${where}`);
    }
  }
}

/** A schema node's alternatives (anyOf, oneOf, allOf, $ref to $defs). */
function forms(node: SchemaNode): SchemaNode[] {
  if (node.$ref?.startsWith('#/$defs/')) return forms(schema!.$defs?.[node.$ref.slice(8)] ?? {});
  const parts = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return parts.length ? [node, ...parts.flatMap(forms)] : [node];
}
