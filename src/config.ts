// The run config: one JSON object that drives the API, the CLI and the browser alike.
// It is the SciML "problem + algorithm": `model`, `activation`, `target`, `noise`,
// `epsilon`, `m`, `init`, `time` say what to simulate; `solver` says how. Validation
// is a zod schema (also exported as JSON Schema); every refusal names the field.
import * as z from 'zod';
import { ConfigError, didYouMean } from './errors.js';
import { ACTIVATION_NAMES } from './hermite/activation.js';
import { compileExpression, EXPRESSION_FUNCTIONS, EXPRESSION_MAX_LENGTH, expressionErrorMessage } from './hermite/expression.js';
import { DEFAULT_MAX_STEPS, formatBytes, KEPT_WEIGHTS_LIMIT } from './limits.js';
import { SOLVER_METHODS } from './solvers/integrator.js';
import { KEEP_WEIGHTS_UP_TO, keepsWeights } from './solvers/solution.js';
import { defaultStart } from './time-grid.js';

/** Loosest relative tolerance accepted: at rtol = 1 learning times come out 15% off. */
export const MAX_RTOL = 0.1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const nonNegative = finite.refine((x) => x >= 0, 'must be ≥ 0');
const count = (max: number) => z.number().int('must be an integer').min(1, 'must be ≥ 1').max(max, `must be ≤ ${max}`);

/** A named activation: any string in the input type, refused here unless it is one of ACTIVATION_NAMES. */
const activationName = (description?: string) => z.string()
  .superRefine((name, ctx) => {
    if (!(ACTIVATION_NAMES as string[]).includes(name)) ctx.addIssue({ code: 'custom', message: `must be one of ${ACTIVATION_NAMES.join(', ')}${didYouMean(name, ACTIVATION_NAMES)}`, input: name });
  })
  .meta({ enum: ACTIVATION_NAMES, ...(description ? { description } : {}) });
/** An expression in z, parsed here so that a bad one is refused with its column before any work. */
const expression = z.string().max(EXPRESSION_MAX_LENGTH, `must be at most ${EXPRESSION_MAX_LENGTH} characters`).superRefine((text, ctx) => {
  const r = compileExpression(text);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: expressionErrorMessage(r), input: text });
}).describe(`an expression in z: numbers, z, pi, e, + - * / ^, parentheses and ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')} (erf is the plain erf(x)); at most ${EXPRESSION_MAX_LENGTH} characters`);

const activationSpec = z.union([
  activationName(),
  z.object({ name: activationName('one of the names above'), shift: finite.optional().describe('added to the argument: act(scale·z + shift)'), scale: finite.optional().describe('multiplies the argument: act(scale·z + shift)') }).strict(),
  z.object({ hermite: z.array(finite).min(1, 'needs at least one coefficient').describe('coefficients c_k of Σ c_k h_k(z), h_k = He_k/√k! (docs/MODEL.md)') }).strict(),
  z.object({ polynomial: z.array(finite).min(1, 'needs at least one coefficient').describe('coefficients c_k of Σ c_k u^k with u = scale·z + shift'), shift: finite.optional().describe('added to the argument'), scale: finite.optional().describe('multiplies the argument') }).strict(),
  z.object({ expr: expression }).strict(),
]).describe(`a name (${ACTIVATION_NAMES.join(', ')}), {name, shift, scale}, {hermite: [c_0, c_1, ...]}, {polynomial: [c_0, c_1, ...], shift, scale} or {expr: "tanh(z) + 0.1*z^3"}`);

const timeSpec = z.union([
  z.object({ at: z.array(nonNegative).min(1, 'needs at least one time').describe('the output times, strictly increasing') }).strict(),
  z.object({
    end: positive.describe('last output time'),
    points: count(1_000_000).describe('number of output times'),
    start: nonNegative.optional().describe('first output time (default: end·1e-8 with log spacing, 0 with linear)'),
    spacing: z.enum(['log', 'linear']).default('log').describe('log: equal ratios between output times; linear: equal gaps'),
  }).strict(),
]).describe('{at: [t...]} increasing output times, or {end, points, start, spacing: "log" | "linear"}');

