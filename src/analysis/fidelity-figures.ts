// The figures of docs/fidelity.md: predicted against measured, from fidelityStatements' runs.
import type { FidelityData } from './fidelity.js';
import { figure } from '../plot/figure.js';
import { type ChartSpec, palette, type Series } from '../plot/line-chart.js';

export function fidelityFigures(data: FidelityData): Record<string, string> {
  const plateaus: ChartSpec[] = data.plateauRuns.map(({ label, result: r }) => {
    const [t0, t1] = [r.t[0], r.t[r.t.length - 1]];
    const levels: Series[] = r.theory.plateaus.map((p, k) => ({
      x: [t0, t1], y: [p, p], color: palette[(k + 1) % palette.length], dash: '4 3', width: 1, name: `predicted after degree ${k}`,
    }));
    return {
      title: label, x: { type: 'log', label: 't' }, y: { label: 'R_mf' }, legend: 'bottom-left', width: 440,
      series: [{ x: r.t, y: r.risk, name: 'measured R_mf(t)', color: palette[0], width: 2 }, ...levels],
    };
  });
  const t1: ChartSpec = {
    title: 't_1/√ε against ln(1/ε): measured (dots), predicted A + B ln(1/ε) (dashed)',
    x: { label: 'ln(1/ε)' }, y: { label: 't_1/√ε' }, width: 640, height: 420, legend: 'top-left',
    series: data.t1Sweeps.flatMap((s, i): Series[] => {
      const x = s.epsilon.map((e) => Math.log(1 / e));
      return [
        { x, y: s.t1.map((t, j) => t / Math.sqrt(s.epsilon[j])), name: `measured, ${s.label}`, color: palette[i], width: 0, markers: true },
        { x, y: x.map((l) => s.A + s.B * l), name: `predicted, B = ${s.B.toPrecision(4)}`, color: palette[i], dash: '4 3', width: 1 },
      ];
    }),
  };
  const m: ChartSpec = {
    title: 't_2/ε^{1/4} against 1/m, a(0) at the normal quantiles; at 1/m = 0 the Richardson estimate',
    x: { label: '1/m', min: 0 }, y: { label: 't_2/ε^{1/4}' }, width: 640, height: 420, legend: 'top-right',
    series: data.mExtrapolation.flatMap((c, i): Series[] => [
      { x: c.m.map((v) => 1 / v), y: c.ratio, name: `ε = ${c.epsilon.toExponential()}`, color: palette[i], markers: true },
      { x: [0, 0], y: [c.value - c.error, c.value + c.error], color: palette[i], width: 3 },
      { x: [0], y: [c.value], color: palette[i], markers: true, name: `m = ∞: ${c.value.toPrecision(3)} ± ${c.error.toPrecision(2)}` },
    ]),
  };
  return {
    'fidelity-plateaus': figure(plateaus, { columns: 3, title: 'Plateaus and floors: predicted (dashed) against measured, ε = 1e-8, m = 10' }),
    'fidelity-t1': figure([t1]),
    'fidelity-m': figure([m]),
  };
}
