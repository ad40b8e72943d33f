// From a study file to its cells. The axes are factors of a product (a zip group is one
// factor whose axes advance together); cell i takes digit i_f of factor f in mixed radix,
// the last factor varying fastest, so the order is that of nested loops over the grid as
// written. Cells are made on demand from their index: nothing here holds all of them.
import type { RunConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Core } from '../wasm/loader.js';
import { axisValues } from './axes.js';
import { parseStudy, type StudyFile } from './spec.js';
import { cellConfigs } from './validate.js';

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
  /** The validated config (parseConfig's output); fields that no axis sets are shared by every cell and frozen. */
  config: RunConfig;
  /** Canonical JSON of `config` (canonical.ts). */
  canonical: string;
}

export interface StudyPlan {
  study: StudyFile;
  axes: StudyAxis[];
  /** Groups of axis indices that advance together; one per product factor, in order. */
  factors: number[][];
  size: number;
  /** Largest `degrees` over the cells: the table has columns t_0..t_maxDegree. */
  maxDegree: number;
  cell(index: number): Cell;
}

/**
 * Checks the study and every cell's config; throws ConfigError naming the field (for a
 * cell: the axis, its value and the config field's rule) before anything runs. `sized`,
 * if given, hears the number of cells once the grid is known, before the cells are
 * checked (a runner may prepare its workers meanwhile).
 */
export function planStudy(input: unknown, core: Core, sized?: (size: number) => void): StudyPlan {
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
  sized?.(size);

  const valuesAt = (i: number): unknown[] => {
    const values = new Array<unknown>(axes.length);
    for (let f = factors.length - 1, rest = i; f >= 0; f--) {
      const digit = rest % lengths[f];
      rest = Math.floor(rest / lengths[f]);
      for (const a of factors[f]) values[a] = axes[a].values[digit];
    }
    return values;
  };
  const configs = cellConfigs(study.base, axes.map((a) => a.path));
  /** `make` of a cell, the error said for the cell. */
  const cellAt = <T>(i: number, values: unknown[], make: (values: unknown[]) => T): T => {
    try {
      return make(values);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw cellError(axes, values, i, e);
    }
  };

  // Every cell is checked before anything runs; the run loop and the table make each cell
  // again from its index (cheap: validate.ts), so nothing here grows with the cells.
  let maxDegree = 0;
  for (let i = 0; i < size; i++) maxDegree = Math.max(maxDegree, cellAt(i, valuesAt(i), configs.check).degrees);
  return {
    study, axes, factors, size, maxDegree,
    cell(i) {
      const values = valuesAt(i);
      return { index: i, values, ...cellAt(i, values, configs.make) };
    },
  };
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