export const configSchema = z.object({
  model: z.enum(['meanfield', 'network', 'sgd']).default('meanfield')
    .describe('meanfield: the d→∞ flow of (a_i, s_i); network: projected GD on the population risk at finite d; sgd: stochastic gradient descent'),
  activation: activationSpec.default('relu'),
  target: activationSpec.default({ hermite: [1, 1, 1] }),
  noise: nonNegative.default(0).describe('label noise τ'),
  epsilon: positive.default(1).describe('learning-rate ratio ε (second layer runs at 1/ε)'),
  m: count(1_000_000).describe('number of neurons'),
  seed: z.number().int('must be an integer').min(0, 'must be ≥ 0').max(2 ** 32 - 1, 'must be < 2^32').default(0)
    .describe('seed of every random draw: the same seed gives the same bits in every engine'),
  init: z.object({
    a: z.union([z.array(finite), z.object({
      law: z.enum(['normal', 'uniform', 'constant']).default('normal').describe('the law of each a_i(0)'),
      scale: finite.default(1).describe('its scale'),
      quantiles: z.boolean().optional().describe('place a_i(0) at the m quantiles (i + ½)/m of the law instead of drawing them: t_k(m) then varies smoothly with m'),
    }).strict()])
      .default({ law: 'normal', scale: 1 }).describe('second-layer weights: explicit values, or a law with scale (normal: N(0, scale²); uniform: U[−scale, scale]; constant: scale), drawn or, with quantiles: true, at its m quantiles'),
    s: z.union([z.array(finite), z.literal('zero'), z.object({ d: positive.describe('D: s_i(0) = g_i/√D with g_i ~ N(0, 1), as for random w_i in dimension D') }).strict()])
      .default('zero').describe('meanfield overlaps s_i(0): explicit values in [−1, 1], "zero", or {d: D} for g_i/√D'),
    w: z.array(z.array(finite)).optional().describe('network/sgd: explicit first-layer weights, m rows of length d'),
  }).strict().default({ a: { law: 'normal', scale: 1 }, s: 'zero' }).describe('the initial state'),
  time: timeSpec,
  solver: z.object({
    method: z.enum(SOLVER_METHODS).default('auto')
      .describe('meanfield integrator: auto (bdf below ε = 0.1, else dopri5), rk4 (fixed step dt), dopri5 (Dormand–Prince 5(4)), stiff (RODAS4), bdf (variable-order BDF)'),
    form: z.enum(['auto', 'kernel', 'moment']).default('auto').describe('kernel: O(m²), exact kernels; moment: O(mK), the series truncated at K; auto: kernel when the kernel has a closed form and m ≤ 64, else moment'),
    rtol: positive.refine((x) => x < MAX_RTOL, `must be < ${MAX_RTOL} (looser tolerances move learning times by percents)`).default(1e-8)
      .describe('relative tolerance of the adaptive methods'),
    atol: positive.default(1e-10).describe('absolute tolerance of the adaptive methods'),
    dt: positive.optional().describe('rk4 step; initial step for adaptive methods'),
    maxSteps: count(1e12).default(DEFAULT_MAX_STEPS).describe('most steps a run may take (network/sgd: end/eta steps must fit)'),
    truncation: count(400).optional()
      .describe('Hermite degree K of the truncated series (default: the larger degree when activation and target are both polynomials or Hermite lists, else 40; never below degrees)'),
  }).strict().default({ method: 'auto', form: 'auto', rtol: 1e-8, atol: 1e-10, maxSteps: DEFAULT_MAX_STEPS }).describe('how the meanfield flow is integrated'),
  degrees: z.number().int('must be an integer').min(0, 'must be ≥ 0').max(400, 'must be ≤ 400').default(3)
    .describe('report the Hermite components R_0..R_degrees'),
  threshold: finite.refine((x) => x > 0 && x < 1, 'must be in (0, 1)').default(0.1)
    .describe('learning time t_k: first t with R_k(t) ≤ threshold·R_k(0)'),
  keepWeights: z.boolean().optional().describe(`store a and s at every output time (default: when m·points ≤ ${KEEP_WEIGHTS_UP_TO.toExponential().replace('e+', 'e')})`),
  d: count(1e12).optional().describe('network/sgd: input dimension'),
  eta: positive.optional().describe('network/sgd: step size; t = eta·steps'),
  direction: z.array(finite).optional().describe('network/sgd: the target direction u_* (length d; default e_1)'),
  batch: count(1_000_000).default(1).describe('sgd: batch size'),
  samples: z.number().int('must be an integer').min(0, 'must be ≥ 0').default(0).describe('sgd: number of fixed samples for multi-pass SGD; 0 = online on fresh samples'),
}).strict().superRefine((c, ctx) => crossFieldRules(c, (path, message, input) => ctx.addIssue({ code: 'custom', path, message, input })));

