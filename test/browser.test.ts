// The core in Chromium: loaded from dist/ by a page (through web/importmap.js) and by a
// module Web Worker (through serve.mjs's import rewriting), SIMD picked and both builds agreeing.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../web/serve.mjs';
import type { Page } from 'playwright-core';
import { type Session, openPage, openSession, waitFor } from './support/browser.js';

interface Check { variant: string; reference: number; simd: number; scalar: number; wasm: string[] }
type Outcome = { result: Check; error?: undefined } | { error: string; result?: undefined };
interface Results { page: Outcome; worker: Outcome }

let session: Session;
beforeAll(async () => { session = await openSession(); });
afterAll(async () => { await session?.close(); });

async function coreResults(base: string): Promise<Results> {
  const { page, problems } = await openPage(session, new URL('test/support/core.html', base).href);
  const results = await waitFor(page, problems, 'core.html reporting its results', () => (window as { coreResults?: Results }).coreResults);
  await page.close();
  return results;
}

function expectCoreWorks(where: string, outcome: Outcome): void {
  expect(outcome.error, `${where}: ${outcome.error}`).toBeUndefined();
  const { variant, reference, simd, scalar, wasm } = outcome.result!;
  expect(variant).toBe('simd');
  // One fetch per build in this realm (the SIMD check fetches nothing).
  expect(wasm.sort(), where).toEqual(['/build/timescales.scalar.wasm', '/build/timescales.simd.wasm']);
  expect(Math.abs(simd - reference)).toBeLessThan(1e-12 * 1003);
  expect(Math.abs(scalar - simd)).toBeLessThan(1e-12 * 1003);
}

describe('core in Chromium', () => {
  it('loads on the page and in a module worker, picks SIMD, fetches each build once, and both builds agree', async () => {
    const { page, worker } = await coreResults(session.server.url);
    expectCoreWorks('page', page);
    expectCoreWorks('worker', worker);
  });

  it('loads on the page from a plain static server through the import map alone', async () => {
    const plain = await startServer({ rewriteImports: false, alsoServe: ['test/support/'] });
    try {
      expectCoreWorks('page', (await coreResults(plain.url)).page);
    } finally {
      await plain.close();
    }
  });
});

describe('explorer (web/)', () => {
  let page: Page;
  let problems: string[];
  const status = () => page.locator('#status');

  beforeAll(async () => {
    ({ page, problems } = await openPage(session, 'web/index.html'));
    await page.setViewportSize({ width: 1400, height: 900 });
    await waitFor(page, problems, 'the explorer loading its first preset', () => document.body.dataset.ready === 'true');
  });

  async function runConfig(config: string, state: string): Promise<void> {
    await page.fill('#config', config);
    await page.click('#run');
    await waitFor(page, problems, `the run ending in state '${state}'`, () => document.getElementById('status')!.dataset.state !== 'running', 60_000);
    expect(await status().getAttribute('data-state'), await status().textContent() ?? '').toBe(state);
  }

  it('streams one frame per output time from its worker, then the result', async () => {
    const config = { m: 4, epsilon: 1e-2, seed: 3, time: { start: 1e-3, end: 10, points: 25 }, degrees: 2 };
    const messages = await page.evaluate((config) => new Promise<string[]>((resolve) => {
      const worker = new Worker('/web/worker.js', { type: 'module' });
      const seen: string[] = [];
      worker.onmessage = ({ data }) => {
        if (data.type === 'progress') return;
        seen.push(data.type === 'frame' ? `frame ${data.index} ${data.components.length} ${data.a.length}` : `${data.type} ${data.result?.retcode ?? data.error?.message}`);
        if (data.type !== 'frame') resolve(seen);
      };
      worker.onerror = (e) => resolve([...seen, `worker error ${e.message}`]);
      worker.postMessage({ type: 'run', config });
    }), config);
    expect(messages).toEqual([...Array.from({ length: 25 }, (_, i) => `frame ${i} 3 4`), 'done success']);
  });

  it('runs a preset, draws every curve and shows the solver stats', async () => {
    await page.selectOption('#preset', { label: 'Quick look: ReLU, m = 10, ε = 1e-2, 60 points' });
    await waitFor(page, problems, 'the quick preset in the editor', () => (document.getElementById('config') as HTMLTextAreaElement).value.includes('"points": 60'));
    await runConfig(await page.inputValue('#config'), 'done');
    // R_mf, R_0..R_2, and a_i and s_i for 10 neurons.
    expect(await page.locator('#plots path').count()).toBe(1 + 3 + 10 + 10);
    const stats = await page.locator('#stats').textContent();
    expect(stats).toMatch(/return code\s*success/);
    expect(stats).toMatch(/learning time t_2/);
    expect(problems).toEqual([]);
    // For a person to look at; web/screenshot.png is a committed copy of one.
    await page.screenshot({ path: fileURLToPath(new URL('../out/explorer.png', import.meta.url)) });
  });

  it('reports a bad config by the field it names, and bad JSON by position', async () => {
    await runConfig(JSON.stringify({ m: 10, epsilon: -1, time: { end: 1, points: 5 } }), 'error');
    expect(await status().textContent()).toMatch(/^ConfigError: epsilon: must be > 0/);
    await runConfig('{"m": 10,', 'error');
    expect(await status().textContent()).toMatch(/^Invalid JSON: .*position 9/);
    expect(await page.locator('#config.invalid').count()).toBe(1);
  });

  it('stops a long run on request', async () => {
    const long = { m: 2000, epsilon: 1e-6, time: { start: 1e-6, end: 5e-3, points: 5000 }, solver: { method: 'rk4', dt: 1e-9 } };
    await page.fill('#config', JSON.stringify(long));
    await page.click('#run');
    expect(await status().getAttribute('data-state')).toBe('running');
    await page.click('#stop');
    await waitFor(page, problems, 'the run stopping', () => document.getElementById('status')!.dataset.state !== 'running', 15_000);
    expect(await status().getAttribute('data-state'), await status().textContent() ?? '').toBe('stopped');
    expect(await page.locator('#run').isEnabled()).toBe(true);
  });

  it('serves the embed snippet of web/README.md as a working page', async () => {
    const embed = await openPage(session, 'web/embed.html');
    const outcome = await waitFor(embed.page, embed.problems, 'the embedded simulation finishing',
      () => (document.querySelector('timescales-sim') as unknown as { result: { retcode: string } | null }).result?.retcode, 60_000);
    expect(outcome).toBe('success');
    expect(await embed.page.locator('timescales-sim svg text').allTextContents()).toContain('t');
    await embed.page.close();
  });
});
