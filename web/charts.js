// The explorer's plots of a trace (see simulation.js), as one SVG figure: the risk and
// its Hermite components against t, and every neuron's a_i(t) and s_i(t).
import { figure } from '../dist/index.js';

const column = (rows, k) => rows.map((r) => r[k]);
/** `k` in Unicode subscript digits: R₁₂. */
const sub = (k) => String(k).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
const size = { width: 470, height: 300 };

/**
 * `logRisk`: log10 y axes for the risk and its components; `time`: the time axis
 * ({ type: 'log' | 'linear', min?, max? }; default log over the data).
 */
export function traceFigure(trace, { logRisk = false, time = { type: 'log' } } = {}) {
  const x = { ...time, label: 't' };
  const y = (label) => ({ label, type: logRisk ? 'log' : 'linear' });
  const risk = trace.mfRisk
    ? [{ x: trace.t, y: trace.risk, name: 'R (population)' }, { x: trace.t, y: trace.mfRisk, name: 'R_mf', dash: '5 3' }]
    : [{ x: trace.t, y: trace.risk, name: 'R_mf' }];
  const degrees = trace.components[0]?.length ?? 0;
  const neurons = (rows) => Array.from({ length: rows[0]?.length ?? 0 }, (_, i) => ({ x: trace.t, y: column(rows, i), width: 1.2 }));
  const charts = [
    { ...size, title: 'Risk', x, y: y('risk'), series: risk },
    { ...size, title: 'Hermite components Rₖ(t)', x, y: y('Rₖ'),
      series: Array.from({ length: degrees }, (_, k) => ({ x: trace.t, y: column(trace.components, k), name: `R${sub(k)}` })) },
  ];
  if (trace.a.length) charts.push({ ...size, title: 'Second-layer weights aᵢ(t)', x, y: { label: 'aᵢ' }, series: neurons(trace.a) });
  if (trace.s.length) charts.push({ ...size, title: 'Overlaps sᵢ(t) = ⟨wᵢ, u*⟩', x, y: { label: 'sᵢ' }, series: neurons(trace.s) });
  return figure(charts, { columns: 2 });
}
