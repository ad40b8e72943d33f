import { paperFigures } from '../src/analysis/figures.js';
import { plainLength, rich } from '../src/plot/svg.js';
import { describe, expect, it } from 'vitest';
import { figure } from '../src/plot/figure.js';
import { lineChart } from '../src/plot/line-chart.js';
import { linearTicks, logTicks, makeScale, niceStep } from '../src/plot/scale.js';

const labeled = (ticks: { label: string; value: number }[]) => ticks.filter((t) => t.label).map((t) => t.value);

/** Checks well-formedness the way a strict XML reader would: balanced tags, one root, quoted attributes. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name);
  }
  expect(stack).toEqual([]);
  // Every '<' starts a tag the pattern above accepted.
  expect(svg.replace(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, '')).not.toMatch(/[<>]/);
}

/** All numbers in coordinate attributes and path data. */
function coordinates(svg: string): string[] {
  const attrs = [...svg.matchAll(/\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g)].map((m) => m[1]);
  const paths = [...svg.matchAll(/\sd="([^"]*)"/g)].flatMap((m) => m[1].replace(/h0/g, '').split(/[ML,]/).filter(Boolean));
  const transforms = [...svg.matchAll(/translate\(([^)]*)\)/g)].flatMap((m) => m[1].split(','));
  return [...attrs, ...paths, ...transforms];
}

describe('ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(1.45, 5)).toBeCloseTo(0.2, 15);
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(1);
    expect(niceStep(3e-7, 5)).toBeCloseTo(5e-8, 22);
  });

  it('puts linear ticks on multiples of the step with clean labels', () => {
    expect(linearTicks(0, 1.6).map((t) => t.label)).toEqual(['0', '0.5', '1.0', '1.5']);
    expect(linearTicks(0, 1.6).map((t) => t.value)).toEqual([0, 0.5, 1, 1.5]);
    expect(linearTicks(-1, 1).map((t) => t.label)).toEqual(['-1.0', '-0.5', '0', '0.5', '1.0']);
    expect(linearTicks(0, 2e6).map((t) => t.label)).toEqual(['0', '5e5', '1.0e6', '1.5e6', '2.0e6']);
    expect(linearTicks(0, 3e-5).map((t) => t.label)).toEqual(['0', '5e-6', '1.0e-5', '1.5e-5', '2.0e-5', '2.5e-5', '3.0e-5']);
  });

  it('labels every decade of 1e-6 … 1e2 and marks 2…9 between them', () => {
    const ticks = logTicks(1e-6, 100);
    expect(ticks.filter((t) => t.label).map((t) => t.label)).toEqual(['1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1', '1e0', '1e1', '1e2']);
    expect(ticks.filter((t) => t.label).map((t) => t.power)).toEqual([-6, -5, -4, -3, -2, -1, 0, 1, 2]);
    expect(ticks.filter((t) => !t.label)).toHaveLength(8 * 8);
  });

  it('thins decade labels on long log axes and labels the 2…9 marks on short ones', () => {
    expect(labeled(logTicks(1e-30, 1))).toEqual([1e-30, 1e-25, 1e-20, 1e-15, 1e-10, 1e-5, 1]);
    expect(logTicks(1e-30, 1).every((t) => Number.isInteger(Math.log10(t.value)))).toBe(true);
    expect(logTicks(0.2, 0.9).map((t) => t.label)).toEqual(['0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
  });
});

describe('scales', () => {
  it('maps log10 values linearly in the exponent', () => {
    const s = makeScale('log', [2e-6, 70]);
    expect(s.domain).toEqual([1e-6, 100]);
    expect(s.at(1e-6)).toBe(0);
    expect(s.at(100)).toBe(1);
    expect(s.at(1e-2)).toBeCloseTo(0.5, 14);
    expect(s.at(0)).toBeNaN();
    expect(s.at(-1)).toBeNaN();
  });

  it('widens auto ranges to round values, keeps fixed ones, and refuses empty ones', () => {
    expect(makeScale('linear', [0.03, 1.45]).domain).toEqual([0, 1.6]);
    expect(makeScale('linear', [0.03, 1.45], 0, 2).domain).toEqual([0, 2]);
    expect(makeScale('linear', [3, 3]).domain).toEqual([1.5, 4.5]);
    expect(makeScale('linear', [0.03, 1.45]).ticks.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6]);
    expect(makeScale('log', null).domain).toEqual([1, 10]);
    expect(() => makeScale('log', [1, 2], 0)).toThrow(RangeError);
    expect(() => makeScale('linear', [1, 2], 3, 3)).toThrow(/empty/);
  });
});

