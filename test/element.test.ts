// <timescales-sim> (dist/element.js) in Chromium and Firefox, loaded by a plain HTML page
// from a plain static server: no bundler, no import map, no project server. It must give
// the bits Node's run() gives, show a bad config's error naming the field (and any error
// that stops a run), and start an element far below the fold only once it is scrolled to.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type Driver, launchChromium, launchFirefox } from './consumers/browsers.js';
import { type PlainServer, plainServer } from './support/static-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The near element's config, as attributes and as Node runs it. */
const near = { m: 6, epsilon: 1e-2, seed: 7, activation: 'tanh', time: { start: 1e-3, end: 1, points: 5 }, degrees: 2 };

const page = `<!doctype html>
<meta charset="utf-8">
<title>timescales-sim from a static server</title>
<link rel="icon" href="data:,">
<script type="module" src="/dist/element.js"></script>
<timescales-sim id="near" m="6" epsilon="1e-2" seed="7" activation="tanh"
  config='{"time": {"start": 1e-3, "end": 1, "points": 5}, "degrees": 2}' style="width: 640px; height: 300px"></timescales-sim>
<timescales-sim id="bad" m="4" epsilon="-1" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="nowasm" m="3" wasm-base="/nowhere/" autoplay="false" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="once" m="3" config='{"time": {"end": 1, "points": 3}}' autoplay="false" style="width: 640px; height: 80px"></timescales-sim>
<div style="height: 6000px"></div>
<timescales-sim id="far" m="3" config='{"time": {"end": 1, "points": 4}}'></timescales-sim>
<script type="module">
  const [nearEl, bad, far] = ['near', 'bad', 'far'].map((id) => document.getElementById(id));
  const frames = { near: [], far: 0 };
  nearEl.addEventListener('frame', (e) => frames.near.push(e.detail));
  far.addEventListener('frame', () => frames.far++);
  const once = (el, type) => new Promise((resolve) => el.addEventListener(type, (e) => resolve(e.detail), { once: true }));
  const farDone = once(far, 'done');
  const [result, error] = await Promise.all([nearEl.result ?? once(nearEl, 'done'), once(bad, 'error')]);
  // The far element has had the time the near one took and two more frames to start, and must not have.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const farBeforeScroll = { frames: frames.far, result: far.result };
  // A Wasm folder that is not there: the run rejects, and the element shows why.
  const nowasm = document.getElementById('nowasm');
  const nowasmEvent = once(nowasm, 'error');
  const nowasmRun = await nowasm.run().then(() => 'resolved', (e) => e.message);
  // A config set and run() called in the same task make one run, not a run and a re-run that supersedes it.
  const onceEl = document.getElementById('once');
  let doneEvents = 0;
  onceEl.addEventListener('done', () => doneEvents++);
  await onceEl.run();
  onceEl.config = { time: { end: 1, points: 3 }, epsilon: 0.5 };
  const second = await onceEl.run();
  await new Promise((r) => setTimeout(r, 50));
  far.scrollIntoView();
  const farResult = await farDone;
  window.results = {
    near: { risk: Array.from(result.risk), t: Array.from(result.t), retcode: result.retcode, frames: frames.near, same: nearEl.result === result },
    bad: { detail: error, shown: bad.shadowRoot.querySelector('[part=error]').textContent },
    far: { before: farBeforeScroll, retcode: farResult.retcode, frames: frames.far },
    nowasm: { run: nowasmRun, event: await nowasmEvent, shown: nowasm.shadowRoot.querySelector('[part=error]').textContent },
    once: { retcode: second.retcode, epsilon: second.config.epsilon, same: onceEl.result === second, doneEvents },
    wasm: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm')),
  };
</script>
`;

interface Results {
  near: { risk: number[]; t: number[]; retcode: string; frames: { index: number; t: number; risk: number }[]; same: boolean };
  bad: { detail: { message: string; field: string | null; name: string }; shown: string };
  far: { before: { frames: number; result: unknown }; retcode: string; frames: number };
  nowasm: { run: string; event: { message: string; field: string | null }; shown: string };
  once: { retcode: string; epsilon: number; same: boolean; doneEvents: number };
  wasm: string[];
}

let served: PlainServer;
let reference: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  served = await plainServer({ '/': page });
  reference = await run(near);
});
afterAll(() => served?.close());

describe.each([['Chromium', launchChromium], ['Firefox', launchFirefox]] as const)('<timescales-sim> in %s', (_, launch) => {
  let browser: Driver;
  let results: Results;
  beforeAll(async () => {
    browser = await launch();
    results = await browser.results<Results>(served.url, 60_000);
  }, 120_000);
  afterAll(() => browser?.close());

  it('runs from a plain static server to the bits Node gives, frame by frame', () => {
    const { near: r } = results;
    expect(r.retcode).toBe('success');
    expect(r.t).toEqual(Array.from(reference.t));
    expect(r.risk).toEqual(Array.from(reference.risk));
    expect(r.frames).toEqual(Array.from(reference.t, (t, index) => ({ index, t, risk: reference.risk[index] })));
    expect(r.same).toBe(true); // the `result` property is the `done` event's detail
    // The SIMD build fetched once for the page (the worker is handed the compiled module),
    // and the missing one of the element with wasm-base="/nowhere/".
    expect(results.wasm.sort()).toEqual(['/build/timescales.simd.wasm', '/nowhere/timescales.simd.wasm']);
  });

  it('shows a bad config inside the element, naming the field, and fires `error`', () => {
    expect(results.bad.detail).toEqual({ message: 'epsilon: must be > 0 (got -1)', field: 'epsilon', name: 'ConfigError' });
    expect(results.bad.shown).toBe('ConfigError: epsilon: must be > 0 (got -1)');
  });

  it('shows an error that stops a run (the Wasm builds not found) and rejects run()', () => {
    const { nowasm } = results;
    expect(nowasm.run).toMatch(/^the SIMD build: cannot fetch http:\/\/127\.0\.0\.1:\d+\/nowhere\/timescales\.simd\.wasm: HTTP 404$/);
    expect(nowasm.event).toMatchObject({ message: nowasm.run, field: null });
    expect(nowasm.shown).toBe(`Error: ${nowasm.run}`);
  });

  it('makes one run of a config set and run() called in the same task', () => {
    expect(results.once).toEqual({ retcode: 'success', epsilon: 0.5, same: true, doneEvents: 2 });
  });

  it('starts an element far below the fold only once it is scrolled to', () => {
    expect(results.far.before).toEqual({ frames: 0, result: null });
    expect(results.far.retcode).toBe('success');
    expect(results.far.frames).toBe(4);
  });
});

describe('<timescales-sim> in Chromium, looked at', () => {
  it('runs on one worker shared by the page and draws labelled axes (screenshot: out/element.png)', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 700, height: 420 } });
      await tab.goto(served.url);
      await tab.waitForFunction(() => (window as { results?: unknown }).results, undefined, { timeout: 60_000 });
      expect(tab.workers().map((w) => w.url().slice(0, 5))).toEqual(['blob:']);
      const near = tab.locator('#near');
      await near.scrollIntoViewIfNeeded();
      const texts = await near.locator('svg text').allTextContents();
      expect(texts).toContain('t');
      expect(texts).toContain('risk');
      expect(await near.locator('[part=summary]').textContent()).toMatch(/^Learning times .*t₀ (=|not reached)/);
      await near.screenshot({ path: join(root, 'out/element.png') });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
