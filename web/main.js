// The explorer page. One config, shown three ways and kept in step: the form generated from
// the config schema (controls.js), the JSON editor, and the URL hash (the fields that differ
// from the defaults, src/config-hash.ts), so that a link reproduces a run. Runs happen on
// the page's <timescales-sim> (one worker and one compiled module for the page's life);
// this page draws the risk of the current run over the earlier ones with the learning times
// marked (charts.js), the statistics that apply to the model, and the copies and downloads.
import * as library from '../dist/index.js';
import {
  ConfigError, configFromHash, configToHash, fmt, hermiteCoefficients, parseConfig, resolveActivation, resultToCSV, resultToJSON,
} from '../dist/index.js';
// The element's loadCore, not the library's: its cache holds the core the element runs on, so the page compiles it once.
import { loadCore } from '../dist/element.js';
import { coefficientChart, explorerFigure } from './charts.js';
import { applyField, controlsHTML, fields, fillForm } from './controls.js';
import { defaults, presetConfig, presets } from './presets.js';
import { esc } from '../dist/plot/svg.js';
import { subscript as sub } from '../dist/format.js';

const $ = (id) => document.getElementById(id);
const ui = {
  preset: $('preset'), form: $('config-form'), formError: $('form-error'), coefficients: $('coefficient-chart'),
  config: $('config'), run: $('run'), stop: $('stop'), status: $('status'), stats: $('stats'), copied: $('copied'),
  logRisk: $('log-risk'), clear: $('clear'), view: $('view'), plots: $('plots'), sim: $('sim'),
  copyLink: $('copy-link'), copyCli: $('copy-cli'), json: $('download-json'), csv: $('download-csv'), svg: $('download-svg'), png: $('download-png'),
};

/** Earlier runs kept as faint curves: at most this many (one colour each). */
const KEPT_RUNS = 9;

let config = structuredClone(defaults);
/** The JSON editor's parse error while its text is not JSON, else null. */
let jsonError = null;
/** The run on screen: its config, the frames so far, then its result. */
let current = null;
/** Finished runs behind the current one, oldest first: { config, t, risk }. */
let earlier = [];
let startedAt = 0;
/** Runs asked for; the status carries it (data-run) so that a watcher can tell one run's end from the last. */
let runCount = 0;

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? fmt(v) : String(v));

/** JSON with two-space indents, keeping arrays and objects on one line when they fit in `room` characters. */
function formatJSON(value, indent = '', room = 56) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const [open, close] = Array.isArray(value) ? '[]' : '{}';
  const keyed = Array.isArray(value) ? value.map((v) => ['', v]) : Object.entries(value).map(([k, v]) => [`${JSON.stringify(k)}: `, v]);
  const flat = `${open}${keyed.map(([k, v]) => k + formatJSON(v, '', Infinity)).join(', ')}${close}`;
  if (flat.length <= room) return flat;
  const inner = indent + '  ';
  const items = keyed.map(([k, v]) => inner + k + formatJSON(v, inner, 56 - inner.length - k.length));
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

function setStatus(state, html) {
  ui.status.dataset.state = state;
  ui.status.innerHTML = html;
}

// ---- the config: form, JSON editor, hash, checks ----

/** Makes `next` the config; `from` names the view it came from, which is not rewritten. */
function setConfig(next, from) {
  config = next;
  if (from !== 'form') fillForm(ui.form, config);
  if (from !== 'json') {
    ui.config.value = formatJSON(config);
    ui.config.classList.remove('invalid');
    jsonError = null;
  }
  if (from !== 'hash') writeHash();
  check();
  scheduleCoefficients();
}

function writeHash() {
  try {
    const hash = configToHash(config, defaults);
    history.replaceState(null, '', hash ? `#${hash}` : `${location.pathname}${location.search}`);
  } catch (e) {
    // A field the schema does not know (typed in the JSON editor): the check below names it.
    if (!(e instanceof ConfigError)) throw e;
  }
}

