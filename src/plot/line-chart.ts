// Line charts as SVG strings: several series on linear or log10 axes, with ticks,
// grid, axis labels, title and legend. Pure string building, so the same code writes
// figure files from Node and redraws the explorer's plots in the browser.
import { type AxisType, type Scale, drawable, extent, makeScale } from './scale.js';
import { esc, plainLength, px, rich, svgDocument, textWidth } from './svg.js';

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Shown in the legend; unnamed series are drawn but not listed. */
  name?: string;
  /** Any SVG color; default: the next color of a ten-color palette. */
  color?: string;
  /** Stroke width in px (default 1.5). */
  width?: number;
  /** SVG stroke-dasharray, e.g. '4 3'. */
  dash?: string;
  /** Draw a dot at each point (with width 0: dots only). */
  markers?: boolean;
}

export interface AxisSpec {
  /** Text; `t_k`, `R_mf`, `ε^{1/4}` are set with real subscripts and superscripts (svg.ts rich). */
  label?: string;
  type?: AxisType;
  /** Fixed ends of the axis; by default the data range widened to round values. */
  min?: number;
  max?: number;
}

export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface ChartSpec {
  series: Series[];
  /** Text, set as axis labels are. */
  title?: string;
  x?: AxisSpec;
  y?: AxisSpec;
  /** Size in px (default 420 × 300). */
  width?: number;
  height?: number;
  legend?: LegendPosition;
}

/** matplotlib's "tab10" palette. */
export const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const size = { tick: 11, label: 12, title: 13 };

/** Chart content in its own 0..width × 0..height coordinates, for a standalone SVG or a figure cell. */
export interface ChartBody {
  width: number;
  height: number;
  body: string;
}

/**
 * Draws `spec` as a standalone SVG document. Points that cannot be drawn (NaN, ±Infinity,
 * and values ≤ 0 on a log axis) leave gaps in their line. Throws RangeError for a fixed
 * axis range that is empty or non-positive on a log axis, or x and y of unequal length.
 */
export function lineChart(spec: ChartSpec): string {
  const { width, height, body } = chartBody(spec);
  return svgDocument(width, height, body, spec.title);
}

export function chartBody(spec: ChartSpec): ChartBody {
  const width = spec.width ?? 420;
  const height = spec.height ?? 300;
  for (const [i, s] of spec.series.entries()) {
    if (s.x.length !== s.y.length) throw new RangeError(`series ${i}${s.name ? ` (${s.name})` : ''}: x has ${s.x.length} values, y has ${s.y.length}`);
  }
  const xType = spec.x?.type ?? 'linear';
  const yType = spec.y?.type ?? 'linear';
  const xs = makeScale(xType, extent(xType, spec.series.map((s) => s.x)), spec.x?.min, spec.x?.max);
  const ys = makeScale(yType, extent(yType, spec.series.map((s) => s.y)), spec.y?.min, spec.y?.max);

  const yLabelWidth = Math.max(0, ...ys.ticks.map((t) => tickLabelWidth(t.label, t.power)));
  const left = Math.ceil(yLabelWidth + 12 + (spec.y?.label ? size.label + 8 : 0));
  const top = spec.title ? size.title + 16 : 12;
  const bottom = size.tick + 14 + (spec.x?.label ? size.label + 8 : 0);
  const right = 16;
  const w = Math.max(width - left - right, 10);
  const h = Math.max(height - top - bottom, 10);

  const parts: string[] = [];
  if (spec.title) {
    parts.push(`<text x="${px(left + w / 2)}" y="${size.title + 4}" text-anchor="middle" font-size="${size.title}" font-weight="600">${rich(spec.title)}</text>`);
  }
  parts.push(`<g transform="translate(${left},${top})">`);
  parts.push(`<rect width="${px(w)}" height="${px(h)}" fill="#fff" stroke="#888"/>`);
  parts.push(xAxis(xs, w, h), yAxis(ys, w, h));
  if (spec.x?.label) {
    parts.push(`<text x="${px(w / 2)}" y="${px(h + bottom - 6)}" text-anchor="middle" font-size="${size.label}">${rich(spec.x.label)}</text>`);
  }
  if (spec.y?.label) {
    parts.push(`<text transform="translate(${px(-left + size.label + 2)},${px(h / 2)}) rotate(-90)" text-anchor="middle" font-size="${size.label}">${rich(spec.y.label)}</text>`);
  }
  // A nested viewport clips the lines to the plot area without needing element ids.
  parts.push(`<svg width="${px(w)}" height="${px(h)}" overflow="hidden" fill="none" stroke-linejoin="round" stroke-linecap="round">`);
  spec.series.forEach((s, i) => {
    const d = s.width === 0 ? '' : pathData(s, xs, ys, w, h);
    if (d) parts.push(`<path d="${d}" ${stroke(s, i)}/>`);
    if (s.markers) parts.push(markers(s, i, xs, ys, w, h));
  });
  parts.push('</svg>', legend(spec, w, h), '</g>');
  return { width, height, body: parts.join('') };
}

