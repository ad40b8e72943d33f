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
import { LAUNCH_MS, PAGE_MS, RUN_MS } from './support/budgets.js';
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
<timescales-sim id="expr" m="6" epsilon="1e-2" seed="7" activation='{"expr": "tanh(z) + 0.1*z^3"}'
  config='{"time": {"start": 1e-3, "end": 1, "points": 5}, "degrees": 2}' style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="bad" m="4" epsilon="-1" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="nowasm" m="3" wasm-base="/nowhere/" autoplay="false" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="once" m="3" config='{"time": {"end": 1, "points": 3}}' autoplay="false" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="early" autoplay="false" style="width: 640px; height: 80px"></timescales-sim>
<timescales-sim id="removed" autoplay="false" m="10" config='{"model": "network", "d": 100, "eta": 1e-3, "time": {"end": 3000, "points": 2000}}' style="width: 640px; height: 80px"></timescales-sim>
<script>
  // Set before the module defines the element: the element must still take it as its config.
  document.getElementById('early').config = { m: 2, time: { end: 1, points: 2 } };
</script>
<div style="height: 6000px"></div>
<timescales-sim id="far" m="3" config='{"time": {"end": 1, "points": 4}}'></timescales-sim>
<script type="module">
  const [nearEl, bad, far] = ['near', 'bad', 'far'].map((id) => document.getElementById(id));
  const frames = { near: [], far: 0 };
  nearEl.addEventListener('frame', (e) => frames.near.push(e.detail));
  far.addEventListener('frame', () => frames.far++);
  const once = (el, type) => new Promise((resolve) => el.addEventListener(type, (e) => resolve(e.detail), { once: true }));
  const farDone = once(far, 'done');
  const exprEl = document.getElementById('expr');
  const [result, error, exprResult] = await Promise.all([nearEl.result ?? once(nearEl, 'done'), once(bad, 'error'), exprEl.result ?? once(exprEl, 'done')]);
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
  const early = await document.getElementById('early').run();
  // An element removed from the page mid-run stops its run: a run of seconds (3e6 gradient
  // steps), so that the stop, sent at its first frame, lands long before its end on any machine.
  const removedEl = document.getElementById('removed');
  removedEl.addEventListener('frame', () => removedEl.remove(), { once: true });
  const removed = await removedEl.run();
  await new Promise((r) => setTimeout(r, 50));
  far.scrollIntoView();
  const farResult = await farDone;
  window.results = {
    near: { risk: Array.from(result.risk), t: Array.from(result.t), retcode: result.retcode, frames: frames.near, same: nearEl.result === result },
    expr: { risk: Array.from(exprResult.risk), retcode: exprResult.retcode },
    bad: { detail: error, shown: bad.shadowRoot.querySelector('[part=error]').textContent },
    far: { before: farBeforeScroll, retcode: farResult.retcode, frames: frames.far },
    nowasm: { run: nowasmRun, event: await nowasmEvent, shown: nowasm.shadowRoot.querySelector('[part=error]').textContent },
    once: { retcode: second.retcode, epsilon: second.config.epsilon, same: onceEl.result === second, doneEvents },
    early: { m: early.config.m, points: early.t.length },
    removed: { retcode: removed.retcode, stoppedEarly: removed.t.length < 2000 },
    wasm: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm')),
  };
