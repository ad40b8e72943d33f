// Several charts laid out on a grid as one SVG document: the paper's multi-panel
// figures, written to files from Node or shown live in the explorer.
import { type ChartSpec, chartBody } from './line-chart.js';
import { px, rich, svgDocument } from './svg.js';

export interface FigureOptions {
  /** Charts per row (default: all in one row). */
  columns?: number;
  /** Title above the grid (set as chart titles are: `t_k` with a real subscript). */
  title?: string;
}

/**
 * Lays `charts` out row by row, `columns` per row; each column is as wide as its widest
 * chart and each row as tall as its tallest. Throws RangeError for columns < 1 or as
 * lineChart does for a bad chart.
 */
export function figure(charts: ChartSpec[], options: FigureOptions = {}): string {
  const columns = options.columns ?? Math.max(charts.length, 1);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer (got ${columns})`);
  const bodies = charts.map(chartBody);
  const colW = Array.from({ length: columns }, (_, c) => Math.max(0, ...bodies.filter((_, i) => i % columns === c).map((b) => b.width)));
  const rowH = Array.from({ length: Math.ceil(bodies.length / columns) }, (_, r) =>
    Math.max(0, ...bodies.slice(r * columns, (r + 1) * columns).map((b) => b.height)));
  const top = options.title ? 28 : 0;
  const width = colW.reduce((a, b) => a + b, 0);
  const height = top + rowH.reduce((a, b) => a + b, 0);
  const cells = bodies.map((b, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const x = colW.slice(0, c).reduce((a, v) => a + v, 0);
    const y = top + rowH.slice(0, r).reduce((a, v) => a + v, 0);
    return `<svg x="${px(x)}" y="${px(y)}" width="${b.width}" height="${b.height}">${b.body}</svg>`;
  });
  const title = options.title
    ? `<text x="${px(width / 2)}" y="19" text-anchor="middle" font-size="15" font-weight="600">${rich(options.title)}</text>`
    : '';
  return svgDocument(width, height, title + cells.join(''), options.title);
}
