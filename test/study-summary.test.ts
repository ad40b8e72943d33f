// The study summary and charts from rows made by hand: statistics over seeds and the ε fit
// of the seed means against values computed by hand, per-seed fits kept beside it, and
// charts that stay small when an axis has thousands of values.
import { describe, expect, it } from 'vitest';
import { fmt } from '../src/format.js';
import type { StudyAxis } from '../src/study/plan.js';
import { MAX_LINES, studyCharts, summaryMarkdown } from '../src/analysis/study-report.js';
import { StudyPoints, summarize } from '../src/analysis/study-summary.js';
import type { StudyRow } from '../src/study/table.js';

/** Rows in cell order (last axis fastest) with learning times from `times(values)`. */
function rows(axes: StudyAxis[], times: (v: Record<string, number>) => (number | null)[]): StudyRow[] {
  const out: StudyRow[] = [];
  const size = axes.reduce((p, a) => p * a.values.length, 1);
  for (let i = 0; i < size; i++) {
    const values: unknown[] = [];
    for (let a = axes.length - 1, rest = i; a >= 0; a--) {
      values[a] = axes[a].values[rest % axes[a].values.length];
      rest = Math.floor(rest / axes[a].values.length);
    }
    const named = Object.fromEntries(axes.map((a, j) => [a.path, values[j] as number]));
    out.push({ index: i, values, file: '', outcome: { retcode: 'success', risk: 0.01, learningTimes: times(named), steps: 10, wallMs: 1 } });
  }
  return out;
}

/** The finished cells of `rows`. */
function pointsOf(axes: StudyAxis[], maxDegree: number, data: StudyRow[]): StudyPoints {
  const p = new StudyPoints(axes, maxDegree);
  for (const r of data) p.add(r.values, r.outcome);
  return p;
}

describe('statistics over seeds', () => {
  const axes: StudyAxis[] = [{ path: 'm', values: [3, 5] }, { path: 'seed', values: [0, 1, 2, 3] }];
  // t_0 = m + seed², and seed 3 never reaches t_1 at m = 5; one cell of m = 3 fails
  const data = rows(axes, (v) => [v.m + v.seed ** 2, v.m === 5 && v.seed === 3 ? null : 1]);
  data[2].outcome = { ...data[2].outcome, retcode: 'blowup', risk: 9 };
  const s = summarize(pointsOf(axes, 1, data));

  it('count the retcodes, and give mean, sd and the type-7 95% interval of each t_k and of the successful runs\' risk', () => {
    expect(s.retcodes).toEqual({ success: 7, blowup: 1 });
    expect(s.seed!.map((g) => g.point)).toEqual([{ m: 3 }, { m: 5 }]);
    const [g3, g5] = s.seed!;
    expect(g3.seeds).toBe(4);
    expect(g3.risk.n).toBe(3); // the blowup left out
    const t = [5, 6, 9, 14]; // m = 5: 5 + seed²
    const mean = t.reduce((a, b) => a + b) / 4;
    expect(g5.times[0].mean).toBeCloseTo(mean, 14);
    expect(g5.times[0].sd).toBeCloseTo(Math.sqrt(t.reduce((a, x) => a + (x - mean) ** 2, 0) / 3), 14);
    // h = 3·0.025 = 0.075 past the first order statistic, 2.925 past it for 97.5%
    expect(g5.times[0].interval95![0]).toBeCloseTo(5 + 0.075 * 1, 14);
    expect(g5.times[0].interval95![1]).toBeCloseTo(9 + 0.925 * 5, 14);
    expect(g5.times[1].n).toBe(3);
    expect(s.epsilon).toBeUndefined();
  });
});