</script>
`;

interface Results {
  near: { risk: number[]; t: number[]; retcode: string; frames: { index: number; t: number; risk: number }[]; same: boolean };
  expr: { risk: number[]; retcode: string };
  bad: { detail: { message: string; field: string | null; name: string }; shown: string };
  far: { before: { frames: number; result: unknown }; retcode: string; frames: number };
  nowasm: { run: string; event: { message: string; field: string | null }; shown: string };
  once: { retcode: string; epsilon: number; same: boolean; doneEvents: number };
  early: { m: number; points: number };
  removed: { retcode: string; stoppedEarly: boolean };
  wasm: string[];
}

let served: PlainServer;
let reference: Awaited<ReturnType<typeof run>>;
let exprReference: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  served = await plainServer({ '/': page, '/look': look, '/no-workers': noWorkers });
  reference = await run(near);
  exprReference = await run({ ...near, activation: { expr: 'tanh(z) + 0.1*z^3' } });
});
afterAll(() => served?.close());

describe.each([['Chromium', launchChromium], ['Firefox', launchFirefox]] as const)('<timescales-sim> in %s', (_, launch) => {
  let browser: Driver;
  let results: Results;
  beforeAll(async () => {
    browser = await launch();
    results = await browser.results<Results>(served.url);
  });
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

  it('runs an expression activation to the bits Node gives', () => {
    expect(results.expr).toEqual({ retcode: 'success', risk: Array.from(exprReference.risk) });
    expect(results.expr.risk).not.toEqual(results.near.risk);
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

  it('stops the run of an element removed from the page', () => {
    expect(results.removed).toEqual({ retcode: 'aborted', stoppedEarly: true });
  });

  it('takes a config property set before the module defined the element', () => {
    expect(results.early).toEqual({ m: 2, points: 2 });
  });

  it('runs on the page, to the same bits, where the page forbids workers (worker-src \'none\')', async () => {
    const r = await browser.results<{ risk: number[]; retcode: string }>(new URL('no-workers', served.url).href);
    expect(r).toEqual({ retcode: 'success', risk: Array.from(reference.risk) });
  });

  it('starts an element far below the fold only once it is scrolled to', () => {
    expect(results.far.before).toEqual({ frames: 0, result: null });
    expect(results.far.retcode).toBe('success');
    expect(results.far.frames).toBe(4);
  });
});

/** The near element on a page whose Content-Security-Policy forbids workers. */
const noWorkers = `<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="worker-src 'none'">
<link rel="icon" href="data:,">
<script type="module" src="/dist/element.js"></script>
<timescales-sim m="6" epsilon="1e-2" seed="7" activation="tanh" config='{"time": {"start": 1e-3, "end": 1, "points": 5}, "degrees": 2}'></timescales-sim>
<script type="module">
  const el = document.querySelector('timescales-sim');
  el.addEventListener('done', (e) => { window.results = { retcode: e.detail.retcode, risk: Array.from(e.detail.risk) }; });
  el.addEventListener('error', (e) => { window.results = { error: e.detail.message }; });
</script>
`;

/** The README's snippet in both views, for the screenshot, the themes and reduced motion. */
const look = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<style>body { margin: 0; } #figure { display: flex; flex-direction: column; gap: 8px; padding: 8px; width: 784px; } timescales-sim { height: 300px; }</style>
<script type="module" src="/dist/element.js"></script>
<div id="figure">
  <timescales-sim id="risk" m="10" epsilon="1e-3" activation="relu"></timescales-sim>
  <timescales-sim id="neurons" m="10" epsilon="1e-3" activation="relu" view="neurons"></timescales-sim>
</div>
<div style="--timescales-grid: rgb(7, 8, 9)">
  <timescales-sim id="themed" autoplay="false" style="--timescales-background: rgb(1, 2, 3); --timescales-color: rgb(4, 5, 6)"></timescales-sim>
</div>
<script>
  // Whether the plot held a drawing at any frame before the run ended, per element.
  window.drawnWhileRunning = {};
  for (const el of document.querySelectorAll('timescales-sim')) {
    el.addEventListener('frame', () => { window.drawnWhileRunning[el.id] ||= el.shadowRoot.querySelector('[part=plot] svg') !== null; });
  }
</script>
`;

