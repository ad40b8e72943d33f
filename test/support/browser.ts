// One Chromium and one static server (web/serve.mjs over the repository) per test file,
// plus a page that records its errors so a failing wait can say what went wrong.
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type StaticServer, startServer } from '../../web/serve.mjs';

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
  const server = await startServer({ alsoServe: ['test/support/'] });
  const browser = await chromium.launch({
    executablePath,
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
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(new URL(path, session.server.url).href);
  return { page, problems };
}

/** Waits up to `ms` for `fn` in the page to return a truthy value; the error lists the page's problems. */
export async function waitFor<T>(page: Page, problems: string[], what: string, fn: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  try {
    return (await (await page.waitForFunction(fn, undefined, { timeout: ms })).jsonValue()) as T;
  } catch (e) {
    throw new Error(`${what} did not happen within ${ms / 1000} s\n${problems.join('\n') || (e as Error).message}`);
  }
}