/** Stroke color, width and dashes of series `i`, shared by its line and its legend entry. */
function stroke(s: Series, i: number): string {
  const color = s.color ?? palette[i % palette.length];
  return `stroke="${esc(color)}" stroke-width="${s.width ?? 1.5}"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''}`;
}

/**
 * SVG path data for one series, starting a new subpath after every undrawable point.
 * A lone point becomes a zero-length segment, which the round line cap shows as a dot.
 */
function pathData(s: Series, xs: Scale, ys: Scale, w: number, h: number): string {
  let d = '';
  let run = 0;
  const close = () => { if (run === 1) d += 'h0'; run = 0; };
  for (let i = 0; i < s.x.length; i++) {
    const x = s.x[i];
    const y = s.y[i];
    if (!drawable(xs.type, x) || !drawable(ys.type, y)) {
      close();
      continue;
    }
    d += `${run ? 'L' : 'M'}${px(xs.at(x) * w)},${px((1 - ys.at(y)) * h)}`;
    run++;
  }
  close();
  return d;
}

/** A dot of the series' color at each drawable point. */
function markers(s: Series, i: number, xs: Scale, ys: Scale, w: number, h: number): string {
  const color = esc(s.color ?? palette[i % palette.length]);
  let out = '';
  for (let j = 0; j < s.x.length; j++) {
    if (drawable(xs.type, s.x[j]) && drawable(ys.type, s.y[j])) out += `<circle cx="${px(xs.at(s.x[j]) * w)}" cy="${px((1 - ys.at(s.y[j])) * h)}" r="3" fill="${color}"/>`;
  }
  return out;
}

/** Tick label text; a decade 10^k is typeset with a superscript exponent. */
function tickText(label: string, power: number | undefined): string {
  if (power === undefined) return esc(label.replace(/-/g, '−'));
  return `10<tspan dy="-0.45em" font-size="${size.tick - 2}">${String(power).replace('-', '−')}</tspan>`;
}

function tickLabelWidth(label: string, power: number | undefined): number {
  return power === undefined ? textWidth(label.length, size.tick) : textWidth(2, size.tick) + textWidth(String(power).length, size.tick - 2);
}

function xAxis(s: Scale, w: number, h: number): string {
  let out = '';
  for (const t of s.ticks) {
    const x = px(s.at(t.value) * w);
    const major = t.label !== '';
    if (major) out += `<line x1="${x}" x2="${x}" y2="${px(h)}" stroke="#eee"/>`;
    out += `<line x1="${x}" x2="${x}" y1="${px(h)}" y2="${px(h + (major ? 5 : 3))}" stroke="#888"/>`;
    if (major) out += `<text x="${x}" y="${px(h + 7 + size.tick)}" text-anchor="middle" font-size="${size.tick}">${tickText(t.label, t.power)}</text>`;
  }
  return out;
}

function yAxis(s: Scale, w: number, h: number): string {
  let out = '';
  for (const t of s.ticks) {
    const y = px((1 - s.at(t.value)) * h);
    const major = t.label !== '';
    if (major) out += `<line y1="${y}" y2="${y}" x2="${px(w)}" stroke="#eee"/>`;
    out += `<line y1="${y}" y2="${y}" x2="${major ? -5 : -3}" stroke="#888"/>`;
    if (major) out += `<text x="-8" y="${y}" dy="0.35em" text-anchor="end" font-size="${size.tick}">${tickText(t.label, t.power)}</text>`;
  }
  return out;
}

function legend(spec: ChartSpec, w: number, h: number): string {
  const position = spec.legend ?? 'top-right';
  const entries = spec.series.map((s, i) => ({ s, i })).filter(({ s }) => s.name);
  if (position === 'none' || entries.length === 0) return '';
  const row = size.tick + 5;
  const boxW = 34 + Math.max(...entries.map(({ s }) => textWidth(plainLength(s.name!), size.tick)));
  const boxH = entries.length * row + 8;
  const bx = position.endsWith('right') ? w - boxW - 6 : 6;
  const by = position.startsWith('top') ? 6 : h - boxH - 6;
  let out = `<g transform="translate(${px(bx)},${px(by)})"><rect width="${px(boxW)}" height="${px(boxH)}" fill="#fff" fill-opacity="0.85" stroke="#ccc"/>`;
  entries.forEach(({ s, i }, k) => {
    const y = px(4 + row * (k + 0.5));
    if (s.width !== 0) out += `<line x1="6" x2="24" y1="${y}" y2="${y}" ${stroke(s, i)}/>`;
    if (s.markers) out += `<circle cx="15" cy="${y}" r="3" fill="${esc(s.color ?? palette[i % palette.length])}"/>`;
    out += `<text x="28" y="${y}" dy="0.35em" font-size="${size.tick}">${rich(s.name!)}</text>`;
  });
  return out + '</g>';
}