describe('lineChart', () => {
  const t = Float64Array.from({ length: 200 }, (_, i) => 1e-6 * 10 ** (8 * i / 199));
  const risk = t.map((x) => 0.5 + 0.95 / (1 + x * 10));

  it('draws a well-formed SVG with title, axis labels, legend and one path per series', () => {
    const svg = lineChart({
      title: 'R_mf(t) <ε = 1e-3>',
      x: { type: 'log', label: 't' },
      y: { label: 'risk' },
      series: [{ x: t, y: risk, name: 'R_mf' }, { x: t, y: risk.map((r) => r / 2), name: 'half', dash: '4 2' }],
    });
    expectWellFormed(svg);
    expect(svg).toContain('R<tspan baseline-shift="sub" font-size="75%">mf</tspan>(t) &#60;ε = 1e-3&#62;');
    expect(svg).not.toMatch(/R_mf|R\^/); // indices set as subscripts, never raw
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="4 2"');
    expect(svg).toContain('>half</text>');
    expect(svg).toContain('10<tspan');
    for (const c of coordinates(svg)) expect(Number.isFinite(Number(c)), c).toBe(true);
  });

  it('leaves gaps at NaN, infinite and (on log axes) non-positive values', () => {
    const y = [1, 2, NaN, 3, 0, 5, 6, -1, Infinity, 7, 8];
    const x = y.map((_, i) => i + 1);
    const svg = lineChart({ x: { type: 'log' }, y: { type: 'log' }, series: [{ x, y }] });
    const d = svg.match(/\sd="([^"]*)"/)![1];
    expect(d.match(/M/g)).toHaveLength(4);
    expect(d.match(/L/g)).toHaveLength(3);
    expect(d.match(/h0/g)).toHaveLength(1); // the lone 3 between NaN and 0, drawn as a dot
    expect(svg).not.toMatch(/NaN|Infinity/);
    for (const c of coordinates(svg)) expect(Number.isFinite(Number(c)), c).toBe(true);
  });

  it('draws axes and no path for series with nothing drawable, and rejects ragged series', () => {
    const svg = lineChart({ y: { type: 'log' }, series: [{ x: [1, 2], y: [0, -1], name: 'none' }, { x: [], y: [] }] });
    expectWellFormed(svg);
    expect(svg).not.toContain('<path');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(() => lineChart({ series: [{ x: [1, 2], y: [1], name: 'bad' }] })).toThrow(/series 0 \(bad\): x has 2 values, y has 1/);
  });

  it('maps data to the plot area: first and last points on its edges', () => {
    const svg = lineChart({ width: 400, height: 300, x: { type: 'log' }, series: [{ x: [1e-6, 1e2], y: [0, 1] }] });
    const [start, end] = svg.match(/\sd="M([^"]*)"/)![1].split('L').map((p) => p.split(',').map(Number));
    const frame = svg.match(/<rect width="([\d.]+)" height="([\d.]+)" fill="#fff" stroke/)!.slice(1).map(Number);
    expect(start).toEqual([0, frame[1]]);
    expect(end).toEqual([frame[0], 0]);
  });
});

describe('figure', () => {
  it('lays charts on a grid sized by the largest chart per row and column', () => {
    const chart = (width: number, height: number) => ({ width, height, series: [{ x: [1, 2], y: [1, 2] }] });
    const svg = figure([chart(300, 200), chart(400, 250), chart(300, 300)], { columns: 2, title: 'Fig. 2' });
    expectWellFormed(svg);
    expect(svg).toMatch(/^<svg [^>]*width="700" height="578"/);
    expect(svg).toContain('<svg x="0" y="28" width="300" height="200">');
    expect(svg).toContain('<svg x="300" y="28" width="400" height="250">');
    expect(svg).toContain('<svg x="0" y="278" width="300" height="300">');
    expect(() => figure([], { columns: 0 })).toThrow(RangeError);
  });
});

describe('rich text', () => {
  it('sets _x, _{..}, ^x and ^{..} as subscript and superscript tspans, escaping the rest', () => {
    expect(rich('t_k < 1')).toBe('t<tspan baseline-shift="sub" font-size="75%">k</tspan> &#60; 1');
    expect(rich('R^{2m} flow')).toBe('R<tspan baseline-shift="super" font-size="75%">2m</tspan> flow');
    expect(rich('t_2/ε^{1/4}')).toBe('t<tspan baseline-shift="sub" font-size="75%">2</tspan>/ε<tspan baseline-shift="super" font-size="75%">1/4</tspan>');
    expect(rich('plain & simple')).toBe('plain &#38; simple');
    expect(plainLength('t_{k+1} of R_mf')).toBe('tk+1 of Rmf'.length);
  });

  it('leaves no raw index in the paper figures\' text', () => {
    for (const job of paperFigures) {
      const titles = [job.title];
      for (const t of titles) expect(rich(t)).not.toMatch(/[_^]/);
    }
  });
});
