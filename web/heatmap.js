// A phase diagram of a study: one quantity (a learning time t_k, or the final risk) over two
// numeric axes of its grid, as an SVG heat map. Cells that share both axis values (other
// axes, seeds) are averaged: geometrically for t_k, which spans decades, arithmetically for
// the risk. A cell where some run did not reach t_k (null) has no mean: it is grey, and
// its tooltip says in how many of its runs.
import { fmt } from '../dist/index.js';
import { esc } from '../dist/plot/svg.js';
import { subscript as sub } from '../dist/format.js';

/** viridis at nine evenly spaced stops (matplotlib's colormap data). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
const NONE = '#d0d0d0';

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** The viridis colour at u ∈ [0, 1], linear between the stops. */
export function viridis(u) {
  const x = Math.min(Math.max(u, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
  return `rgb(${a.map((v, j) => Math.round(v + (b[j] - v) * (x - i))).join(',')})`;
}

/** The axes whose values are all numbers, by index into `result.axes`. */
export function numericAxes(result) {
  return result.axes.flatMap((a, i) => (a.values.length > 1 && a.values.every((v) => typeof v === 'number') ? [i] : []));
}

/** The quantities a study's rows hold: t_0..t_maxDegree and the risk. */
export function quantities(result) {
  return [...Array.from({ length: result.maxDegree + 1 }, (_, k) => `t_${k}`), 'risk'];
}

/**
 * { xs, ys, cells, missing, runs }: cells[j][i] is the mean of `quantity` over the rows at
 * (xs[i], ys[j]), null where `missing[j][i]` of its `runs[j][i]` rows lack it.
 */
export function heatmapData(result, xAxis, yAxis, quantity) {
  const sorted = (i) => [...new Set(result.axes[i].values)].sort((a, b) => a - b);
  const xs = sorted(xAxis);
  const ys = sorted(yAxis);
  const logMean = quantity !== 'risk';
  const sums = ys.map(() => xs.map(() => ({ sum: 0, n: 0, missing: 0 })));
  for (const row of result.rows) {
    const v = quantity === 'risk' ? row.outcome.risk : row.outcome.learningTimes[Number(quantity.slice(2))];
    const cell = sums[ys.indexOf(row.values[yAxis])][xs.indexOf(row.values[xAxis])];
    if (v === null || v === undefined || !Number.isFinite(v) || (logMean && v <= 0)) {
      cell.missing++;
    } else {
      cell.sum += logMean ? Math.log(v) : v;
      cell.n++;
    }
  }
  const cells = sums.map((r) => r.map(({ sum, n, missing }) => (n === 0 || missing > 0 ? null : logMean ? Math.exp(sum / n) : sum / n)));
  const missing = sums.map((r) => r.map((c) => c.missing));
  const runs = sums.map((r) => r.map((c) => c.n + c.missing));
  return { xs, ys, cells, missing, runs, log: logMean };
}

const axisName = (path) => (path === 'epsilon' ? 'ε' : path === 'eta' ? 'η' : path);
const quantityName = (q) => (q === 'risk' ? 'final risk' : `t${sub(q.slice(2))}`);

/** The heat map as an SVG document; colours on a log10 scale for t_k. */
export function heatmapSVG(result, xAxis, yAxis, quantity) {
  const { xs, ys, cells, missing, runs, log } = heatmapData(result, xAxis, yAxis, quantity);
  const values = cells.flat().filter((v) => v !== null);
  const scale = (v) => (log ? Math.log10(v) : v);
  const lo = values.length ? Math.min(...values.map(scale)) : 0;
  const hi = values.length ? Math.max(...values.map(scale)) : 1;
  const unit = (v) => (hi > lo ? (scale(v) - lo) / (hi - lo) : 0.5);
  const [left, top, cw, ch] = [78, 40, Math.max(44, Math.min(90, 480 / xs.length)), Math.max(30, Math.min(60, 320 / ys.length))];
  const width = left + cw * xs.length + 110;
  const height = top + ch * ys.length + 56;
  const xName = axisName(result.axes[xAxis].path);
  const yName = axisName(result.axes[yAxis].path);
  const what = `${quantityName(quantity)}${log ? ' (geometric mean over the other axes)' : ' (mean over the other axes)'}`;
  const parts = [`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(`${what} over ${xName} × ${yName}`)}</text>`];
  cells.forEach((row, j) => row.forEach((v, i) => {
    const x = left + i * cw;
    const y = top + (ys.length - 1 - j) * ch;
    const fill = v === null ? NONE : viridis(unit(v));
    const dark = v !== null && unit(v) < 0.6;
    const what = v !== null ? fmt(v) : missing[j][i] === runs[j][i] ? 'not reached' : `not reached in ${missing[j][i]} of ${runs[j][i]} runs`;
    parts.push(`<rect x="${x}" y="${y}" width="${cw}" height="${ch}" fill="${fill}" stroke="#fff"><title>${esc(`${xName} = ${fmt(xs[i])}, ${yName} = ${fmt(ys[j])}: ${what}`)}</title></rect>`);
    parts.push(`<text x="${x + cw / 2}" y="${y + ch / 2 + 4}" text-anchor="middle" font-size="11" fill="${dark ? '#fff' : '#222'}">${v === null ? '—' : esc(fmt(v))}</text>`);
  }));
  xs.forEach((v, i) => parts.push(`<text x="${left + (i + 0.5) * cw}" y="${top + ys.length * ch + 16}" text-anchor="middle" font-size="11">${esc(fmt(v))}</text>`));
  ys.forEach((v, j) => parts.push(`<text x="${left - 6}" y="${top + (ys.length - 1 - j + 0.5) * ch + 4}" text-anchor="end" font-size="11">${esc(fmt(v))}</text>`));
  parts.push(`<text x="${left + (xs.length * cw) / 2}" y="${height - 12}" text-anchor="middle" font-size="12">${esc(xName)}</text>`);
  parts.push(`<text transform="translate(16 ${top + (ys.length * ch) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yName)}</text>`);
  // The colour bar: low at the bottom, its ends labelled with the values they stand for.
  const barX = left + xs.length * cw + 24;
  const barH = ys.length * ch;
  const stops = VIRIDIS.map((c, i) => `<stop offset="${i / (VIRIDIS.length - 1)}" stop-color="${c}"/>`).join('');
  parts.push(`<defs><linearGradient id="heat-bar" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`);
  parts.push(`<rect x="${barX}" y="${top}" width="14" height="${barH}" fill="url(#heat-bar)"/>`);
  const end = (u) => (log ? 10 ** u : u);
  parts.push(`<text x="${barX + 20}" y="${top + 10}" font-size="11">${values.length ? esc(fmt(end(hi))) : ''}</text>`);
  parts.push(`<text x="${barX + 20}" y="${top + barH}" font-size="11">${values.length ? esc(fmt(end(lo))) : ''}</text>`);
  parts.push(`<text x="${barX + 20}" y="${top + barH / 2 + 4}" font-size="11">${log ? 'log scale' : ''}</text>`);
  if (cells.flat().includes(null)) parts.push(`<rect x="${barX}" y="${top + barH + 12}" width="14" height="10" fill="${NONE}"/><text x="${barX + 20}" y="${top + barH + 21}" font-size="11">not reached</text>`);
  const label = `${what} over ${xName} × ${yName}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}
