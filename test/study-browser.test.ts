// The study page (web/study.html) in Chromium: a grid run on Web Workers through
// studyInBrowser gives the same table as the Node pool (bit for bit, learning times
// included; result files and wall times aside), draws one chart per t_k and a heat map of
// t_k over two numeric axes, and reports a bad cell by its axis.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmt } from '../src/format.js';
import type { Page } from 'playwright-core';
import { study } from '../src/study/node.js';
import { type Session, openPage, openSession, waitFor } from './support/browser.js';
import { RUN_MS } from './support/budgets.js';
import { scratch, smallStudy, tableWithoutWallTime, parseCsv } from './support/study.js';

const s = scratch('study-browser');
let session: Session;
let page: Page;
let problems: string[];
beforeAll(async () => {
  session = await openSession();
  ({ page, problems } = await openPage(session, 'web/study.html'));
  await waitFor(page, problems, 'the study page loading', () => document.body.dataset.ready === 'true');
});
afterAll(async () => {
  await session?.close();
  s.remove();
});

async function runStudy(json: string): Promise<string> {
  await page.fill('#study', json);
  await page.click('#run');
  await waitFor(page, problems, 'the study ending', () => !['running', 'idle'].includes(document.getElementById('status')!.dataset.state!), RUN_MS);
  return (await page.locator('#status').getAttribute('data-state'))!;
}

const withoutFile = (rows: string[][]) => rows.map((r) => r.slice(0, -1));

describe('study page (web/study.html)', () => {
  it('runs a grid on Web Workers to the table the Node pool gives, and draws t_0..t_2', async () => {
    expect(await runStudy(JSON.stringify(smallStudy)), await page.locator('#status').textContent() ?? '').toBe('done');
    const { csv, charts } = await page.evaluate(() => (window as unknown as { studyResult: { csv: string; charts: number } }).studyResult);
    expect(charts).toBe(3);
    expect(await page.locator('#plots > svg').count()).toBe(3);
    expect(await page.locator('.study-table tbody tr').count()).toBe(12);
    await study(smallStudy, { outDir: s.dir, workers: 2 });
    const browserRows = parseCsv(csv);
    const w = browserRows[0].indexOf('wallMs');
    const browser = withoutFile(browserRows.map((r) => r.filter((_, i) => i !== w)));
    const node = withoutFile(tableWithoutWallTime(s.dir));
    // Every column bit for bit, learning times included: their interpolation runs in the core.
    expect(browser).toEqual(node);
    expect(problems).toEqual([]);
  });

  it('draws the heat map of t_k over two numeric axes, each cell the geometric mean over the other axes', async () => {
    // The grid of the first test: ε × m × seed, 3 × 2 × 3 cells.
    const { csv } = await page.evaluate(() => (window as unknown as { studyResult: { csv: string } }).studyResult);
    const [head, ...rows] = parseCsv(csv);
    const col = (name: string) => head.indexOf(name);
    const cells = () => page.locator('#heatmap rect title').allTextContents();
    const expected = (k: number) => {
      const out: string[] = [];
      for (const m of ['3', '5']) {
        for (const eps of [...new Set(rows.map((r) => r[col('epsilon')]))].sort((a, b) => Number(a) - Number(b))) {
          const t = rows.filter((r) => r[col('epsilon')] === eps && r[col('m')] === m).map((r) => r[col(`t_${k}`)]);
          const missing = t.filter((v) => v === '').length;
          const mean = Math.exp(t.reduce((s, v) => s + Math.log(Number(v)), 0) / t.length);
          out.push(`ε = ${fmt(Number(eps))}, m = ${m}: ${missing === 0 ? fmt(mean) : missing === t.length ? 'not reached' : `not reached in ${missing} of ${t.length} runs`}`);
        }
      }
      return out;
    };
    expect(await page.locator('#heat-q').inputValue()).toBe('t_2');
    expect(await cells()).toEqual(expected(2));
    await page.selectOption('#heat-q', 't_1');
    expect(await cells()).toEqual(expected(1));
    expect(await page.locator('#heatmap svg').getAttribute('aria-label')).toBe('t₁ (geometric mean over the other axes) over ε × m');
  });

  it('runs its example, a phase diagram of t_2 over ε × m, on every core', async () => {
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.reload();
    await waitFor(page, problems, 'the study page loading', () => document.body.dataset.ready === 'true');
    await page.click('#run');
    await waitFor(page, problems, 'the study ending', () => !['running', 'idle'].includes(document.getElementById('status')!.dataset.state!), RUN_MS);
    expect(await page.locator('#status').textContent()).toMatch(/^30 cells on \d+ workers: 30 success\.$/);
    expect(await page.locator('#heatmap rect title').count()).toBe(30);
    expect(problems).toEqual([]);
    // For a person to look at; docs/study-heatmap.png is a committed copy of one.
    await page.screenshot({ path: fileURLToPath(new URL('../out/study-heatmap.png', import.meta.url)) });
  });

  it('reports a bad cell by its axis and value', async () => {
    expect(await runStudy(JSON.stringify({ ...smallStudy, grid: { epsilon: [0.1, -1] } }))).toBe('error');
    expect(await page.locator('#status').textContent()).toBe('ConfigError: grid["epsilon"] = -1: makes an invalid config: epsilon: must be > 0 (got -1)');
  });
});
