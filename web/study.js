// The study page: a study file in an editor, run on Web Workers (one per core) by the
// library's studyInBrowser; a heat map of one quantity over two numeric axes (heatmap.js),
// the t_k charts and the table of learning times per cell.
import { fmt, studyInBrowser } from '../dist/index.js';
import { heatmapSVG, numericAxes, quantities } from './heatmap.js';
import { esc } from '../dist/plot/svg.js';

const $ = (id) => document.getElementById(id);
const ui = {
  study: $('study'), run: $('run'), stop: $('stop'), status: $('status'), plots: $('plots'), summary: $('summary'),
  heatControls: $('heat-controls'), heatmap: $('heatmap'), heatQ: $('heat-q'), heatX: $('heat-x'), heatY: $('heat-y'),
};

/** A phase diagram: ε over five decades at five m; t_0 ≍ ε, t_1 ≍ ε^1/2, t_2 ≍ ε^1/4 for small ε. */
const example = {
  base: { seed: 1, time: { start: 1e-8, end: 100, points: 60 }, degrees: 2, keepWeights: false },
  grid: { epsilon: { log: [1e-1, 1e-6, 6] }, m: [2, 5, 10, 20, 40] },
};

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? fmt(v) : typeof v === 'string' ? v : JSON.stringify(v));

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function table(result) {
  const head = [...result.axes.map((a) => a.path), 'retcode', 'risk', ...Array.from({ length: result.maxDegree + 1 }, (_, k) => `t_${k}`), 'steps'];
  const rows = result.rows.map((r) => [...r.values, r.outcome.retcode, r.outcome.risk, ...Array.from({ length: result.maxDegree + 1 }, (_, k) => r.outcome.learningTimes[k] ?? null), r.outcome.steps]);
  return `<table class="study-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${esc(show(v))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

let controller = null;
let last = null;

/** Fills the heat map's choices from a result: the quantities, and its numeric axes for x and y. */
function heatChoices(result) {
  const axes = numericAxes(result);
  ui.heatControls.hidden = axes.length < 2;
  if (axes.length < 2) return;
  const options = (list, label) => list.map((v) => `<option value="${v}">${esc(label(v))}</option>`).join('');
  ui.heatQ.innerHTML = options(quantities(result), (q) => q);
  ui.heatQ.value = `t_${result.maxDegree}`;
  for (const [select, i] of [[ui.heatX, 0], [ui.heatY, 1]]) {
    select.innerHTML = options(axes, (a) => result.axes[a].path);
    select.value = String(axes[i]);
  }
}

function drawHeatmap() {
  if (!last || ui.heatControls.hidden || ui.heatX.value === ui.heatY.value) {
    ui.heatmap.innerHTML = '';
    return;
  }
  ui.heatmap.innerHTML = heatmapSVG(last, Number(ui.heatX.value), Number(ui.heatY.value), ui.heatQ.value);
}

async function run() {
  let input;
  try {
    input = JSON.parse(ui.study.value);
  } catch (e) {
    setStatus('error', `Invalid JSON: ${e.message}`);
    return;
  }
  controller = new AbortController();
  ui.run.disabled = true;
  ui.stop.disabled = false;
  setStatus('running', 'Checking the cells…');
  const workers = navigator.hardwareConcurrency || 2;
  try {
    const result = await studyInBrowser(input, {
      signal: controller.signal,
      workers,
      onProgress: ({ done, total, elapsedMs }) => setStatus('running', `${done}/${total} cells on ${workers} workers, ${fmt(done / Math.max(elapsedMs / 1000, 1e-3))} cells/s`),
    });
    last = result;
    heatChoices(result);
    drawHeatmap();
    ui.plots.innerHTML = result.charts.map((c) => c.svg).join('');
    ui.summary.innerHTML = table(result);
    const counts = Object.entries(result.summary.retcodes).map(([r, n]) => `${n} ${r}`).join(', ');
    setStatus('done', `${result.rows.length} cells on ${Math.min(workers, result.rows.length)} workers: ${counts}.`);
    window.studyResult = { csv: result.csv, charts: result.charts.length };
  } catch (e) {
    if (controller.signal.aborted) setStatus('stopped', 'Stopped.');
    else setStatus('error', `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
  } finally {
    ui.run.disabled = false;
    ui.stop.disabled = true;
    controller = null;
  }
}

ui.study.value = JSON.stringify(example, null, 2);
ui.run.addEventListener('click', run);
for (const select of [ui.heatQ, ui.heatX, ui.heatY]) select.addEventListener('change', drawHeatmap);
ui.stop.addEventListener('click', () => controller?.abort());
document.body.dataset.ready = 'true';