describe('the ε fit of the seed means', () => {
  // ε = 1e-2, 1e-3, 1e-4 (all within the two fitted decades), two seeds, two values of m.
  // t_0: seed 1 gives 6, 3, 0.5 and seed 2 gives 10, 1, 1.5, so the means are 8, 2, 1;
  // at m = 10 every time is doubled. t_1: seed 2 never reaches it at ε = 1e-3.
  const axes: StudyAxis[] = [{ path: 'm', values: [5, 10] }, { path: 'epsilon', values: [1e-2, 1e-3, 1e-4] }, { path: 'seed', values: [1, 2] }];
  const T0: Record<number, number[]> = { 1: [6, 3, 0.5], 2: [10, 1, 1.5] };
  const T1: Record<number, (number | null)[]> = { 1: [4, 2, 1], 2: [4, null, 1] };
  const at = (v: Record<string, number>) => axes[1].values.indexOf(v.epsilon);
  const data = rows(axes, (v) => [T0[v.seed][at(v)] * (v.m / 5), T1[v.seed][at(v)] === null ? null : T1[v.seed][at(v)]! * (v.m / 5)]);
  const s = summarize(pointsOf(axes, 1, data));
  const ln100 = Math.log(100);

  it('averages t_k over seeds at each ε and fits the means', () => {
    expect(s.seedMeans).toHaveLength(2);
    const [g5, g10] = s.seedMeans!;
    expect(g5.point).toEqual({ m: 5 });
    expect(g10.point).toEqual({ m: 10 });
    expect(g5.epsilon).toEqual([1e-2, 1e-3, 1e-4]);
    expect(g5.seeds).toEqual([2, 2, 2]);
    expect(g5.table[0].times).toEqual([8, 2, 1]);
    // Three points equally spaced in log ε: the least-squares slope is that of the ends,
    // ln(8/1) / ln(100) = 1.5·log10(2); the intercept is mean(ln t) − slope·mean(ln ε).
    expect(g5.table[0].fit!.slope).toBeCloseTo(1.5 * Math.log10(2), 14);
    expect(g5.table[0].fit!.intercept).toBeCloseTo(Math.log(16) / 3 + 1.5 * Math.log10(2) * 3 * Math.log(10), 12);
    // Doubling every time moves the intercept by ln 2 and leaves the slope.
    expect(g10.table[0].fit!.slope).toBeCloseTo(g5.table[0].fit!.slope, 14);
    expect(g10.table[0].fit!.intercept - g5.table[0].fit!.intercept).toBeCloseTo(Math.log(2), 12);
  });

  it('takes no mean where a seed did not reach t_k, says how many did, and fits the other ε', () => {
    const g5 = s.seedMeans![0];
    expect(g5.reached[1]).toEqual([2, 1, 2]);
    expect(g5.table[1].times).toEqual([4, null, 1]);
    expect(g5.table[1].fit!.slope).toBeCloseTo(Math.log(4) / ln100, 14);
  });

  it('keeps the per-seed fits, and gives the spread of their exponents over seeds', () => {
    expect(s.epsilon).toHaveLength(4);
    const seed1 = s.epsilon!.find((g) => g.point.m === 5 && g.point.seed === 1)!;
    expect(seed1.table[0].fit!.slope).toBeCloseTo(Math.log(12) / ln100, 14);
    const slopes = [Math.log(12) / ln100, Math.log(10 / 1.5) / ln100];
    const st = s.seedMeans![0].seedSlopes[0];
    expect(st.n).toBe(2);
    expect(st.mean).toBeCloseTo((slopes[0] + slopes[1]) / 2, 14);
    expect(st.sd).toBeCloseTo(Math.abs(slopes[0] - slopes[1]) / Math.SQRT2, 14);
    // the slope of the means is not the mean of the slopes: the two summaries differ
    expect(Math.abs(st.mean! - s.seedMeans![0].table[0].fit!.slope)).toBeGreaterThan(0.01);
    expect(s.seedMeans![0].seedSlopes[1].mean).toBeCloseTo(Math.log(4) / ln100, 14);
  });

  it('writes both to summary.md, the means first', () => {
    const md = summaryMarkdown(s);
    const means = md.indexOf('## Scaling with ε of the mean over seeds');
    const perSeed = md.indexOf('## Scaling with ε, seed by seed');
    expect(means).toBeGreaterThan(0);
    expect(perSeed).toBeGreaterThan(means);
    expect(md).toContain('| 0.001 | 2 | 2 | — (1/2) |');
    // seed by seed: one row per seed with its exponents (m, seed, t_0, t_1)
    expect(md).toContain(`| 5 | 1 | ${fmt(Math.log(12) / ln100)} | ${fmt(Math.log(4) / ln100)} |`);
    expect(md.slice(perSeed, md.indexOf('## Learning times at m = ∞')).match(/^\| 10 \| [12] \|/gm)).toHaveLength(2);
  });

  it('is absent without a seed axis', () => {
    const out = summarize(pointsOf([axes[1]], 1, rows([axes[1]], (v) => [v.epsilon, null])));
    expect(out.seedMeans).toBeUndefined();
    expect(summaryMarkdown(out)).toContain('## Scaling with ε\n');
  });
});

