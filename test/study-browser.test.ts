// The study page (web/study.html) in Chromium: a grid run on Web Workers through
// studyInBrowser gives the same table as the Node pool (bit for bit, learning times
// included; result files and wall times aside), draws one chart per t_k, and reports a bad
// cell by its axis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { study } from '../src/study/node.js';
import { parseCsv } from '../src/study/table.js';
import { type Session, openPage, openSession, waitFor } from './support/browser.js';
import { scratch, smallStudy, tableWithoutWallTime } from './support/study.js';

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
  await waitFor(page, problems, 'the study ending', () => !['running', 'idle'].includes(document.getElementById('status')!.dataset.state!), 90_000);
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
  }, 180_000);

  it('reports a bad cell by its axis and value', async () => {
    expect(await runStudy(JSON.stringify({ ...smallStudy, grid: { epsilon: [0.1, -1] } }))).toBe('error');
    expect(await page.locator('#status').textContent()).toBe('ConfigError: grid["epsilon"] = -1: makes an invalid config: epsilon: must be > 0 (got -1)');
  }, 180_000);
});
