// Activations as a run config names them, resolved into what the Wasm kernels take:
// σ(z) = act(scale·z + shift) with `act` one of the codes of assembly/activations.ts,
// a polynomial Σ_j c_j u^j, a Hermite series Σ_k c_k h_k(z), or an expression in z.
import { ConfigError } from '../errors.js';
import { compileExpression, expressionErrorMessage, type CompiledExpression } from './expression.js';

/**
 * A run config's activation (or target): a name; a name with shift and scale; Hermite
 * coefficients [c_0, c_1, …] of Σ c_k h_k(z); or polynomial coefficients [c_0, c_1, …]
 * of Σ c_j u^j with u = scale·z + shift; or an expression in z (src/hermite/expression.ts).
 */
export type ActivationSpec =
  | string
  | { name: string; shift?: number; scale?: number }
  | { hermite: number[] }
  | { polynomial: number[]; shift?: number; scale?: number }
  | { expr: string };

/** Codes of assembly/activations.ts (ACT_*); test/activation.test.ts checks they match the module. */
export const ACTIVATION_CODES = {
  identity: 0,
  relu: 1,
  abs: 2,
  tanh: 3,
  erf: 4,
  sigmoid: 5,
  softplus: 6,
  gelu: 7,
  silu: 8,
  polynomial: 9,
  hermite: 10,
  expr: 11,
} as const;

/** Kernel kinds of assembly/kernels.ts (KERNEL_*); test/kernels.test.ts checks they match the module. */
export const KERNEL_KINDS = { series: 0, relu: 1, erf: 2 } as const;

export type ActivationName = Exclude<keyof typeof ACTIVATION_CODES, 'polynomial' | 'hermite' | 'expr'>;
/** The names a config may give an activation or target: the one list the schema and resolveActivation check. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATION_CODES)
  .filter((n) => n !== 'polynomial' && n !== 'hermite' && n !== 'expr') as ActivationName[];

export interface Activation {
  /** Readable name, e.g. 'relu' or 'tanh(2z - 0.3)'. */
  label: string;
  code: number;
  shift: number;
  scale: number;
  /** Polynomial or Hermite coefficients, or an expression's program; empty for named activations. */
  params: Float64Array;
  /** An {expr} spec compiled, and the config field it came from (for errors found when it is evaluated). */
  expression?: { compiled: CompiledExpression; field: string };
  /** U(ρ) = gain · (closed form `kind`) when exact, else null (use the Hermite series). */
  kernel: { kind: number; gain: number } | null;
}

function finiteNumber(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(field, 'must be a finite number', v);
  return v;
}

function coefficients(v: unknown, field: string): Float64Array {
  if (!Array.isArray(v) || v.length === 0 || !v.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    throw new ConfigError(field, 'must be a non-empty array of finite numbers', v);
  }
  return Float64Array.from(v as number[]);
}

function affineLabel(body: string, shift: number, scale: number): string {
  if (shift === 0 && scale === 1) return body;
  const lin = scale === 1 ? 'z' : scale === -1 ? '-z' : `${scale}z`;
  const arg = shift === 0 ? lin : `${lin} ${shift < 0 ? '-' : '+'} ${Math.abs(shift)}`;
  return `${body}(${arg})`;
}

/** The exact kernel of the named activations that have one (MODEL.md §1). */
function closedKernel(code: number, shift: number, scale: number): Activation['kernel'] {
  // relu(cz) = |c| relu(±z) and relu(−G1), relu(−G2) have the same joint law: gain c²
  if (code === ACTIVATION_CODES.relu && shift === 0) return { kind: KERNEL_KINDS.relu, gain: scale * scale };
  // erf(−z/√2) = −erf(z/√2): the kernel is even in the sign of the scale
  if (code === ACTIVATION_CODES.erf && shift === 0 && Math.abs(scale) === 1) return { kind: KERNEL_KINDS.erf, gain: 1 };
  return null;
}

/**
 * Validates an activation spec and resolves it. `field` names it in errors (e.g.
 * 'target'). Throws ConfigError for an unknown name (listing the allowed ones), a
 * non-finite shift or scale, scale = 0, empty or non-finite coefficients, or unknown keys.
 */
export function resolveActivation(spec: ActivationSpec, field = 'activation'): Activation {
  const named = typeof spec === 'string' ? { name: spec } : spec;
  if (named === null || typeof named !== 'object') {
    throw new ConfigError(field, 'must be a name or an object {name|hermite|polynomial, ...}', spec);
  }
  const keys = Object.keys(named);
  if ('expr' in named) {
    if (keys.length !== 1) throw new ConfigError(field, 'an {expr} spec takes no other field (write shifts and scales into the expression)', spec);
    return resolveExpression(named.expr, `${field}.expr`);
  }
  const allowedKeys = 'hermite' in named ? ['hermite'] : ['name', 'polynomial', 'shift', 'scale'];
  const extra = keys.find((k) => !allowedKeys.includes(k));
  if (extra !== undefined || ('name' in named && 'polynomial' in named)) {
    throw new ConfigError(field, 'must have exactly one of name, hermite, polynomial (with optional shift, scale)', spec);
  }
  if ('hermite' in named) {
    const params = coefficients(named.hermite, `${field}.hermite`);
    return { label: `hermite[${params.join(', ')}]`, code: ACTIVATION_CODES.hermite, shift: 0, scale: 1, params, kernel: null };
  }
  const shift = finiteNumber(named.shift, `${field}.shift`, 0);
  const scale = finiteNumber(named.scale, `${field}.scale`, 1);
  if (scale === 0) throw new ConfigError(`${field}.scale`, 'must be non-zero', scale);
  if ('polynomial' in named) {
    const params = coefficients(named.polynomial, `${field}.polynomial`);
    return {
      label: affineLabel(`poly[${params.join(', ')}]`, shift, scale),
      code: ACTIVATION_CODES.polynomial, shift, scale, params, kernel: null,
    };
  }
  const name = named.name;
  if (typeof name !== 'string' || !(ACTIVATION_NAMES as string[]).includes(name)) {
    throw new ConfigError(typeof spec === 'string' ? field : `${field}.name`, `must be one of ${ACTIVATION_NAMES.join(', ')}`, name);
  }
  const code = ACTIVATION_CODES[name as ActivationName];
  return { label: affineLabel(name, shift, scale), code, shift, scale, params: new Float64Array(0), kernel: closedKernel(code, shift, scale) };
}

/** An expression spec compiled; throws ConfigError naming `field` with the column of the first problem. */
function resolveExpression(text: unknown, field: string): Activation {
  if (typeof text !== 'string') throw new ConfigError(field, 'must be a string, an expression in z such as "tanh(z) + 0.1*z^3"', text);
  const compiled = compileExpression(text);
  if (!compiled.ok) throw new ConfigError(field, expressionErrorMessage(compiled), text);
  return { label: text, code: ACTIVATION_CODES.expr, shift: 0, scale: 1, params: compiled.code, expression: { compiled, field }, kernel: null };
}