describe('study charts', () => {
  const chart = (axes: StudyAxis[]) => {
    const p = pointsOf(axes, 0, rows(axes, (v) => [v.epsilon * (v.m ?? 1)]));
    return studyCharts(p, summarize(p))[0].svg;
  };
  const paths = (svg: string) => svg.match(/<path d=/g)?.length ?? 0;
  const eps = { path: 'epsilon', values: [1e-3, 1e-2, 1e-1] };

  it(`draws at most ${MAX_LINES} lines, the first in grid order, and says so in the title`, () => {
    const many = chart([eps, { path: 'm', values: Array.from({ length: 2000 }, (_, i) => i + 1) }]);
    expect(paths(many)).toBe(MAX_LINES);
    expect(many).toContain(`first ${MAX_LINES} of 2000 lines`);
    expect(many).toContain('m = 10');
    expect(many).not.toContain('m = 11');
    // as small as a chart of MAX_LINES lines
    const ten = chart([eps, { path: 'm', values: Array.from({ length: MAX_LINES }, (_, i) => i + 1) }]);
    expect(paths(ten)).toBe(MAX_LINES);
    expect(ten).not.toContain('lines');
    expect(many.length).toBeLessThan(ten.length + 100);
  });

  it('keeps apart two values that print alike', () => {
    expect(paths(chart([eps, { path: 'm', values: [1000, 1001] }]))).toBe(2);
  });

  it('averages seeds rather than drawing them, however many', () => {
    const svg = chart([eps, { path: 'seed', values: Array.from({ length: 2000 }, (_, i) => i) }]);
    expect(paths(svg)).toBe(1);
    expect(svg).toContain('(mean over seeds)');
  });

  it('name ε as ε, on its axis, in the title and in the lines', () => {
    const svg = chart([eps, { path: 'm', values: [1, 2] }]);
    expect(svg).toContain('t<tspan baseline-shift="sub" font-size="75%">0</tspan> against ε');
    expect(svg).toContain('>ε</text>');
    expect(svg).not.toContain('epsilon');
    const p = pointsOf([{ path: 'm', values: [1, 2] }, eps], 0, rows([{ path: 'm', values: [1, 2] }, eps], (v) => [v.epsilon * v.m]));
    const lines = studyCharts(p, summarize(p))[0].svg;
    expect(lines).toContain('ε = 0.01');
    expect(lines).not.toContain('epsilon');
  });
});

describe('learning times at m = ∞', () => {
  it('extrapolates each t_k over an m axis in 1/m, per point of the other axes, and writes it to summary.md', () => {
    const axes: StudyAxis[] = [{ path: 'epsilon', values: [1e-2, 1e-4] }, { path: 'm', values: [40, 10, 20] }];
    // t_0 = ε (1 + 1/m) exactly linear in 1/m; t_1 reached only at m = 10
    const data = rows(axes, (v) => [v.epsilon * (1 + 1 / v.m), v.m === 10 ? 1 : null]);
    const s = summarize(pointsOf(axes, 1, data));
    expect(s.m).toHaveLength(2);
    const g = s.m!.find((x) => x.point.epsilon === 1e-4)!;
    expect(g.m).toEqual([10, 20, 40]);
    expect(g.limit[0]!.value).toBeCloseTo(1e-4, 15);
    expect(g.limit[1]).toBeNull();
    expect(summaryMarkdown(s)).toMatch(/## Learning times at m = ∞[^]*\| ∞ \| 1\.00e-4 ± /);
  });

  it('gives the ε fits the theory\'s predicted constants of the cells', () => {
    const axes: StudyAxis[] = [{ path: 'epsilon', values: [1e-2, 1e-3, 1e-4] }];
    const data = rows(axes, (v) => [v.epsilon, Math.sqrt(v.epsilon) * (2 + 0.5 * Math.log(1 / v.epsilon))]);
    for (const r of data) r.outcome = { ...r.outcome, timeScales: { t0: { c: 1 }, t1: { A: 2, B: 0.5 } } };
    const [row0, row1] = summarize(pointsOf(axes, 1, data)).epsilon![0].table;
    expect(row1.predictedB).toBe(0.5);
    expect(row1.logFit!.B).toBeCloseTo(0.5, 10);
    expect(row0.predictedA).toBe(1);
    expect(row0.logFit!.A).toBeCloseTo(1, 10);
  });
});
