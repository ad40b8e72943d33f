// The two browsers the consumer app runs in, behind one interface: Debian's Chromium
// through playwright-core, and Debian's Firefox ESR through puppeteer-core over WebDriver
// BiDi. Each opens a page, waits for `window.results`, and reports what went wrong on the
// way (uncaught errors, console errors, HTTP errors) if it never comes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { LAUNCH_MS, PAGE_MS, RUN_MS } from '../support/budgets.js';

export interface Driver {
  name: string;
  /** Opens `url` and returns `window.results` once the page sets it. */
  results<T>(url: string, ms?: number): Promise<T>;
  close(): Promise<void>;
}

function need(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} not found: install it with \`apt-get install -y ${pkg}\` (.ci/setup.d does this)`);
  return path;
}

function timeout(what: string, ms: number, problems: string[]): Error {
  return new Error(`${what}: no results within ${ms / 1000} s\n${problems.join('\n') || '(no errors reported by the page)'}`);
}

export async function launchChromium(): Promise<Driver> {
  const browser = await chromium.launch({
    executablePath: need('/usr/bin/chromium', 'chromium'), timeout: LAUNCH_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return {
    name: 'Chromium',
    async results<T>(url: string, ms = RUN_MS): Promise<T> {
      const page = await browser.newPage();
      page.setDefaultTimeout(PAGE_MS);
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
      try {
        await page.goto(url);
        const handle = await page.waitForFunction(() => (window as { results?: unknown }).results, undefined, { timeout: ms })
          .catch(() => { throw timeout(url, ms, problems); });
        return (await handle.jsonValue()) as T;
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

/**
 * Firefox runs as root in CI: it gets a HOME of its own (its profile and caches go there,
 * not into root's home) and no crash reporter.
 */
export async function launchFirefox(): Promise<Driver> {
  const home = mkdtempSync(join(tmpdir(), 'timescales-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: need('/usr/bin/firefox-esr', 'firefox-esr'),
    headless: true,
    timeout: LAUNCH_MS, // puppeteer's own 30 s is too short for Firefox on a loaded machine
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
  }).catch((e) => {
    rmSync(home, { recursive: true, force: true });
    throw e;
  });
  return {
    name: 'Firefox',
    async results<T>(url: string, ms = RUN_MS): Promise<T> {
      const page = await browser.newPage();
      page.setDefaultTimeout(PAGE_MS);
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
      try {
        await page.goto(url);
        const handle = await page.waitForFunction(() => (window as { results?: unknown }).results, { timeout: ms })
          .catch(() => { throw timeout(url, ms, problems); });
        return (await handle.jsonValue()) as T;
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
