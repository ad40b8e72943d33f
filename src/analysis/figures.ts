// The paper's figures (MODEL.md §7) as runs plus charts, and the ε-sweep of learning
// times that tests the predicted scalings (§6). Each figure names its configs; the
// runs go through run(), so every number in a figure can be reproduced from JSON.
import { fmt } from '../format.js';
import type { RunConfigInput } from '../config.js';
import { type ChartSpec, type Series, palette } from '../plot/line-chart.js';
import { figure } from '../plot/figure.js';
import type { RunResult } from '../run.js';
import { timeScaleTable, type TimeScaleRow } from './sweep.js';

/** ReLU on φ = h_0 + h_1 + h_2, a_i(0) ~ N(0, 1), s(0) = 0: the setting of Figs. 2–4. */
const paperBase = {
  model: 'meanfield',
  activation: 'relu',
  target: { hermite: [1, 1, 1] },
  noise: 0,
  seed: 1,
  init: { a: { law: 'normal', scale: 1 }, s: 'zero' },
  solver: { method: 'auto', rtol: 1e-8, atol: 1e-12 },
  degrees: 2,
} as const satisfies Partial<RunConfigInput>;

/** Dimension and step of the finite network in Fig. 4 (projected GD, t = eta·steps). */
const FIG4_D = 10_000;
const FIG4_ETA = 1e-3;

export interface FigureJob {
  name: string;
  title: string;
  configs: Record<string, RunConfigInput>;
  /** The SVG document, from the results of `configs` (same keys). */
  render(results: Record<string, RunResult>): string;
}

const logTime = (start: number, points: number) => ({ start, end: 100, points, spacing: 'log' as const });
const COMPONENT_NAMES = ['constant R₀', 'linear R₁', 'quadratic R₂'];

function componentSeries(r: RunResult, k: number, extra: Partial<Series> = {}): Series {
  const D1 = r.degrees + 1;
  return { x: r.t, y: Float64Array.from(r.t, (_, j) => r.components[j * D1 + k]), ...extra };
}

function neuronSeries(r: RunResult, values: Float64Array): Series[] {
  return Array.from({ length: r.m }, (_, i) => ({
    x: r.t, y: Float64Array.from(r.t, (_, j) => values[j * r.m + i]), color: palette[i % palette.length], width: 1.2,
  }));
}

const fig2: FigureJob = {
  name: 'fig2',
  title: 'Fig. 2 — R^{2m} flow, ReLU, m = 10: risk and its Hermite components',
  configs: {
    'eps1e-3': { ...paperBase, epsilon: 1e-3, m: 10, time: logTime(1e-9, 361) },
    'eps1e-6': { ...paperBase, epsilon: 1e-6, m: 10, time: logTime(1e-9, 361) },
  },
  render(r) {
    const both = (y: 'linear' | 'log'): ChartSpec => ({
      title: `R_mf(t), ${y} scale`, x: { type: 'log', label: 't' }, y: { type: y, label: 'R_mf' },
      series: [
        { x: r['eps1e-3'].t, y: r['eps1e-3'].risk, name: 'ε = 1e-3' },
        { x: r['eps1e-6'].t, y: r['eps1e-6'].risk, name: 'ε = 1e-6' },
      ],
    });
    const parts = (key: string, eps: string): ChartSpec => ({
      title: `components, ε = ${eps}`, x: { type: 'log', label: 't' }, y: { type: 'log', label: 'R_k', min: 1e-12 },
      series: COMPONENT_NAMES.map((name, k) => componentSeries(r[key], k, { name })), legend: 'bottom-left',
    });
    return figure([both('linear'), both('log'), parts('eps1e-3', '1e-3'), parts('eps1e-6', '1e-6')], { columns: 2, title: this.title });
  },
};

const fig3: FigureJob = {
  name: 'fig3',
  title: 'Fig. 3 — every neuron of the ε = 1e-6 run: a_i(t) and s_i(t)',
  configs: { 'eps1e-6': fig2.configs['eps1e-6'] },
  render(r) {
    const run = r['eps1e-6'];
    return figure([
      { title: 'second layer a_i(t)', x: { type: 'log', label: 't' }, y: { label: 'a_i' }, series: neuronSeries(run, run.a!), legend: 'none' },
      { title: 'overlaps s_i(t) = ⟨w_i, u*⟩', x: { type: 'log', label: 't' }, y: { label: 's_i', min: -1, max: 1 }, series: neuronSeries(run, run.s!), legend: 'none' },
    ], { columns: 2, title: this.title });
  },
};

const FIG4_CASES = [[1, 10], [1, 50], [1e-3, 10], [1e-3, 50]] as const;