/** The form field showing config path `field` (`target.hermite[2]` → target.hermite, `target` → target.hermite). */
function fieldFor(field) {
  const path = field.replace(/\[\d+\]/g, '');
  const match = fields.filter((f) => path === f.path || path.startsWith(`${f.path}.`) || f.path.startsWith(`${path}.`));
  return match.length ? ui.form.elements.namedItem(match[0].path) : null;
}

/** Validates the config as run() will, marking the field a refusal names. */
function check() {
  for (const el of ui.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  ui.formError.textContent = '';
  if (checkExpression()) return;
  try {
    parseConfig(config);
  } catch (e) {
    ui.formError.textContent = `${e.name}: ${e.message}`;
    if (e instanceof ConfigError) fieldFor(e.field)?.setAttribute('aria-invalid', 'true');
  }
}

/**
 * An expression activation, parsed as the run will (compileExpression, where the library
 * has it): the message gives the column. True when refused.
 */
function checkExpression() {
  const text = config.activation?.expr;
  if (typeof text !== 'string' || typeof library.compileExpression !== 'function') return false;
  const r = library.compileExpression(text);
  if (r.ok) return false;
  const input = ui.form.elements.namedItem('activation.expr');
  ui.formError.textContent = `ConfigError: activation.expr: column ${r.index + 1}: ${r.message}`;
  input.setAttribute('aria-invalid', 'true');
  return true;
}

// ---- Hermite coefficients, live ----

let corePromise = null;
let coefficientTimer = 0;

function scheduleCoefficients() {
  clearTimeout(coefficientTimer);
  coefficientTimer = setTimeout(drawCoefficients, 60);
}

async function drawCoefficients() {
  let parsed;
  try {
    parsed = parseConfig(config);
  } catch {
    return; // the form shows the refusal; the chart keeps the last good coefficients
  }
  corePromise ??= loadCore();
  const { sigma, phi } = hermiteCoefficients(await corePromise, parsed);
  const K = Math.min(Math.max(8, lastNonzero(phi)), sigma.length - 1, 16);
  const list = (c) => Array.from(c.subarray(0, K + 1), (x) => fmt(x)).join(', ');
  ui.coefficients.innerHTML = coefficientChart(sigma, phi, K);
  ui.coefficients.setAttribute('role', 'img');
  ui.coefficients.setAttribute('aria-label', `σ₀…σ${sub(K)}: ${list(sigma)}; φ₀…φ${sub(K)}: ${list(phi)}`);
}

function lastNonzero(c) {
  for (let k = c.length - 1; k >= 0; k--) if (Math.abs(c[k]) > 1e-12) return k;
  return 0;
}

// ---- runs ----

function start() {
  ui.status.dataset.run = String(++runCount);
  if (jsonError) {
    setStatus('error', `<strong>Invalid JSON</strong>: ${esc(jsonError)}`);
    return;
  }
  if (current?.result) {
    earlier.push({ config: current.config, t: current.result.t, risk: current.result.risk });
    earlier = earlier.slice(-KEPT_RUNS);
  }
  current = { config: structuredClone(config), t: [], risk: [], result: null };
  ui.stats.innerHTML = '';
  ui.run.disabled = true;
  ui.stop.disabled = false;
  for (const b of [ui.json, ui.csv, ui.svg, ui.png]) b.disabled = true;
  setStatus('running', 'Running…');
  startedAt = performance.now();
  ui.sim.config = current.config;
  ui.sim.run().catch(() => {}); // reported by the error event
  draw();
}

function finish() {
  ui.run.disabled = false;
  ui.stop.disabled = true;
  ui.clear.disabled = earlier.length === 0;
}

ui.sim.addEventListener('frame', ({ detail }) => {
  if (!current || current.result) return;
  current.t.push(detail.t);
  current.risk.push(detail.risk);
  setStatus('running', `Running… t = ${show(detail.t)} (${current.t.length} frames)`);
  scheduleDraw();
});

ui.sim.addEventListener('done', ({ detail: result }) => {
  if (!current) return;
  current.result = result;
  finish();
  draw();
  showStats(result);
  for (const b of [ui.json, ui.csv, ui.svg, ui.png]) b.disabled = false;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  const at = `at t = ${show(result.t.at(-1))} after ${seconds} s`;
  if (result.retcode === 'success') setStatus('done', `Done in ${seconds} s.`);
  else if (result.retcode === 'aborted') setStatus('stopped', `Stopped ${at}; the plots show the frames computed.`);
  else setStatus('failed', `The run stopped early (${esc(result.retcode)}) ${at}: see the return code below.`);
});

ui.sim.addEventListener('error', ({ detail }) => {
  setStatus('error', `<strong>${esc(detail.name)}</strong>: ${esc(detail.message)}`);
  if (detail.field !== null) fieldFor(detail.field)?.setAttribute('aria-invalid', 'true');
  if (current && !current.result) current = null;
  finish();
});

/** The statistics that apply to the method that ran: no Jacobians for SGD, no rejected steps for rk4. */
function showStats(result) {
  const { stats, retcode, message, note, learningTimes, degrees, m } = result;
  const rows = [['return code', retcode + (message ? ` — ${message}` : '')], ['method', stats.method]];
  if (stats.method === 'gd' || stats.method === 'sgd') {
    rows.push(['updates', `${stats.steps} (η = ${result.config.eta})`]);
  } else {
    rows.push(['steps', stats.method === 'rk4' ? String(stats.steps) : `${stats.steps} (${stats.rejectedSteps} rejected)`]);
    rows.push(['RHS evaluations', String(stats.rhsEvaluations)]);
    if (stats.jacobianEvaluations > 0 || stats.linearSolves > 0) rows.push(['Jacobians / linear solves', `${stats.jacobianEvaluations} / ${stats.linearSolves}`]);
  }
  rows.push(['wall time', `${stats.wallMs.toFixed(0)} ms`], ['neurons, degrees', `m = ${m}, R₀…R${sub(degrees)}`]);
  rows.push(...learningTimes.map((t, k) => [`learning time t${sub(k)}`, show(t)]));
  // The theory block (docs/theory.md), where the library adds one to results.
  if (result.theory) {
    const { plateaus, measured, unlearnable } = result.theory;
    rows.push(['plateaus, theory', plateaus.map(show).join(' → ')]);
    if (measured) rows.push(['plateaus, measured', measured.plateaus.map(show).join(' → ')]);
    for (const u of unlearnable ?? []) rows.push([`R${sub(u.k)} not learnt`, u.reason]);
  }
  if (note) rows.push(['note', note]);
  ui.stats.innerHTML = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`).join('');
}

// ---- plots ----

let drawPending = false;
function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

/** What the figure shows of the current run: the whole result, or the risk so far. */
function currentTrace({ neurons = false } = {}) {
  const r = current?.result;
  if (!r) return current && { t: current.t, risk: current.risk };
  return {
    t: r.t, risk: r.risk, mfRisk: r.mfRisk, components: r.components, degrees: r.degrees, m: r.m, learningTimes: r.learningTimes,
    plateaus: r.theory?.plateaus, a: neurons ? r.a : undefined, s: neurons ? r.s : undefined,
  };
}

/** An earlier run is named by what differs from the current run's config. */
function label(run) {
  const diff = current ? configToHash(run.config, current.config).replace(/&/g, ', ') : '';
  const text = decodeURIComponent(diff) || 'same config';
  return `earlier: ${text.length > 36 ? `${text.slice(0, 35)}…` : text}`;
}

/** The time axis: the current config's span, widened to the earlier runs' (so that live plots grow into a fixed frame). */
function timeAxis() {
  const time = current?.config.time ?? {};
  const type = time.spacing === 'linear' ? 'linear' : 'log';
  let [min, max] = time.at ? [time.at[0], time.at.at(-1)] : [time.start, time.end];
  for (const e of earlier) {
    const t = Array.from(e.t).filter((v) => type === 'linear' || v > 0);
    if (t.length) [min, max] = [Math.min(min ?? t[0], t[0]), Math.max(max ?? t.at(-1), t.at(-1))];
  }
  const ok = Number.isFinite(min) && Number.isFinite(max) && min < max && (type === 'linear' || min > 0);
  return ok ? { type, min, max } : { type };
}

function figureSVG(options) {
  const run = currentTrace(options);
  if (!run) return '';
  const faint = earlier.map((e) => ({ t: e.t, risk: e.risk, label: label(e) }));
  return explorerFigure(run, { earlier: faint, logRisk: ui.logRisk.checked, time: timeAxis() });
}

function draw() {
  ui.plots.innerHTML = figureSVG();
  ui.clear.disabled = earlier.length === 0;
}

// ---- copies and downloads ----

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    ui.copied.textContent = `${what} copied.`;
  } catch {
    ui.copied.textContent = `${what}: ${text}`;
  }
}

/** The command that runs the same config from a shell. */
function cliCommand() {
  const json = JSON.stringify(config).replace(/'/g, "'\\''");
  return `echo '${json}' | npx timescales run - --out result.json`;
}

function download(name, type, data) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The result as the library's RunResult: the element's copy leaves out the resolved activation and target. */
function fullResult(r) {
  const coefficients = { ...r.coefficients, activation: resolveActivation(r.config.activation, 'activation'), target: resolveActivation(r.config.target, 'target') };
  return { ...r, coefficients };
}

async function pngOf(svg) {
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth * 2;
  canvas.height = image.naturalHeight * 2;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

// ---- wiring ----

async function choosePreset() {
  try {
    setConfig(await presetConfig(presets[Number(ui.preset.value)]));
    start();
  } catch (e) {
    setStatus('error', `<strong>Error</strong>: ${esc(e.message)}`);
  }
}

/** The config of the page's hash (the defaults without one); a bad link is reported and the defaults used. */
function readHash() {
  try {
    setConfig(configFromHash(location.hash, defaults), 'hash');
    return true;
  } catch (e) {
    setConfig(structuredClone(defaults), 'hash');
    setStatus('error', `<strong>This link could not be read</strong>: ${esc(e.message)}. The defaults are shown.`);
    return false;
  }
}

ui.form.innerHTML = controlsHTML();
ui.preset.innerHTML = presets.map((p, i) => `<option value="${i}">${esc(p.label)}</option>`).join('');
ui.preset.addEventListener('change', choosePreset);
ui.form.addEventListener('input', (e) => setConfig(applyField(config, e.target), 'form'));
ui.form.addEventListener('change', () => fillForm(ui.form, config));
ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (!ui.run.disabled) start();
});
ui.config.addEventListener('input', () => {
  try {
    const parsed = JSON.parse(ui.config.value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the config must be a JSON object');
    jsonError = null;
    ui.config.classList.remove('invalid');
    setConfig(parsed, 'json');
  } catch (e) {
    jsonError = e.message;
    ui.config.classList.add('invalid');
  }
});
ui.config.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !ui.run.disabled) start();
});
ui.run.addEventListener('click', start);
ui.stop.addEventListener('click', () => ui.sim.stop());
ui.logRisk.addEventListener('change', draw);
ui.clear.addEventListener('click', () => {
  earlier = [];
  draw();
});
ui.view.addEventListener('change', () => { ui.sim.view = ui.view.value; });
ui.copyLink.addEventListener('click', () => copy(location.href, 'Link'));
ui.copyCli.addEventListener('click', () => copy(cliCommand(), 'Command'));
ui.json.addEventListener('click', () => download('timescales-result.json', 'application/json', `${JSON.stringify(resultToJSON(fullResult(current.result)))}\n`));
ui.csv.addEventListener('click', () => download('timescales-result.csv', 'text/csv', resultToCSV(current.result)));
ui.svg.addEventListener('click', () => download('timescales-figure.svg', 'image/svg+xml', figureSVG({ neurons: true })));
ui.png.addEventListener('click', async () => download('timescales-figure.png', 'image/png', await pngOf(figureSVG({ neurons: true }))));
window.addEventListener('hashchange', () => {
  if (readHash() && !ui.run.disabled) start();
});

// A link reproduces its run: the page runs what it opens with.
if (readHash()) start();
else finish();
document.body.dataset.ready = 'true';
