// <timescales-sim> as a reader meets it: a page with the README's snippet on a plain static
// server, in Chromium and Firefox. The first frame is timed from the start of the
// navigation (performance.now() in the page) to the element's first `frame` event; a
// re-run's from the attribute change to the new run's first `frame`. Each page load is a
// fresh browser context (empty HTTP and code caches). Also: the bundle's size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { plainServer } from '../test/support/static-server.js';
import { fmt, median, table } from './lib.js';

const LOADS = 9;
const RERUNS = 9;

// A classic script right after the tag records the events from the start: listeners on an
// element survive its upgrade, and the module that defines it runs later (deferred).
const page = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="module" src="/dist/element.js"></script>
<timescales-sim m="10" epsilon="1e-3" activation="relu" style="width: 800px; height: 320px"></timescales-sim>
<script>
  const el = document.querySelector('timescales-sim');
  const next = (type) => new Promise((resolve) => el.addEventListener(type, () => resolve(performance.now()), { once: true }));
  window.bench = (async () => {
    const loaded = new Promise((resolve) => addEventListener('load', () => resolve(performance.now()), { once: true }));
    const firstFrame = await next('frame');
    const afterLoad = firstFrame - (await loaded);
    await next('done');
    const reruns = [];
    for (let i = 0; i < ${RERUNS}; i++) {
      const frame = next('frame');
      const done = next('done');
      const t0 = performance.now();
      el.setAttribute('epsilon', i % 2 ? '1e-3' : '2e-3');
      reruns.push((await frame) - t0);
      await done;
    }
    return { firstFrame, afterLoad, reruns };
  })();
</script>
`;

interface Sample { firstFrame: number; afterLoad: number; reruns: number[] }


/** A browser as the bench needs it: a fresh context (empty caches) holding one tab, and a way out. */
interface Launched {
  freshTab(): Promise<{ goto(url: string): Promise<unknown>; evaluate(fn: () => Promise<Sample>): Promise<Sample>; close(): Promise<void> }>;
  close(): Promise<void>;
}

async function launchChromium(): Promise<Launched> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  return {
    async freshTab() {
      const context = await browser.newContext();
      const tab = await context.newPage();
      return { goto: (url) => tab.goto(url), evaluate: (fn) => tab.evaluate(fn), close: () => context.close() };
    },
    close: () => browser.close(),
  };
}

async function launchFirefox(): Promise<Launched> {
  const home = mkdtempSync(join(tmpdir(), 'timescales-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  return {
    async freshTab() {
      const context = await browser.createBrowserContext();
      const tab = await context.newPage();
      return { goto: (url) => tab.goto(url), evaluate: (fn) => tab.evaluate(fn), close: () => context.close() };
    },
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** LOADS page loads of `url`, each in a fresh context, and the samples the page reports. */
async function samples(launch: () => Promise<Launched>, url: string): Promise<Sample[]> {
  const browser = await launch();
  try {
    const out: Sample[] = [];
    for (let i = 0; i < LOADS; i++) {
      const tab = await browser.freshTab();
      await tab.goto(url);
      out.push(await tab.evaluate(() => (window as unknown as { bench: Promise<Sample> }).bench));
      await tab.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<string> {
  const load = loadavg()[0];
  const bundle = readFileSync(fileURLToPath(new URL('../dist/element.js', import.meta.url)));
  const server = await plainServer({ '/': page });
  const rows = [];
  try {
    for (const [name, launch] of [['Chromium', launchChromium], ['Firefox ESR', launchFirefox]] as const) {
      const s = await samples(launch, server.url);
      const spread = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
      rows.push({
        browser: name,
        'first frame after navigation start, ms (median; range)': spread(s.map((x) => x.firstFrame)),
        'first frame after the load event, ms': spread(s.map((x) => x.afterLoad)),
        're-run to first frame, ms': spread(s.flatMap((x) => x.reruns)),
      });
    }
  } finally {
    await server.close();
  }
  const kB = (n: number) => `${fmt(n / 1000)} kB`;
  return `## The element: first frame, re-run, bundle size

\`<timescales-sim m="10" epsilon="1e-3" activation="relu">\` on a plain static server; ${LOADS} page loads per browser, each in a fresh context (empty caches), ${RERUNS} re-runs (an \`epsilon\` change) per load. dist/element.js: ${kB(bundle.length)} (gzip ${kB(gzipSync(bundle, { level: 9 }).length)}, brotli ${kB(brotliCompressSync(bundle).length)}), one module with its worker inside. The machine's load average was ${fmt(load)} when the bench started; these times grow with it.

${table(rows)}`;
}
