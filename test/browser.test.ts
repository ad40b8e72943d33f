// The core in Chromium: loaded from dist/ by a page (through web/importmap.js) and by a
// module Web Worker (through serve.mjs's import rewriting), SIMD picked and both builds
// agreeing. The explorer (web/index.html) in Chromium and Firefox: links, runs on its
// <timescales-sim>, earlier runs, statistics, errors, accessibility (axe-core).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromHash } from '../src/config-hash.js';
import { startServer } from '../web/serve.mjs';
import { defaults } from '../web/presets.js';
import type { Page } from 'playwright-core';
import { type Browsers, type Session, openBrowser, openPage, openSession, waitFor } from './support/browser.js';
import { RUN_MS } from './support/budgets.js';

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

/** Sets form field `name` (a config path) to `value` as typing would: input, then change. */
function setField([name, value]: [string, string]): void {
  const form = document.getElementById('config-form') as HTMLFormElement;
  const el = form.elements.namedItem(name) as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

const settled = () => document.body.dataset.ready === 'true' && document.getElementById('status')!.dataset.state !== 'running' && document.getElementById('status')!.dataset.state;

for (const name of ['Chromium', 'Firefox'] as const) {
  describe(`explorer in ${name}`, () => {
    let browser: Browsers;
    beforeAll(async () => { browser = await openBrowser(name); });
    afterAll(async () => { await browser?.close(); });

    it('fills its controls from a link and runs it; a change of a control updates the link', async () => {
      const tab = await browser.open('web/index.html#m=7&epsilon=1e-3&activation=tanh&target.hermite=[0,1,0.5]');
      expect(await tab.waitFor('the linked run ending', settled, RUN_MS)).toBe('done');
      const form = () => tab.evaluate(() => {
        const elements = [...(document.getElementById('config-form') as HTMLFormElement).elements] as HTMLInputElement[];
        return Object.fromEntries(elements.filter((e) => e.name && !e.disabled).map((e) => [e.name, e.value]));
      });
      // Each field is named by its config path and holds the config's value there.
      expect(await form()).toEqual({ model: 'meanfield', activation: 'tanh', 'target.hermite': '0, 1, 0.5', epsilon: '1e-3', m: '7', seed: '1' });
      const ran = await tab.evaluate(() => (document.getElementById('sim') as unknown as { result: { config: Record<string, unknown> } }).result.config);
      expect(ran).toMatchObject({ m: 7, epsilon: 1e-3, activation: 'tanh', target: { hermite: [0, 1, 0.5] } });

      await tab.evaluate(setField, ['epsilon', '1e-6']);
      const link = () => tab.evaluate(() => location.hash);
      expect(configFromHash(await link(), defaults)).toEqual({ ...defaults, m: 7, epsilon: 1e-6, activation: 'tanh', target: { hermite: [0, 1, 0.5] } });
      // The log slider beside ε sets the field, which holds ε itself.
      await tab.evaluate(() => {
        const slider = document.getElementById('field-epsilon-log') as HTMLInputElement;
        slider.value = '-4.5';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        slider.dispatchEvent(new Event('change', { bubbles: true }));
      });
      expect((await form()).epsilon).toBe('3.16e-5');
      expect(configFromHash(await link(), defaults).epsilon).toBe(3.16e-5);
      await tab.evaluate(setField, ['model', 'network']);
      expect(await form()).toMatchObject({ model: 'network', d: '1000', eta: '1e-3' });
      expect(configFromHash(await link(), defaults)).toMatchObject({ model: 'network', d: 1000, eta: 1e-3 });
      expect(tab.problems).toEqual([]);
      await tab.close();
    });

    it('reports a link it cannot read by the field it names, and shows the defaults', async () => {
      const tab = await browser.open('web/index.html#m=3&bogus=1');
      await tab.waitFor('the page loading', () => document.body.dataset.ready === 'true');
      const status = await tab.evaluate(() => document.getElementById('status')!.textContent);
      expect(status).toMatch(/could not be read: bogus: unknown field "bogus" in the config/);
      expect(await tab.evaluate(() => (document.querySelector('[name=m]') as HTMLInputElement).value)).toBe('10');
      await tab.close();
    });

    it('has no serious or critical accessibility violations (axe-core, run in the page)', async () => {
      const tab = await browser.open('web/index.html');
      await tab.waitFor('the first run ending', settled, RUN_MS);
      const violations = await tab.evaluate(async () => {
        await new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = '/node_modules/axe-core/axe.min.js';
          script.onload = resolve;
          script.onerror = reject;
          document.head.append(script);
        });
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
        const { violations } = await axe.run(document, { resultTypes: ['violations'] });
        return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      });
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious, JSON.stringify(serious, null, 1)).toEqual([]);
      await tab.close();
    });
  });
}

