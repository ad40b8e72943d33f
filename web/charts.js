// The explorer's plots, as one SVG figure: the risk (earlier runs faint behind the current
// one, the learning times t_k as dashed verticals, the theory's plateaus as dotted
// horizontals when the result has them), its Hermite components R_k(t), and every
// neuron's a_i(t) and s_i(t); and the Hermite coefficients of the activation and the target.
import { figure, fmt, lineChart, palette } from '../dist/index.js';
import { subscript as sub } from '../dist/format.js';

const column = (flat, width, k) => Array.from({ length: flat.length / width }, (_, j) => flat[j * width + k]);
const size = { width: 470, height: 300 };
/** Earlier runs: the palette's colours at 45% opacity, thinner. */
const faint = (i) => `${palette[(i + 1) % palette.length]}73`;

/**
 * `run`: { t, risk, mfRisk?, components?, a?, s?, m, degrees, learningTimes?, plateaus? } (arrays or
 * typed arrays; a result or the frames so far); `earlier`: [{ t, risk, label }];
 * `logRisk`: log10 risk axes; `time`: the time axis ({ type, min?, max? }).
 */
export function explorerFigure(run, { earlier = [], logRisk = false, time = { type: 'log' } } = {}) {
  const x = { ...time, label: 't' };
  const y = (label) => ({ label, type: logRisk ? 'log' : 'linear' });
  const series = earlier.map((e, i) => ({ x: e.t, y: e.risk, name: e.label, color: faint(i), width: 1.2 }));
  if (run.mfRisk?.length) series.push({ x: run.t, y: run.risk, name: 'R (population)', color: '#222', width: 2 }, { x: run.t, y: run.mfRisk, name: 'R_mf', color: '#222', dash: '5 3' });
  else series.push({ x: run.t, y: run.risk, name: 'R_mf', color: '#222', width: 2 });
  series.push(...learningTimeMarks(run.learningTimes ?? [], series, logRisk));
  if (run.plateaus?.length && run.t.length > 1) {
    const ends = [run.t[0] || run.t[1], run.t[run.t.length - 1]];
    series.push(...run.plateaus.map((p, k) => ({ x: ends, y: [p, p], color: '#777', dash: '1 3', width: 1, name: k === 0 ? 'plateaus (theory)' : undefined })));
  }
  // The risk falls from the top left: its legend goes bottom left.
  const charts = [{ ...size, title: 'Risk', x, y: y('risk'), series, legend: 'bottom-left' }];
  const D1 = (run.degrees ?? -1) + 1;
  if (run.components?.length && D1 > 0) {
    charts.push({ ...size, title: 'Hermite components Rₖ(t)', x, y: y('Rₖ'),
      series: Array.from({ length: D1 }, (_, k) => ({ x: run.t, y: column(run.components, D1, k), name: `R${sub(k)}`, color: palette[k % palette.length] })) });
  }
  const neurons = (flat) => Array.from({ length: run.m }, (_, i) => ({ x: run.t, y: column(flat, run.m, i), width: 1.2 }));
  if (run.a?.length) charts.push({ ...size, title: 'Second-layer weights aᵢ(t)', x, y: { label: 'aᵢ' }, series: neurons(run.a), legend: 'none' });
  if (run.s?.length) charts.push({ ...size, title: 'Overlaps sᵢ(t) = ⟨wᵢ, u*⟩', x, y: { label: 'sᵢ' }, series: neurons(run.s), legend: 'none' });
  return figure(charts, { columns: 2 });
}

/** Each finite t_k as a dashed vertical over the risk's range, coloured as R_k. */
function learningTimeMarks(times, series, logRisk) {
  const ys = series.flatMap((s) => Array.from(s.y)).filter((v) => Number.isFinite(v) && (!logRisk || v > 0));
  if (!ys.length) return [];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  return times.flatMap((t, k) => (t === null || !Number.isFinite(t) ? [] : [{
    x: [t, t], y: [lo, hi], name: `t${sub(k)} = ${fmt(t)}`, color: palette[k % palette.length], dash: '2 3', width: 1.2,
  }]));
}

/** The Hermite coefficients σ_k of the activation and φ_k of the target, k = 0..K, as a bar-like line chart. */
export function coefficientChart(sigma, phi, K) {
  const k = Array.from({ length: K + 1 }, (_, i) => i);
  const stems = (c, dx, color, name) => ({ x: k.flatMap((i) => [i + dx, i + dx, Number.NaN]), y: k.flatMap((i) => [0, c[i] ?? 0, Number.NaN]), color, name, width: 5 });
  return lineChart({
    width: 380, height: 170, legend: 'top-right',
    x: { label: 'k', min: -0.5, max: K + 0.5 }, y: { label: 'coefficient' },
    series: [stems(sigma, -0.15, palette[0], 'σₖ (activation)'), stems(phi, 0.15, palette[1], 'φₖ (target)')],
  });
}

