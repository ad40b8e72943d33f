// The explorer page: presets and a JSON editor, Run and Stop, live plots, stats and errors.
import { fmt } from '../dist/index.js';
import { traceFigure } from './charts.js';
import { presetConfig, presets } from './presets.js';
import { simulate } from './simulation.js';

const $ = (id) => document.getElementById(id);
const ui = {
  preset: $('preset'), config: $('config'), run: $('run'), stop: $('stop'),
  logRisk: $('log-risk'), status: $('status'), stats: $('stats'), plots: $('plots'),
};
let current = null;
let lastTrace = null;
let lastConfig = null;

const show = (v) => (v === null || v === undefined ? '—' : fmt(v));

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

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The time axis the config asks for, so that live plots grow into a fixed frame. */
function timeAxis(time = {}) {
  const type = time.spacing === 'linear' ? 'linear' : 'log';
  const [min, max] = time.at ? [time.at[0], time.at.at(-1)] : [time.start, time.end];
  const ok = Number.isFinite(min) && Number.isFinite(max) && min < max && (type === 'linear' || min > 0);
  return ok ? { type, min, max } : { type };
}

function draw() {
  if (lastTrace) ui.plots.innerHTML = traceFigure(lastTrace, { logRisk: ui.logRisk.checked, time: timeAxis(lastConfig?.time) });
}

function showStats({ stats, retcode, message, learningTimes, degrees, m }) {
  const rows = [
    ['return code', retcode + (message ? ` — ${message}` : '')],
    ['method', stats.method],
    ['steps', `${stats.steps} (${stats.rejectedSteps} rejected)`],
    ['RHS evaluations', stats.rhsEvaluations],
    ['Jacobians / linear solves', `${stats.jacobianEvaluations} / ${stats.linearSolves}`],
    ['wall time', `${stats.wallMs.toFixed(0)} ms`],
    ['neurons, degrees', `m = ${m}, R_0…R_${degrees}`],
    ...learningTimes.map((t, k) => [`learning time t_${k}`, show(t)]),
  ];
  ui.stats.innerHTML = rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('');
}

function showError(error) {
  // A ConfigError's message starts with the field it names.
  setStatus('error', `<strong>${escape(error.name)}</strong>: ${escape(error.message)}`);
  ui.config.classList.add('invalid');
}

async function start() {
  let config;
  try {
    config = JSON.parse(ui.config.value);
  } catch (e) {
    return showError({ name: 'Invalid JSON', message: e.message });
  }
  ui.config.classList.remove('invalid');
  ui.stats.innerHTML = '';
  ui.run.disabled = true;
  ui.stop.disabled = false;
  lastConfig = config;
  setStatus('running', 'Running…');
  const started = performance.now();
  current = simulate(config, {
    onUpdate(trace) {
      lastTrace = trace;
      draw();
      const t = trace.t.at(-1);
      if (current && t !== undefined) setStatus('running', `Running… t = ${show(t)} (${trace.t.length} frames)`);
    },
    onProgress(fraction) {
      setStatus('running', `Running… ${(100 * fraction).toFixed(0)} %`);
    },
  });
  const outcome = await current.done;
  current = null;
  ui.run.disabled = false;
  ui.stop.disabled = true;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (outcome.type === 'error') return showError(outcome.error);
  if (outcome.type === 'stopped') return setStatus('stopped', `Stopped after ${seconds} s; the plots show the frames received.`);
  const { retcode, t } = outcome.result;
  showStats(outcome.result);
  if (retcode === 'success') return setStatus('done', `Done in ${seconds} s.`);
  const at = `at t = ${show(t.at(-1))} after ${seconds} s`;
  if (retcode === 'aborted') return setStatus('stopped', `Stopped ${at}.`);
  setStatus('failed', `The run stopped early (${escape(retcode)}) ${at}: see the return code below.`);
}

async function loadPreset() {
  const preset = presets[Number(ui.preset.value)];
  try {
    ui.config.value = formatJSON(await presetConfig(preset));
    ui.config.classList.remove('invalid');
  } catch (e) {
    showError({ name: 'Error', message: e.message });
  }
}

ui.preset.innerHTML = presets.map((p, i) => `<option value="${i}">${escape(p.label)}</option>`).join('');
ui.preset.addEventListener('change', loadPreset);
ui.run.addEventListener('click', start);
ui.stop.addEventListener('click', () => current?.stop());
ui.logRisk.addEventListener('change', draw);
ui.config.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !ui.run.disabled) start();
});
await loadPreset();
document.body.dataset.ready = 'true';
