// What a <timescales-sim> draws, as SVG strings from src/plot/: the risk and its Hermite
// components against log t, or each neuron's a_i(t) and s_i(t), from the frames so far.
import type { RunConfig } from '../config.js';
import { fmt, subscript as sub } from '../format.js';
import { type ChartSpec, palette, type Series } from '../plot/line-chart.js';
import { figure } from '../plot/figure.js';
import { defaultStart } from '../time-grid.js';
import type { ElementResult, FrameData } from './protocol.js';

export type View = 'risk' | 'neurons';

/** The frames received so far, one entry per output time. */
export class Trace {
  readonly t: number[] = [];
  readonly risk: number[] = [];
  readonly components: Float64Array[] = [];
  readonly a: Float64Array[] = [];
  readonly s: Float64Array[] = [];

  add(f: FrameData): void {
    this.t.push(f.t);
    this.risk.push(f.risk);
    this.components.push(f.components);
    if (f.a) this.a.push(f.a);
    if (f.s) this.s.push(f.s);
  }

  /** The whole trajectory of a finished run (which also holds the network's R_mf). */
  static of(result: ElementResult): Trace & { mfRisk?: number[] } {
    const trace: Trace & { mfRisk?: number[] } = new Trace();
    const D = result.degrees + 1;
    const rows = (flat: Float64Array | undefined, w: number) =>
      flat ? Array.from({ length: flat.length / w }, (_, j) => flat.subarray(j * w, (j + 1) * w)) : [];
    trace.t.push(...result.t);
    trace.risk.push(...result.risk);
    trace.components.push(...rows(result.components, D));
    trace.a.push(...rows(result.a, result.m));
    trace.s.push(...rows(result.s, result.m));
    if (result.mfRisk) trace.mfRisk = Array.from(result.mfRisk);
    return trace;
  }
}


/** The time axis over the whole run from the start, so that lines grow into a fixed frame. */
function timeAxis(config: RunConfig): ChartSpec['x'] {
  const time = config.time;
  const span = 'at' in time
    ? [time.at.find((t) => t > 0), time.at[time.at.length - 1]]
    : [time.spacing === 'log' ? (time.start ?? defaultStart(time)) : Math.max(time.start ?? 0, time.end * 1e-8), time.end];
  const [min, max] = span;
  return min !== undefined && max !== undefined && min > 0 && min < max ? { type: 'log', label: 't', min, max } : { type: 'log', label: 't' };
}

const column = (rows: Float64Array[], k: number) => rows.map((r) => r[k]);

/** Neurons drawn in the neurons view: more lines than this are a blur, and slow to redraw at every frame. */
export const MAX_NEURONS = 100;

/** The charts of `view` for a box of width × height px. */
export function charts(trace: Trace & { mfRisk?: number[] }, config: RunConfig, view: View, width: number, height: number): ChartSpec[] {
  const x = timeAxis(config);
  if (view === 'neurons') {
    const wide = width >= 1.6 * height;
    const size = wide ? { width: width / 2, height } : { width, height: height / 2 };
    const neurons = (rows: Float64Array[]): Series[] =>
      Array.from({ length: Math.min(rows[0]?.length ?? 0, MAX_NEURONS) }, (_, i) => ({ x: trace.t, y: column(rows, i), width: 1.2 }));
    const shown = trace.a[0] && trace.a[0].length > MAX_NEURONS ? ` (first ${MAX_NEURONS})` : '';
    return [
      { ...size, title: `Second-layer weights aᵢ(t)${shown}`, x, y: { label: 'aᵢ' }, series: neurons(trace.a), legend: 'none' },
      { ...size, title: `Overlaps sᵢ(t)${shown}`, x, y: { label: 'sᵢ' }, series: neurons(trace.s), legend: 'none' },
    ];
  }
  const degrees = trace.components[0]?.length ?? config.degrees + 1;
  const series: Series[] = [{ x: trace.t, y: trace.risk, name: config.model === 'meanfield' ? 'R' : 'R (population)', color: 'currentColor', width: 2 }];
  if (trace.mfRisk) series.push({ x: trace.t, y: trace.mfRisk, name: 'R_mf', color: 'currentColor', dash: '5 3' });
  for (let k = 0; k < degrees; k++) series.push({ x: trace.t, y: column(trace.components, k), name: `R${sub(k)}`, color: palette[k % palette.length] });
  return [{ width, height, title: 'Risk and its Hermite components', x, y: { label: 'risk' }, series }];
}

/** The SVG of `view`, laid out in one or two charts. */
export function draw(trace: Trace & { mfRisk?: number[] }, config: RunConfig, view: View, width: number, height: number): string {
  const list = charts(trace, config, view, Math.max(width, 160), Math.max(height, 120));
  const wide = list.length > 1 && list[0].width! < width;
  return figure(list, { columns: wide ? 2 : 1 });
}

/** The text summary for screen readers: the learning times t_k, or why there are none. */
export function summary(result: ElementResult): string {
  const times = result.learningTimes
    .map((t, k) => `t${sub(k)} ${t === null ? 'not reached' : `= ${fmt(t)}`}`)
    .join(', ');
  const end = result.retcode === 'success' ? '' : ` The run stopped early (${result.retcode}${result.message ? `: ${result.message}` : ''}).`;
  return `Learning times (first t with Rₖ(t) ≤ ${fmt(result.config.threshold)}·Rₖ(0)): ${times}.${end}`;
}

/** The element's accessible name: what it simulates. */
export function label(config: RunConfig): string {
  const activation = typeof config.activation === 'string' ? config.activation : JSON.stringify(config.activation);
  return `Simulation of a two-layer network learning (${config.model}, m = ${config.m}, ε = ${fmt(config.epsilon)}, activation ${activation})`;
}
