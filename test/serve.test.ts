// The development server (web/serve.mjs): what it serves and refuses, under a base path,
// to pages of other origins (CORS, with <timescales-sim> from it in Chromium and Firefox),
// and what `npm run serve` says when its port is taken.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startServer } from '../web/serve.mjs';
import { type Driver, launchChromium, launchFirefox } from './consumers/browsers.js';
import { type PlainServer, plainServer } from './support/static-server.js';

const serveScript = fileURLToPath(new URL('../web/serve.mjs', import.meta.url));

let dev: StaticServer;
beforeAll(async () => { dev = await startServer({ base: '/timescales/' }); });
afterAll(() => dev?.close());

const get = (path: string) => fetch(new URL(path, dev.url), { redirect: 'manual' });

describe('web/serve.mjs', () => {
  it('serves under its base path, what pages load, to any origin', async () => {
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/timescales\/$/);
    for (const path of ['web/index.html', 'web/', 'dist/element.js', 'build/timescales.simd.wasm', 'examples/fig2-eps1e-3.json', 'node_modules/zod/package.json']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
    }
    expect((await get('build/timescales.simd.wasm')).headers.get('content-type')).toBe('application/wasm');
    const root = await get('');
    expect([root.status, root.headers.get('location')]).toEqual([302, '/timescales/web/']);
  });

  it('refuses dotfiles, sources, files outside the pages\' folders, and paths outside its base', async () => {
    for (const path of ['.git/config', '.gitignore', 'web/.hidden', 'src/index.ts', 'package.json', 'test/element.test.ts',
      'node_modules/vitest/package.json', 'web/%2e%2e/.git/config', 'dist/%2e%2e/package.json', 'web/..%2fpackage.json']) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect((await fetch(new URL('/dist/element.js', dev.url))).status).toBe(404);
  });

  it('rewrites bare imports to paths under its base', async () => {
    const config = await (await get('dist/config.js')).text();
    expect(config).toContain("from '/timescales/node_modules/zod/index.js'");
  });

  it('says when its port is taken and suggests --port, with no stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const { port } = busy.address() as { port: number };
    try {
      const child = spawn(process.execPath, [serveScript, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const code = await new Promise((ok) => child.on('close', ok));
      expect(code).toBe(1);
      expect(stderr).toBe(`serve: port ${port} on 127.0.0.1 is in use (another server?); choose another with: npm run serve -- --port ${port + 1}\n`);
    } finally {
      busy.close();
    }
  });
});

describe.each([['Chromium', launchChromium], ['Firefox', launchFirefox]] as const)('a page on another origin, in %s', (_, launch) => {
  let browser: Driver;
  let page: PlainServer;
  beforeAll(async () => {
    browser = await launch();
    page = await plainServer({
      '/': `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="${dev.url}dist/element.js"></script>
<timescales-sim m="3" config='{"time": {"end": 1, "points": 3}}'></timescales-sim>
<script type="module">
  const el = document.querySelector('timescales-sim');
  el.addEventListener('done', (e) => { window.results = { retcode: e.detail.retcode }; });
  el.addEventListener('error', (e) => { window.results = { error: e.detail.message }; });
</script>`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await page?.close();
  });

  it('runs <timescales-sim> loaded from the development server', async () => {
    expect(await browser.results(page.url)).toEqual({ retcode: 'success' });
  });
});