const fig4: FigureJob = {
  name: 'fig4',
  title: `Fig. 4 — mean-field flow (MF, solid) against projected GD of the network (NN, dashed; d = ${FIG4_D}, η = ${FIG4_ETA})`,
  configs: Object.fromEntries(FIG4_CASES.flatMap(([epsilon, m]) => {
    const time = logTime(FIG4_ETA, 201);
    return [
      [`mf-eps${epsilon}-m${m}`, { ...paperBase, epsilon, m, time }],
      [`nn-eps${epsilon}-m${m}`, { ...paperBase, model: 'network', epsilon, m, time, d: FIG4_D, eta: FIG4_ETA, init: { a: paperBase.init.a } }],
    ];
  })),
  render(r) {
    const charts = FIG4_CASES.flatMap(([epsilon, m]): ChartSpec[] => {
      const mf = r[`mf-eps${epsilon}-m${m}`];
      const nn = r[`nn-eps${epsilon}-m${m}`];
      const label = `ε = ${epsilon}, m = ${m}`;
      return [
        {
          title: `R_mf, ${label}`, x: { type: 'log', label: 't' }, y: { type: 'log', label: 'R_mf' },
          series: [{ x: mf.t, y: mf.risk, name: 'MF' }, { x: nn.t, y: nn.mfRisk!, name: 'NN', dash: '5 3' }],
        },
        {
          title: `components, ${label}`, x: { type: 'log', label: 't' }, y: { type: 'log', label: 'R_k', min: 1e-10 },
          legend: 'bottom-left',
          series: COMPONENT_NAMES.flatMap((name, k) => [
            componentSeries(mf, k, { name, color: palette[k] }),
            componentSeries(nn, k, { color: palette[k], dash: '5 3' }),
          ]),
        },
      ];
    });
    return figure(charts, { columns: 4, title: this.title });
  },
};

/** ε of the sweep: from where the plateaus barely separate down to deep in the asymptotic regime. */
export const SWEEP_EPSILONS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];

const sweep: FigureJob = {
  name: 'timescales',
  title: 'Learning times t_k against ε, ReLU, m = 10',
  configs: Object.fromEntries(SWEEP_EPSILONS.map((epsilon) => [
    `eps${epsilon}`, { ...paperBase, epsilon, m: 10, time: logTime(Math.min(1e-9, epsilon * 1e-3), 400) },
  ])),
  render(r) {
    const series: Series[] = sweepTable(r).flatMap(({ times, fit, logFit, predicted, predictedA, predictedB }, k) => {
      const measured: Series = {
        x: SWEEP_EPSILONS, y: times.map((t) => t ?? Number.NaN), color: palette[k],
        name: `t_${k}: fitted slope ${fit?.slope.toFixed(3) ?? '—'}${logFit && predictedB !== null && k > 0 ? `, fitted B ${fmt(logFit.B)} (predicted ${fmt(predictedB)})` : ''}`,
      };
      // Anchor the predicted line at the smallest ε, where the asymptotics hold best.
      const anchor = times.findLastIndex((t) => t !== null);
      if (anchor < 0) return [measured];
      const reference: Series = {
        x: SWEEP_EPSILONS, y: SWEEP_EPSILONS.map((e) => times[anchor]! * (e / SWEEP_EPSILONS[anchor]) ** predicted),
        name: `∝ ε^{${fmt(predicted)}}`, color: palette[k], dash: '2 3', width: 1,
      };
      if (predictedA === null || predictedB === null) return [measured, reference];
      // docs/theory.md §4–5: t_0 ≈ c ε, t_1 ≈ √ε (A + B ln(1/ε)), no fitted constant
      const theory: Series = {
        x: SWEEP_EPSILONS, y: SWEEP_EPSILONS.map((e) => e ** predicted * (predictedA + predictedB * Math.log(1 / e))),
        name: k === 0 ? `theory: ${fmt(predictedA)} ε` : `theory: √ε (${fmt(predictedA)} + ${fmt(predictedB)} ln(1/ε))`, color: palette[k], dash: '6 3', width: 1,
      };
      return [measured, reference, theory];
    });
    return figure([{
      title: 'Learning times t_k against ε', x: { type: 'log', label: 'ε' }, y: { type: 'log', label: 't_k' }, series, width: 720, height: 460, legend: 'bottom-right',
    }], { title: this.title });
  },
};

/** Learning times of each degree across the sweep's runs, with their scaling in ε. */
export function sweepTable(r: Record<string, RunResult>): TimeScaleRow[] {
  return timeScaleTable(SWEEP_EPSILONS, SWEEP_EPSILONS.map((e) => r[`eps${e}`].learningTimes), 2, r[`eps${SWEEP_EPSILONS[0]}`].theory.timeScales);
}

export const paperFigures: FigureJob[] = [fig2, fig3, fig4, sweep];
