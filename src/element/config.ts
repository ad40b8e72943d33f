// The config a <timescales-sim> runs: the element's defaults, then its `config` (the
// property, else the JSON attribute), then the single-field attributes. Pure, so that Node
// tests it; run() validates the outcome and names the bad field.
import { ConfigError } from '../errors.js';

/** Attributes that set one field of the config each. */
export const FIELD_ATTRIBUTES = ['model', 'm', 'epsilon', 'seed', 'activation'] as const;
export type FieldAttribute = (typeof FIELD_ATTRIBUTES)[number];

/**
 * What the element adds to a config that leaves these out: ten neurons and 200 output
 * times on a log grid up to t = 100 (Fig. 2's span), enough to show every plateau at ε ≥ 1e-6.
 */
export const ELEMENT_DEFAULTS = { m: 10, time: { start: 1e-6, end: 100, points: 200 } } as const;

export interface ElementSources {
  /** The `config` property, when set: it wins over the attribute. */
  property?: object | null;
  /** Attribute values by name (null: absent). */
  attributes: Partial<Record<'config' | FieldAttribute, string | null>>;
}

/** The config to run; ConfigError naming the attribute when one cannot be read. */
export function elementConfig({ property, attributes }: ElementSources): Record<string, unknown> {
  const base = property ?? parseJson(attributes.config ?? null, 'config');
  if (base !== undefined && (base === null || typeof base !== 'object' || Array.isArray(base))) {
    throw new ConfigError('config', 'must be a JSON object', base);
  }
  const config: Record<string, unknown> = { ...ELEMENT_DEFAULTS, ...(base as object | undefined) };
  for (const name of FIELD_ATTRIBUTES) {
    const value = attributes[name];
    if (value === null || value === undefined) continue;
    config[name] = name === 'model' ? value : name === 'activation' ? activationOf(value) : numberOf(value);
  }
  return config;
}

/** A JSON attribute's value; undefined when absent or blank. */
function parseJson(text: string | null, field: string): unknown {
  if (text === null || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `must be JSON (${(e as Error).message})`, text);
  }
}

/** A number attribute as a number; text that is not one stays text, for the schema to refuse by field. */
function numberOf(text: string): number | string {
  const trimmed = text.trim();
  const x = trimmed === '' ? NaN : Number(trimmed);
  return Number.isNaN(x) ? text : x;
}

/** `activation="tanh"` is a name; `activation='{"expr": "tanh(z)"}'` the object form. */
function activationOf(text: string): unknown {
  return /^\s*[{[]/.test(text) ? parseJson(text, 'activation') : text.trim();
}
