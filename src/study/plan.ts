// From a study file to its cells. The axes are factors of a product (a zip group is one
// factor whose axes advance together); cell i takes digit i_f of factor f in mixed radix,
// the last factor varying fastest: the order of nested loops over the grid as written.
// Cells are made on demand from their index, so nothing here grows with the cells.
import { parseConfig, type RunConfig } from '../config.js';
import { checkMemory } from '../memory.js';
import { runShape } from '../run-validated.js';
import { ConfigError } from '../errors.js';
import { canonicalJSON } from '../io/checkpoint.js';
import type { Core } from '../wasm/loader.js';
import { parseStudy, type Axis } from './spec.js';

/** Most cells a study may have. */
export const MAX_CELLS = 100_000_000;

export interface StudyAxis {
  path: string;
  values: unknown[];
}

export interface Cell {
  index: number;
  /** The value of each axis (in grid order) at this cell. */
  values: unknown[];
  /** The cell's config as parseConfig returns it. */
  config: RunConfig;
  /** Canonical JSON of `config`: the cell's identity (folder.ts). */
  canonical: string;
}

export interface StudyPlan {
  axes: StudyAxis[];
  size: number;
  /** Largest `degrees` over the cells: the table has columns t_0..t_maxDegree. */
  maxDegree: number;
  cell(index: number): Cell;
}

/**
 * Checks the study and every cell's config through parseConfig; throws ConfigError before
 * anything runs, for a bad cell naming the axis, its value and the config field's rule.
 */
export function planStudy(input: unknown, core: Core): StudyPlan {
  const study = parseStudy(input);
  const axes = Object.entries(study.grid).map(([path, axis]) => ({ path, values: axisValues(core, path, axis) }));
  const index = new Map(axes.map((a, i) => [a.path, i]));
  const zipped = new Map<number, number[]>();
  for (const group of study.zip ?? []) {
    const members = group.map((p) => index.get(p)!);
    const n = axes[members[0]].values.length;
    const bad = members.find((i) => axes[i].values.length !== n);
    if (bad !== undefined) throw new ConfigError('zip', `axes in one group must have equal lengths ("${axes[members[0]].path}" has ${n}, "${axes[bad].path}" has ${axes[bad].values.length})`);
    for (const i of members) zipped.set(i, members);
  }
  // A zip group is one factor, placed where its first axis (in grid order) stands.
  const factors: number[][] = [];
  axes.forEach((_, i) => {
    const group = zipped.get(i);
    if (!group) factors.push([i]);
    else if (i === Math.min(...group)) factors.push([...group].sort((a, b) => a - b));
  });
  const lengths = factors.map((f) => axes[f[0]].values.length);
  const size = lengths.reduce((p, n) => p * n, 1);
  if (size > MAX_CELLS) throw new ConfigError('grid', `has ${size} cells, more than ${MAX_CELLS}`);

  const valuesAt = (i: number): unknown[] => {
    const values = new Array<unknown>(axes.length);
    for (let f = factors.length - 1, rest = i; f >= 0; f--) {
      const digit = rest % lengths[f];
      rest = Math.floor(rest / lengths[f]);
      for (const a of factors[f]) values[a] = axes[a].values[digit];
    }
    return values;
  };
  const configAt = (i: number, values: unknown[]): RunConfig => {
    const input = structuredClone(study.base);
    values.forEach((v, a) => setPath(input, axes[a].path, v)); // its error names the axis already
    try {
      return parseConfig(input);
    } catch (e) {
      throw e instanceof ConfigError ? cellError(axes, values, i, e) : e;
    }
  };

  let maxDegree = 0;
  for (let i = 0; i < size; i++) {
    const values = valuesAt(i);
    const config = configAt(i, values);
    // the memory a cell needs is known only with the core; a run checks it too, but a cell is refused before any runs
    try {
      checkMemory(core, config, runShape(config));
    } catch (e) {
      throw e instanceof ConfigError ? cellError(axes, values, i, e) : e;
    }
    maxDegree = Math.max(maxDegree, config.degrees);
  }
  return {
    axes, size, maxDegree,
    cell(i) {
      const values = valuesAt(i);
      const config = configAt(i, values);
      return { index: i, values, config, canonical: canonicalJSON(config) };
    },
  };
}

/**
 * The values of one axis. Generated values are rounded to a few significant digits fewer
 * than a double holds, so that {log: [1e-1, 1e-8, 8]} gives 0.1, 0.01, …, 1e-8 exactly and
 * {linear: [0, 1, 11]} gives 0.3 rather than 0.30000000000000004. Log grids come from the
 * Wasm core's logspace (the same bits in every engine; exp(log a + i·h) is off by a few
 * ulps, hence 12 digits there) and toPrecision is exactly specified, so every engine gets
 * the same cells.
 */
function axisValues(core: Core, path: string, axis: Axis): unknown[] {
  const round = (digits: number) => (x: number) => Number(x.toPrecision(digits));
  let values: unknown[];
  if (Array.isArray(axis)) values = axis;
  else if ('range' in axis) values = Array.from({ length: axis.range[1] }, (_, i) => axis.range[0] + i);
  else if ('linear' in axis) {
    const [from, to, n] = axis.linear;
    values = Array.from({ length: n }, (_, i) => (i === n - 1 ? to : round(15)(from + (i / Math.max(n - 1, 1)) * (to - from))));
  } else {
    const [from, to, n] = axis.log;
    values = core.scoped(() => {
      const ptr = core.allocF64(n);
      core.exports.logspace(from, to, n, ptr);
      return Array.from(core.f64(ptr, n), round(12));
    });
  }
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const c = canonicalJSON(v);
    const j = seen.get(c);
    if (j !== undefined) throw new ConfigError(`grid["${path}"]`, `repeats a value (values ${j} and ${i} are both ${c}); each cell must be distinct`);
    seen.set(c, i);
  });
  return values;
}

/** Sets `obj` at a dotted path, making objects on the way; array elements are addressed by number. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = obj;
  parts.forEach((part, j) => {
    if (j === parts.length - 1) {
      node[part] = structuredClone(value);
      return;
    }
    const next = node[part];
    if (next === undefined) node[part] = /^\d+$/.test(parts[j + 1]) ? [] : {};
    else if (next === null || typeof next !== 'object') {
      throw new ConfigError(`grid["${path}"]`, `cannot set a field inside base.${parts.slice(0, j + 1).join('.')} = ${JSON.stringify(next)} (not an object)`);
    }
    node = node[part] as Record<string, unknown>;
  });
}

/**
 * A bad cell, said in one line: the axis whose value the config refused (or, when the
 * refused field is set by no axis, every axis value of the cell) and the field's rule.
 */
function cellError(axes: StudyAxis[], values: unknown[], i: number, e: ConfigError): ConfigError {
  const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
  const related = (path: string) => e.field === path || e.field.startsWith(`${path}.`) || e.field.startsWith(`${path}[`) || path.startsWith(`${e.field}.`)
    || (e.field === '(config)' && e.message.includes(`"${path.split('.')[0]}"`)); // an unknown top-level field
  const a = axes.findIndex((axis) => related(axis.path));
  const where = a >= 0
    ? `grid["${axes[a].path}"] = ${show(values[a])}`
    : `cell ${i} (${axes.map((axis, j) => `${axis.path} = ${show(values[j])}`).join(', ')})`;
  return new ConfigError(where, `makes an invalid config: ${e.message}`);
}
