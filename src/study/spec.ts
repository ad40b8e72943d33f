// The study file: a base run config and a grid of axes over dotted config paths,
//   {"base": {...}, "grid": {"epsilon": {"log": [1e-1, 1e-8, 8]}, "m": [10, 20, 50], "seed": {"range": [0, 100]}},
//    "zip": [["eta", "time.end"]]}
// whose cells are the product of the axes (axes in one zip group vary together) applied
// to `base`. This file checks the study's own shape; every cell's config is then checked
// by the run config's schema (plan.ts) before anything runs.
import * as z from 'zod';
import type { RunConfigInput } from '../config.js';
import { ConfigError } from '../errors.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const points = z.number().int('must be an integer').min(1, 'must be ≥ 1').max(1_000_000, 'must be ≤ 1000000');

/** One axis: its values, or a generator of them. */
export const axisSchema = z.union([
  z.array(z.unknown()).min(1, 'needs at least one value'),
  z.object({ log: z.tuple([positive, positive, points]) }).strict(),
  z.object({ linear: z.tuple([finite, finite, points]) }).strict(),
  z.object({ range: z.tuple([z.number().int('must be an integer'), points]) }).strict(),
]).describe('a list of values, {log: [from, to, n]} (n values evenly spaced in log, from and to > 0), {linear: [from, to, n]}, or {range: [first, count]} (the integers first, first + 1, …)');

/** A dotted path into the run config: `epsilon`, `solver.rtol`, `init.a.scale`, `target.hermite.2`. */
const pathSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/, 'must be a dotted config path such as "epsilon" or "solver.rtol"');

export const studySchema = z.object({
  base: z.record(z.string(), z.unknown()).describe('the run config every cell starts from (see the run config schema); the grid sets fields of it'),
  grid: z.record(pathSchema, axisSchema)
    .refine((g) => Object.keys(g).length > 0, 'needs at least one axis')
    .describe('one axis per dotted config path; the cells are the product of the axes, the first axis varying slowest'),
  zip: z.array(z.array(z.string()).min(2, 'a zip group needs at least two axes')).optional()
    .describe('groups of grid paths whose axes vary together (equal lengths) rather than as a product'),
}).strict();

export type StudyFile = z.output<typeof studySchema>;

/** T with every field optional, at every depth (arrays stay whole). */
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * A study file as a TypeScript caller writes it: `base` is a run config whose fields may
 * be left to the grid (so any of them may be missing), typed so that a misspelt or
 * mistyped field fails to compile. Grid paths are strings, checked when the study starts.
 */
export type StudyInput = Omit<z.input<typeof studySchema>, 'base'> & { base: DeepPartial<RunConfigInput> };
export type Axis = z.output<typeof axisSchema>;

/** Checks the study's shape (not yet its cells); throws ConfigError naming the field. */
export function parseStudy(input: unknown): StudyFile {
  const r = studySchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.length ? studyPath(issue.path) : '(study)';
    const rule = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.code === 'invalid_union' ? `must be ${axisSchema.description}`
      : issue.code === 'invalid_type' ? (issue.input === undefined ? `is required (${issue.expected})` : `must be ${issue.expected === 'record' ? 'an object' : `a ${issue.expected}`}`)
      : issue.message;
    const leaf = issue.input === null || typeof issue.input !== 'object';
    throw new ConfigError(field, rule, issue.code === 'unrecognized_keys' || issue.code === 'invalid_union' || !leaf ? undefined : issue.input);
  }
  const study = r.data;
  const seen = new Set<string>();
  (study.zip ?? []).forEach((group, g) => group.forEach((path, j) => {
    if (!(path in study.grid)) throw new ConfigError(`zip[${g}][${j}]`, `must name an axis of the grid (${Object.keys(study.grid).map((p) => `"${p}"`).join(', ')})`, path);
    if (seen.has(path)) throw new ConfigError(`zip[${g}][${j}]`, 'names an axis already in a zip group', path);
    seen.add(path);
  }));
  for (const path of Object.keys(study.grid)) {
    if (Object.keys(study.grid).some((other) => other.startsWith(`${path}.`))) {
      throw new ConfigError(`grid["${path}"]`, 'overlaps another axis that sets a field inside it');
    }
  }
  return study;
}

/** `grid["solver.rtol"].log[2]`-style path of a field of the study file. */
export function studyPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 1 && path[0] === 'grid' ? `["${String(p)}"]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** The study file's JSON Schema (draft 2020-12); `base` is described by the run config's schema. */
export function studyJsonSchema(): object {
  return z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' });
}
