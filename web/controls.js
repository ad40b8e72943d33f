// The explorer's form: one field per config path (name="epsilon", name="target.hermite"),
// each holding the config's value at that path. The fields come from the config's JSON
// Schema (label help from its descriptions, choices from its enums, bounds from its
// minimum and maximum) and the table below, which says which widget each path gets.
import { ACTIVATION_NAMES, configJsonSchema } from '../dist/index.js';
import { numberText } from '../dist/config-hash.js';
import { esc } from '../dist/plot/svg.js';

/** The fields, in page order. `models`: shown only for these models. */
export const fields = [
  { path: 'model', label: 'Model', widget: 'select' },
  { path: 'activation', label: 'Activation σ', widget: 'activation' },
  { path: 'activation.expr', label: 'Expression σ(z)', widget: 'expression' },
  { path: 'target.hermite', label: 'Target φ: Hermite coefficients φ₀, φ₁, …', widget: 'list' },
  { path: 'epsilon', label: 'ε, learning-rate ratio', widget: 'log', decades: [-10, 1] },
  { path: 'm', label: 'm, neurons', widget: 'number' },
  { path: 'seed', label: 'Seed', widget: 'number' },
  { path: 'd', label: 'd, input dimension', widget: 'number', models: ['network', 'sgd'] },
  { path: 'eta', label: 'η, step size', widget: 'number', models: ['network', 'sgd'] },
];

/** What a model needs that another does not have: filled in when the model is switched to. */
export const modelDefaults = { network: { d: 1000, eta: 1e-3 }, sgd: { d: 100, eta: 1e-3 } };

const EXPRESSION = '(expression)';
const OTHER = '(other)';

/** The schema node of a dotted path, looking into a union's forms for the one that has it. */
function schemaAt(schema, path) {
  let nodes = [schema];
  for (const key of path.split('.')) {
    nodes = nodes.flatMap((n) => [n, ...(n.anyOf ?? [])]).flatMap((n) => (n.properties && Object.hasOwn(n.properties, key) ? [n.properties[key]] : []));
  }
  return nodes[0];
}

/** The value at a dotted path, or undefined. */
export function getPath(config, path) {
  let node = config;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets (or, for undefined, removes) the value at a dotted path, making objects on the way. */
export function setPath(config, path, value) {
  const keys = path.split('.');
  let node = config;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object' || Array.isArray(node[key])) node[key] = {};
    node = node[key];
  }
  if (value === undefined) delete node[keys.at(-1)];
  else node[keys.at(-1)] = value;
}

/** A number as a field shows it: integers in full (1000, not 1e3), others in their shortest exact form. */
const numberField = (x) => (Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : numberText(x));
const idOf = (path) => `field-${path.replace(/\./g, '-')}`;

/** The form's HTML: a label, the field, and the schema's description as its help text. */
export function controlsHTML() {
  const schema = configJsonSchema();
  return fields.map((f) => {
    const node = schemaAt(schema, f.path) ?? {};
    const id = idOf(f.path);
    const help = node.description ? `<small id="${id}-help">${esc(node.description)}</small>` : '';
    const described = help ? ` aria-describedby="${id}-help"` : '';
    const models = f.models ? ` data-models="${f.models.join(' ')}"` : '';
    const label = `<label for="${id}">${esc(f.label)}</label>`;
    let input;
    if (f.widget === 'select') {
      input = `<select id="${id}" name="${f.path}"${described}>${node.enum.map((v) => `<option>${esc(v)}</option>`).join('')}</select>`;
    } else if (f.widget === 'activation') {
      const options = [...ACTIVATION_NAMES.map((v) => `<option>${esc(v)}</option>`), `<option value="${EXPRESSION}">expression (below)</option>`, `<option value="${OTHER}" disabled>other (in the JSON)</option>`];
      input = `<select id="${id}" name="${f.path}">${options.join('')}</select>`;
    } else if (f.widget === 'expression') {
      input = `<input id="${id}" name="${f.path}" type="text" spellcheck="false" autocomplete="off" placeholder="e.g. tanh(z)+0.1*z^3">`;
    } else if (f.widget === 'list') {
      input = `<input id="${id}" name="${f.path}" type="text" inputmode="decimal" spellcheck="false" autocomplete="off"${described}>`;
    } else {
      const integer = node.type === 'integer';
      const bounds = `${node.minimum !== undefined ? ` min="${node.minimum}"` : ''}${node.maximum !== undefined ? ` max="${node.maximum}"` : ''}`;
      input = `<input id="${id}" name="${f.path}" type="number" step="${integer ? 1 : 'any'}"${bounds}${described}>`;
      if (f.widget === 'log') {
        const [lo, hi] = f.decades;
        input = `<span class="log">${input}<input type="range" id="${id}-log" min="${lo}" max="${hi}" step="0.1" aria-label="log₁₀ ${esc(f.label)}"></span>`;
      }
    }
    return `<div class="field" data-path="${f.path}"${models}>${label}${input}${help}</div>`;
  }).join('');
}