type Fail = (path: (string | number)[], message: string, input?: unknown) => void;
type Parsed = z.output<typeof configSchema>;

/**
 * The rules between fields (lengths against m and d, time order, limits, model-only
 * fields), run on a config whose fields each passed their own schema; `fail` is called
 * once per broken rule. The schema runs them after its fields; a study checks cells that
 * differ only in a few fields with the same rules (src/study/validate.ts).
 */
export function crossFieldRules(c: Parsed, fail: Fail): void {
  if (Array.isArray(c.init.a) && c.init.a.length !== c.m) fail(['init', 'a'], `must have m = ${c.m} values`);
  if (Array.isArray(c.init.s)) {
    if (c.init.s.length !== c.m) fail(['init', 's'], `must have m = ${c.m} values`);
    const i = c.init.s.findIndex((s) => Math.abs(s) > 1);
    if (i >= 0) fail(['init', 's', i], 'must lie in [−1, 1]', c.init.s[i]);
  }
  if ('at' in c.time) {
    const at = c.time.at;
    const i = at.findIndex((t, j) => j > 0 && t <= at[j - 1]);
    if (i > 0) fail(['time', 'at', i], 'times must increase strictly', at[i]);
  } else {
    const start = c.time.start ?? defaultStart(c.time);
    if (c.time.spacing === 'log' && start <= 0) fail(['time', 'start'], 'must be > 0 with log spacing');
    if (start >= c.time.end) fail(['time', 'start'], `must be < end = ${c.time.end}`);
  }
  checkLimits(c, fail);
  if (c.model === 'meanfield') {
    for (const key of ['d', 'eta', 'direction'] as const) if (c[key] !== undefined) fail([key], 'applies to the network and sgd models only');
    if (c.init.w) fail(['init', 'w'], 'applies to the network and sgd models only');
    return;
  }
  if (c.init.s !== 'zero') fail(['init', 's'], 'applies to the meanfield model only (the network draws W(0), or takes init.w)');
  if (c.d === undefined) fail(['d'], `is required for model "${c.model}" (an integer ≥ 1)`);
  if (c.eta === undefined) fail(['eta'], `is required for model "${c.model}" (a number > 0)`);
  if (c.d !== undefined) {
    if (c.direction && c.direction.length !== c.d) fail(['direction'], `must have d = ${c.d} values`);
    if (c.direction && c.direction.every((x) => x === 0)) fail(['direction'], 'must not be the zero vector');
    if (c.init.w && (c.init.w.length !== c.m || c.init.w.some((row) => row.length !== c.d))) fail(['init', 'w'], `must be m = ${c.m} rows of d = ${c.d} values`);
  }
  if (c.model === 'sgd' && c.samples > 0 && c.batch > c.samples) fail(['batch'], `must be ≤ samples = ${c.samples}`);
}

/** The last output time a time spec asks for. */
export function lastTime(time: Parsed['time']): number {
  return 'at' in time ? time.at[time.at.length - 1] : time.end;
}

/**
 * Refuses runs that cannot finish (src/limits.ts): kept weights beyond what JavaScript arrays
 * hold, and step counts known to exceed solver.maxSteps (network/SGD: t = eta·steps; rk4: a
 * fixed step dt). The WebAssembly memory a run needs is checked when the core is loaded,
 * before the run starts (src/memory.ts).
 */
function checkLimits(c: Parsed, fail: Fail): void {
  const points = 'at' in c.time ? c.time.at.length : c.time.points;
  const keep = keepsWeights(c.keepWeights, c.m, points);
  const kept = 8 * c.m * (points + 1);
  if (keep && kept > KEPT_WEIGHTS_LIMIT) fail(['keepWeights'], `storing a and s at ${points} output times needs ${formatBytes(2 * kept)}, more than ${formatBytes(2 * KEPT_WEIGHTS_LIMIT)}; set keepWeights to false or ask for fewer points`);
  const end = lastTime(c.time);
  const endPath = 'at' in c.time ? ['time', 'at', c.time.at.length - 1] : ['time', 'end'];
  const { maxSteps } = c.solver;
  if (c.model !== 'meanfield' && c.eta !== undefined) {
    const steps = Math.round(end / c.eta);
    if (steps > maxSteps) fail(endPath, `reaching t = ${end} takes ${steps} steps of eta = ${c.eta}, more than solver.maxSteps = ${maxSteps}; shorten the time span or raise eta or solver.maxSteps`);
  }
  if (c.model === 'meanfield' && c.solver.method === 'rk4' && c.solver.dt !== undefined) {
    const steps = Math.ceil(end / c.solver.dt);
    if (steps > maxSteps) fail(endPath, `reaching t = ${end} takes ${steps} rk4 steps of dt = ${c.solver.dt}, more than solver.maxSteps = ${maxSteps}; shorten the time span or raise dt or solver.maxSteps`);
  }
}