describe('<timescales-sim> in Chromium, looked at', () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: LAUNCH_MS });
  });
  afterAll(() => browser?.close());

  async function open(options: { colorScheme?: 'light' | 'dark'; reducedMotion?: 'reduce' | 'no-preference' } = {}) {
    const tab = await browser.newPage({ viewport: { width: 800, height: 640 }, ...options });
    tab.setDefaultTimeout(PAGE_MS);
    await tab.goto(new URL('look', served.url).href);
    await tab.waitForFunction(() => ['risk', 'neurons'].every((id) => (document.getElementById(id) as unknown as { result: unknown }).result), undefined, { timeout: RUN_MS });
    // The finished run is drawn at the next animation frame.
    await tab.waitForFunction(() => document.getElementById('neurons')!.shadowRoot!.querySelector('svg'), undefined, { timeout: PAGE_MS });
    return tab;
  }

  it('runs every element on one worker, draws labelled axes, names itself and says the learning times (screenshot: out/element.png)', async () => {
    const tab = await open({ colorScheme: 'light', reducedMotion: 'no-preference' });
    expect(tab.workers().map((w) => w.url().slice(0, 5))).toEqual(['blob:']);
    const risk = tab.locator('#risk');
    expect(await risk.locator('svg text').allTextContents()).toEqual(expect.arrayContaining(['t', 'risk', 'R', 'R₀', 'R₁', 'R₂']));
    expect(await tab.locator('#neurons svg text').allTextContents()).toEqual(expect.arrayContaining(['aᵢ', 'sᵢ']));
    const name = 'Simulation of a two-layer network learning (meanfield, m = 10, ε = 0.001, activation relu)';
    // A figure named by what it simulates (its default semantics: the page's attributes stay its own).
    expect(await risk.getAttribute('role')).toBeNull();
    const cdp = await tab.context().newCDPSession(tab);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: { role?: { value: string }; name?: { value: string } }[] };
    expect(nodes.filter((n) => n.role?.value === 'figure').map((n) => n.name?.value).sort())
      .toEqual(['Simulation of a two-layer network learning', name, name]); // the third has not run
    expect(await risk.locator('[part=plot]').getAttribute('aria-label')).toBe(name);
    expect(await risk.locator('[part=summary]').textContent()).toMatch(/^Learning times \(first t with Rₖ\(t\) ≤ 0\.1·Rₖ\(0\)\): t₀ = [\d.e-]+, t₁ = [\d.e-]+, t₂ = [\d.e-]+, t₃ not reached\.$/);
    await tab.locator('#figure').screenshot({ path: join(root, 'out/element.png') });
    await tab.close();
  });

  it('follows prefers-color-scheme, and takes its colours from custom properties', async () => {
    const background = (tab: Awaited<ReturnType<typeof open>>, id: string) =>
      tab.evaluate((id) => getComputedStyle(document.getElementById(id)!).backgroundColor, id);
    const light = await open({ colorScheme: 'light' });
    expect(await background(light, 'risk')).toBe('rgb(255, 255, 255)');
    await light.close();
    const dark = await open({ colorScheme: 'dark' });
    expect(await background(dark, 'risk')).toBe('rgb(27, 27, 27)');
    expect(await background(dark, 'themed')).toBe('rgb(1, 2, 3)');
    expect(await dark.evaluate(() => getComputedStyle(document.getElementById('themed')!).color)).toBe('rgb(4, 5, 6)');
    // Inherited from an ancestor, as a page's theme would set it.
    expect(await dark.evaluate(() => getComputedStyle(document.getElementById('themed')!).getPropertyValue('--grid').trim())).toBe('rgb(7, 8, 9)');
    expect(await dark.evaluate(() => getComputedStyle(document.getElementById('risk')!).getPropertyValue('--grid').trim())).toBe('#333');
    // The plot's grid lines take it.
    expect(await dark.evaluate(() => getComputedStyle(document.getElementById('risk')!.shadowRoot!.querySelector('line[stroke="#eee"]')!).stroke)).toBe('rgb(51, 51, 51)');
    await dark.close();
  });

  it('draws only the finished run under prefers-reduced-motion', async () => {
    const tab = await open({ reducedMotion: 'reduce' });
    expect(await tab.evaluate(() => (window as unknown as { drawnWhileRunning: object }).drawnWhileRunning)).toEqual({ risk: false, neurons: false });
    await tab.close();
  });
});
