// One Chromium and one static server (web/serve.mjs over the repository) per test file,
// plus a page that records its errors so a failing wait can say what went wrong.
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type StaticServer, startServer } from '../../web/serve.mjs';
import { LAUNCH_MS, PAGE_MS } from './budgets.js';

const executablePath = '/usr/bin/chromium';

export interface Session {
  browser: Browser;
  server: StaticServer;
  close(): Promise<void>;
}

/** Starts the server and Chromium; throws (failing the file) if Chromium is not installed. */
export async function openSession(): Promise<Session> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  }
  const server = await startServer({ alsoServe: ['test/support/', 'node_modules/axe-core/'] });
  const browser = await chromium.launch({
    executablePath, timeout: LAUNCH_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return {
    browser,
    server,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** A page whose uncaught errors, console errors and failed requests are collected in `problems`. */
export async function openPage(session: Session, path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await session.browser.newPage();
  page.setDefaultTimeout(PAGE_MS); // goto, click, fill, locators: playwright's own 30 s is too short under load
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(new URL(path, session.server.url).href);
  return { page, problems };
}

/** Waits up to `ms` for `fn(arg)` in the page to return a truthy value; the error lists the page's problems. */
export async function waitFor<T, A = undefined>(page: Page, problems: string[], what: string, fn: (arg: A) => T | undefined | null | false, ms = PAGE_MS, arg?: A): Promise<T> {
  try {
    return (await (await page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout: ms })).jsonValue()) as T;
  } catch (e) {
    throw new Error(`${what} did not happen within ${ms / 1000} s\n${problems.join('\n') || (e as Error).message}`);
  }
}

/**
 * Chromium (playwright-core) or Firefox ESR (puppeteer-core over WebDriver BiDi) behind
 * what both drivers share, for tests that run in both: open a page, evaluate in it, wait
 * for a condition in it. Each page's uncaught errors, console errors and HTTP errors are
 * collected in `problems`.
 */
export interface Tab {
  problems: string[];
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Waits up to `ms` for `fn` in the page to return a truthy value; the error lists the page's problems. */
  waitFor<R>(what: string, fn: () => R | undefined | null | false, ms?: number): Promise<R>;
  close(): Promise<void>;
}

export interface Browsers {
  name: 'Chromium' | 'Firefox';
  /** Opens `path` (relative to the repository served by web/serve.mjs). */
  open(path: string): Promise<Tab>;
  close(): Promise<void>;
}

function failed(what: string, ms: number, problems: string[], e: unknown): Error {
  return new Error(`${what} did not happen within ${ms / 1000} s\n${problems.join('\n') || (e as Error).message}`);
}

export async function openBrowser(name: Browsers['name']): Promise<Browsers> {
  if (name === 'Chromium') {
    const session = await openSession();
    return {
      name,
      async open(path) {
        const { page, problems } = await openPage(session, path);
        return {
          problems,
          evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
          waitFor: (what, fn, ms = PAGE_MS) => waitFor(page, problems, what, fn, ms),
          close: () => page.close(),
        };
      },
      close: () => session.close(),
    };
  }
  const executable = '/usr/bin/firefox-esr';
  if (!existsSync(executable)) throw new Error(`Firefox ESR not found at ${executable}: install it with \`apt-get install -y firefox-esr\``);
  const { default: puppeteer } = await import('puppeteer-core');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  // Its own HOME (profile and caches), no crash reporter: see test/consumers/browsers.ts.
  const home = mkdtempSync(join(tmpdir(), 'timescales-firefox-'));
  const server = await startServer({ alsoServe: ['node_modules/axe-core/'] });
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: executable, headless: true, timeout: LAUNCH_MS,
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  return {
    name,
    async open(path) {
      const page = await browser.newPage();
      page.setDefaultTimeout(PAGE_MS); // goto and waits: puppeteer's own 30 s is too short under load
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
      await page.goto(new URL(path, server.url).href);
      return {
        problems,
        evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
        async waitFor(what, fn, ms = PAGE_MS) {
          try {
            return (await (await page.waitForFunction(fn, { timeout: ms })).jsonValue()) as never;
          } catch (e) {
            throw failed(what, ms, problems, e);
          }
        },
        close: () => page.close(),
      };
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