export type RunConfig = z.output<typeof configSchema>;
export type RunConfigInput = z.input<typeof configSchema>;
export type TimeSpec = RunConfig['time'];

/** Validates a config (a parsed JSON object), filling defaults; throws ConfigError naming the first bad field. */
export function parseConfig(input: unknown): RunConfig {
  const r = configSchema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const { issue, schema } = located(r.error.issues[0]);
  const field = issue.path.length ? fieldPath(issue.path) : '(config)';
  // Echo the offending value for leaf fields only; for a whole object it would drown the message.
  const received = issue.code === 'unrecognized_keys' ? undefined : issue.input;
  throw new ConfigError(field, describeIssue(issue, schema), received);
}

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

/**
 * The issue to report and the schema at its path. A union's issue is replaced by the issue of
 * the one branch the value fits (its type, every required key present; unknown keys allowed),
 * so `time: {end, points, spacing: "exp"}` names time.spacing; with no such branch, or several,
 * the union's own issue stays.
 */
function located(first: Issue): { issue: Issue; schema: Schema | undefined } {
  let issue = first;
  let schema = schemaAt(configSchema, issue.path);
  while (issue.code === 'invalid_union') {
    const union = issue;
    const fitting = union.errors.map((branch, k) => ({ branch, k })).filter(({ branch }) => branch.every(fitsBranch));
    if (fitting.length !== 1) break;
    const { branch, k } = fitting[0];
    const inner = branch[0];
    const option = schema && unwrap(schema)._zod.def.type === 'union' ? (unwrap(schema)._zod.def as z.core.$ZodUnionDef).options[k] : undefined;
    issue = { ...inner, path: [...union.path, ...inner.path] } as Issue;
    schema = option && schemaAt(option, inner.path);
  }
  return { issue, schema };
}

/** An issue of a union branch that does not rule the branch out: below its top level, or an unknown key. */
function fitsBranch(issue: Issue): boolean {
  if (issue.path.length === 0) return issue.code === 'unrecognized_keys';
  return !(issue.path.length === 1 && issue.code === 'invalid_type' && issue.input === undefined);
}

/** The schema without its default, optional and pipe wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: Schema; in?: Schema };
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) return s;
    s = next;
  }
}

/** The schema at `path` below `schema` (undefined where a union leaves it open). */
function schemaAt(schema: Schema, path: PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = schema;
  for (const key of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as { type: string; shape?: Record<string, Schema>; element?: Schema };
    s = def.type === 'object' ? def.shape![String(key)] : def.type === 'array' ? def.element : undefined;
  }
  return s;
}

/** The keys an object schema knows (a union: those of any of its object forms). */
function knownKeys(schema: Schema | undefined): string[] {
  const def = schema && (unwrap(schema)._zod.def as { type: string; shape?: Record<string, Schema>; options?: Schema[] });
  if (def?.type === 'union') return def.options!.flatMap(knownKeys);
  return def?.type === 'object' ? Object.keys(def.shape!) : [];
}

/** `init.s[3]`-style path of a field. */
function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function describeIssue(issue: Issue, schema: Schema | undefined): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema);
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"${didYouMean(k, known)}`).join(', ')}`;
    }
    case 'invalid_union':
      return `must be ${unionForms[fieldPath(issue.path)] ?? 'one of the documented forms'}`;
    case 'invalid_type':
      return issue.input === undefined ? `is required (${article(issue.expected)})` : `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return expected === 'number' ? 'a finite number' : expected === 'int' ? 'an integer' : expected === 'array' ? 'an array' : expected === 'object' ? 'an object' : `a ${expected}`;
}

const unionForms: Record<string, string> = {
  activation: activationSpec.description!,
  target: activationSpec.description!,
  time: timeSpec.description!,
  'init.a': 'an array of m numbers or {law: "normal" | "uniform" | "constant", scale, quantiles}',
  'init.s': 'an array of m numbers in [−1, 1], "zero", or {d: D}',
};

/** The config schema as JSON Schema (draft 2020-12), for editors and other languages. */
export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