describe('explorer in Chromium: runs, earlier runs, statistics, errors', () => {
  let page: Page;
  let problems: string[];
  const status = () => page.locator('#status');

  beforeAll(async () => {
    ({ page, problems } = await openPage(session, 'about:blank'));
    // Counts the workers the page starts, to show that its runs share one.
    await page.addInitScript(() => {
      const Original = window.Worker;
      (window as unknown as { workersStarted: number }).workersStarted = 0;
      window.Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          (window as unknown as { workersStarted: number }).workersStarted++;
        }
      };
    });
    // Records every Wasm compile on the page (its size in bytes, or the URL streamed), to
    // show that the explorer and its element share one compiled core.
    await page.addInitScript(() => {
      const compiles: string[] = [];
      (window as unknown as { wasmCompiles: string[] }).wasmCompiles = compiles;
      const W = WebAssembly;
      const what = (source: unknown) => (source instanceof W.Module ? null
        : source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? `${source.byteLength} bytes` : 'a streamed Response');
      const count = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A): R => {
        const source = what(args[0]);
        if (source) compiles.push(source);
        return f(...args);
      };
      W.compile = count(W.compile.bind(W));
      W.instantiate = count(W.instantiate.bind(W)) as typeof W.instantiate;
      W.compileStreaming = count(W.compileStreaming.bind(W));
      W.instantiateStreaming = count(W.instantiateStreaming.bind(W));
      // A Proxy, not a subclass, so that `instanceof WebAssembly.Module` still holds for compiled modules.
      W.Module = new Proxy(W.Module, {
        construct(target, args: [BufferSource], newTarget) {
          compiles.push(`${args[0].byteLength} bytes, synchronously`);
          return Reflect.construct(target, args, newTarget);
        },
      });
    });
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(new URL('web/index.html', session.server.url).href);
    await waitFor(page, problems, 'the explorer running its defaults', settled, RUN_MS);
  });

  /** Does `action` and waits for the run it starts to end, in state `state`. */
  async function afterRun(action: () => Promise<unknown>, state = 'done'): Promise<void> {
    const before = Number(await status().getAttribute('data-run'));
    await action();
    await waitFor(page, problems, `a run ending in state '${state}'`, (n) => {
      const s = document.getElementById('status')!;
      return Number(s.dataset.run) > n && s.dataset.state !== 'running';
    }, RUN_MS, before);
    expect(await status().getAttribute('data-state'), await status().textContent() ?? '').toBe(state);
  }

  const runAndWait = (state: string) => afterRun(() => page.click('#run'), state);
  const preset = (label: string) => afterRun(() => page.selectOption('#preset', { label }));
  const clearEarlier = () => page.evaluate(() => document.getElementById('clear')!.click());

  async function runJSON(config: string, state: string): Promise<void> {
    if (!(await page.locator('#config').isVisible())) await page.click('#advanced summary');
    await page.fill('#config', config);
    await runAndWait(state);
  }

  it('compiles the core once for its coefficient chart and its element\'s runs', async () => {
    // beforeAll has waited for the page's first run to end; the chart is drawn from the same core.
    await waitFor(page, problems, 'the coefficient chart drawn', () => document.getElementById('coefficient-chart')!.getAttribute('aria-label'));
    expect(await page.evaluate(() => (document.getElementById('sim') as unknown as { result: { t: number[] } | null }).result?.t.length)).toBeGreaterThan(0);
    const compiles = await page.evaluate(() => (window as unknown as { wasmCompiles: string[] }).wasmCompiles);
    expect(compiles).toHaveLength(1);
    expect(compiles[0]).toMatch(/^\d{5,} bytes$/); // the SIMD build, not the few bytes of a probe
  });

  it('runs a preset when chosen, marks the learning times on the risk plot, and shows the statistics of its method', async () => {
    await clearEarlier();
    await preset('Fig. 2: ReLU, m = 10, ε = 1e-3');
    expect(await page.inputValue('[name=epsilon]')).toBe('1e-3');
    // The risk plot: one earlier run (the defaults), this run, t_0..t_2, the theory's three
    // plateaus; the components R_0..R_2.
    expect(await page.locator('#plots path').count()).toBe(1 + 1 + 3 + 3 + 3);
    expect(await page.locator('#stats').textContent()).toMatch(/plateaus, theory/);
    const legend = await page.locator('#plots').textContent();
    expect(legend).toMatch(/t₀ = 0\.00[67]\d*.*t₁ = .*t₂ = /);
    expect(legend).toMatch(/earlier: epsilon=0\.01, /);
    // The element's lower panel: a_i(t) and s_i(t) of the 10 neurons.
    await waitFor(page, problems, 'the neurons drawn', () => document.getElementById('sim')!.shadowRoot!.querySelectorAll('path').length >= 20);
    const stats = await page.locator('#stats').textContent();
    expect(stats).toMatch(/return code\s*success/);
    expect(stats).toMatch(/method\s*bdf/);
    expect(stats).toMatch(/Jacobians \/ linear solves/);
    expect(stats).toMatch(/learning time t₂/);
    expect(problems).toEqual([]);
  });

  it('shows SGD its updates only: no steps, rejections, RHS evaluations or Jacobians', async () => {
    await preset('Online SGD: d = 100, noise 0.1');
    const stats = await page.locator('#stats').textContent();
    expect(stats).toMatch(/method\s*sgd/);
    expect(stats).toMatch(/updates\s*20000 \(η = 0\.001\)/);
    expect(stats).not.toMatch(/Jacobian|rejected|RHS|steps/);
    // The network's population risk and R_mf, both drawn.
    expect(await page.locator('#plots').textContent()).toMatch(/R \(population\).*R_?mf/);
  });

  it('keeps earlier runs as faint curves named by what differs, until cleared; one worker for every run', async () => {
    await preset('Quick look: ReLU, m = 10, ε = 1e-2, 100 points');
    await clearEarlier();
    await page.fill('[name=epsilon]', '1e-4');
    await runAndWait('done');
    await page.fill('[name=epsilon]', '1e-6');
    await runAndWait('done');
    const legend = await page.locator('#plots').textContent();
    expect(legend).toMatch(/earlier: epsilon=0\.01.*earlier: epsilon=1e-4.*R_?mf/);
    expect(await page.locator('#plots path[stroke-width="1.2"][stroke^="#"]').count()).toBeGreaterThanOrEqual(2);
    // For a person to look at; docs/explorer.png is a committed copy of one.
    await page.screenshot({ path: fileURLToPath(new URL('../out/explorer.png', import.meta.url)) });
    await clearEarlier();
    expect(await page.locator('#plots').textContent()).not.toMatch(/earlier/);
    expect(await page.evaluate(() => (window as unknown as { workersStarted: number }).workersStarted)).toBe(1);
  });

  it('takes an expression activation: its coefficients drawn live, a bad one refused by its column before any run', async () => {
    await page.selectOption('[name=activation]', '(expression)');
    await page.fill('[name="activation.expr"]', 'tanh(z)+2z');
    expect(await page.locator('#form-error').textContent()).toMatch(/^ConfigError: activation\.expr: column 10: missing operator before "z"/);
    expect(await page.getAttribute('[name="activation.expr"]', 'aria-invalid')).toBe('true');
    const before = await page.getAttribute('#coefficient-chart', 'aria-label');
    await page.fill('[name="activation.expr"]', 'tanh(z)+0.1*z^3');
    expect(await page.locator('#form-error').textContent()).toBe('');
    // tanh is odd, so is z^3: σ_0 = σ_2 = 0, and σ_3 moves with the cubic term.
    await waitFor(page, problems, 'the coefficients redrawn', (old) => document.getElementById('coefficient-chart')!.getAttribute('aria-label') !== old, undefined, before);
    expect(await page.getAttribute('#coefficient-chart', 'aria-label')).toMatch(/^σ₀…σ₈: 0, [\d.]+, 0, /);
    expect(await page.evaluate(() => location.hash)).toMatch(/activation\.expr=tanh\(z\)\+0\.1\*z\^3/);
    await runAndWait('done');
    expect(await page.evaluate(() => (document.getElementById('sim') as unknown as { result: { config: { activation: unknown } } }).result.config.activation)).toEqual({ expr: 'tanh(z)+0.1*z^3' });
  });

  it('streams one frame event per output time, then done', async () => {
    const config = { m: 4, epsilon: 1e-2, seed: 3, time: { start: 1e-3, end: 10, points: 25 }, degrees: 2 };
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const sim = document.getElementById('sim')!;
      sim.addEventListener('frame', (e) => seen.push(`frame ${(e as CustomEvent).detail.index}`));
      sim.addEventListener('done', (e) => seen.push(`done ${(e as CustomEvent).detail.retcode}`), { once: true });
    });
    await runJSON(JSON.stringify(config), 'done');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.slice(seen.lastIndexOf('frame 0'))).toEqual([...Array.from({ length: 25 }, (_, i) => `frame ${i}`), 'done success']);
  });

  it('reports a bad config by the field it names, and bad JSON by position', async () => {
    await runJSON(JSON.stringify({ m: 10, epsilon: -1, time: { end: 1, points: 5 } }), 'error');
    expect(await status().textContent()).toMatch(/^ConfigError: epsilon: must be > 0/);
    expect(await page.getAttribute('[name=epsilon]', 'aria-invalid')).toBe('true');
    await runJSON('{"m": 10,', 'error');
    expect(await status().textContent()).toMatch(/^Invalid JSON: .*position 9/);
    expect(await page.locator('#config.invalid').count()).toBe(1);
  });

  it('stops a long run on request', async () => {
    const long = { m: 2000, epsilon: 1e-6, time: { start: 1e-6, end: 5e-3, points: 5000 }, solver: { method: 'rk4', dt: 1e-9 } };
    await page.fill('#config', JSON.stringify(long));
    await page.click('#run');
    expect(await status().getAttribute('data-state')).toBe('running');
    await page.click('#stop');
    await waitFor(page, problems, 'the run stopping', () => document.getElementById('status')!.dataset.state !== 'running');
    expect(await status().getAttribute('data-state'), await status().textContent() ?? '').toBe('stopped');
    expect(await page.locator('#run').isEnabled()).toBe(true);
  });

  it('copies the link and the CLI command, and downloads the result and the figure', async () => {
    await preset('Quick look: ReLU, m = 10, ε = 1e-2, 100 points');
    await page.fill('[name=m]', '12');
    await runAndWait('done');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.click('#copy-cli');
    const command = await page.evaluate(() => navigator.clipboard.readText());
    expect(command).toMatch(/^echo '\{.*\}' \| npx timescales run - --out result\.json$/);
    expect(JSON.parse(command.slice(6, command.indexOf("' | npx")))).toEqual({ ...defaults, m: 12 });
    await page.click('#copy-link');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/web\/index\.html#m=12$/);
    const saved = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const chunks: Buffer[] = [];
      for await (const chunk of (await download.createReadStream())) chunks.push(chunk as Buffer);
      return { name: download.suggestedFilename(), data: Buffer.concat(chunks) };
    };
    const json = await saved('#download-json');
    expect(json.name).toBe('timescales-result.json');
    const doc = JSON.parse(json.data.toString());
    expect(doc).toMatchObject({ format: 1, retcode: 'success', config: { m: 12 }, coefficients: { activation: 'relu' } });
    expect(doc.t).toHaveLength(100);
    const csv = (await saved('#download-csv')).data.toString().trim().split('\n');
    expect(csv[0]).toBe('t,risk,R_0,R_1,R_2');
    expect(csv).toHaveLength(101);
    const svg = (await saved('#download-svg')).data.toString();
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toMatch(/aᵢ\(t\)/);
    const png = (await saved('#download-png')).data;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(problems).toEqual([]);
  });

  it('serves the embed snippet of web/README.md as a working page', async () => {
    const embed = await openPage(session, 'web/embed.html');
    const outcome = await waitFor(embed.page, embed.problems, 'the embedded simulation finishing',
      () => (document.querySelector('timescales-sim') as unknown as { result: { retcode: string } | null }).result?.retcode, RUN_MS);
    expect(outcome).toBe('success');
    expect(await embed.page.locator('timescales-sim svg text').allTextContents()).toContain('t');
    await embed.page.close();
  });
});