/** Shows `config` in the form (each field holds the value at its path). */
export function fillForm(form, config) {
  for (const f of fields) {
    const input = form.elements.namedItem(f.path);
    const value = getPath(config, f.path);
    if (f.widget === 'activation') {
      input.value = typeof value === 'string' && ACTIVATION_NAMES.includes(value) ? value : value && typeof value === 'object' && 'expr' in value ? EXPRESSION : OTHER;
    } else if (f.widget === 'list') {
      input.value = Array.isArray(value) ? value.map((x) => (typeof x === 'number' ? numberField(x) : String(x))).join(', ') : '';
      input.placeholder = Array.isArray(value) || getPath(config, 'target') === undefined ? '' : `target is ${JSON.stringify(getPath(config, 'target'))}; type coefficients to replace it`;
    } else if (f.widget === 'expression') {
      input.value = typeof value === 'string' ? value : '';
      input.disabled = typeof getPath(config, 'activation') === 'string' && value === undefined;
    } else {
      input.value = value === undefined ? '' : typeof value === 'number' ? numberField(value) : String(value);
      if (f.widget === 'log') {
        const slider = form.querySelector(`#${idOf(f.path)}-log`);
        if (typeof value === 'number' && value > 0) slider.value = String(Math.log10(value));
      }
    }
  }
  const model = getPath(config, 'model') ?? 'meanfield';
  for (const div of form.querySelectorAll('[data-models]')) {
    const shown = div.dataset.models.split(' ').includes(model);
    div.hidden = !shown;
    for (const el of div.querySelectorAll('input, select')) el.disabled = !shown;
  }
}

/**
 * Applies the edit of one field to `config` (a copy is returned). Number fields: empty
 * removes the field, text that is not a number is kept as text for the run to refuse by
 * name. The log slider sets ε to three significant digits.
 */
export function applyField(config, target) {
  const next = structuredClone(config);
  if (target.type === 'range') {
    const path = target.closest('[data-path]').dataset.path;
    setPath(next, path, Number((10 ** Number(target.value)).toPrecision(3)));
    return next;
  }
  const f = fields.find((x) => x.path === target.name);
  if (!f) return next;
  const text = target.value.trim();
  if (f.widget === 'activation') {
    if (text === EXPRESSION) setPath(next, 'activation', { expr: target.form.elements.namedItem('activation.expr').value || 'tanh(z)' });
    else if (text !== OTHER) setPath(next, 'activation', text);
  } else if (f.widget === 'expression') {
    setPath(next, 'activation', { expr: target.value });
  } else if (f.widget === 'list') {
    setPath(next, 'target', { hermite: text === '' ? [] : text.split(/[\s,;]+/).filter(Boolean).map((x) => (Number.isNaN(Number(x)) ? x : Number(x))) });
  } else if (f.widget === 'select') {
    setPath(next, f.path, text);
    if (f.path === 'model') switchModel(next);
  } else {
    setPath(next, f.path, text === '' ? undefined : Number.isNaN(Number(text)) ? text : Number(text));
  }
  return next;
}

/** After a model change: drop the fields the new model refuses, fill the ones it needs. */
function switchModel(config) {
  for (const f of fields) {
    if (f.models && !f.models.includes(config.model)) setPath(config, f.path, undefined);
  }
  if (config.model === 'meanfield') delete config.direction;
  for (const [key, value] of Object.entries(modelDefaults[config.model] ?? {})) config[key] ??= value;
}
