// Runs a job — a plain ES module of the repository exporting `async main(args)` that returns
// JSON-serialisable data — in any engine of scripts/engines.mjs, each run in a fresh realm:
// a new process for Node, Deno and Bun; a new module Web Worker (bench/runtimes/worker.js,
// as the explorer runs its simulations) in Chromium (playwright-core) and Firefox ESR
// (puppeteer-core over WebDriver BiDi), both served by web/serve.mjs, which rewrites the
// bare imports of dist/ for workers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARK = '@@timescales-result ';

/** Spawns `argv` and resolves to its stdout, or rejects with its stderr's last lines. */
function exec(argv, timeoutMs) {
  return new Promise((ok, fail) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok(stdout);
      else fail(new Error(`${signal ? `killed by ${signal} after ${timeoutMs / 1000} s` : `exit ${code}`}: ${stderr.trim().split('\n').slice(-4).join(' | ')}`));
    });
  });
}

/** A command-line engine: each job in a new process running a generated entry module. */
function commandEngine(engine, timeoutMs) {
  const dir = mkdtempSync(join(tmpdir(), 'timescales-engine-'));
  let n = 0;
  return {
    async run(module, args = {}) {
      const entry = join(dir, `job-${n++}.mjs`);
      writeFileSync(entry, `import { main } from ${JSON.stringify(pathToFileURL(join(root, module)).href)};\n` +
        `const result = await main(${JSON.stringify(args)});\nconsole.log(${JSON.stringify(`\n${MARK}`)} + JSON.stringify(result));\n`);
      const stdout = await exec([...engine.command, entry], timeoutMs);
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (!line) throw new Error(`no result printed: ${stdout.trim().slice(-300)}`);
      return JSON.parse(line.slice(MARK.length));
    },
    async close() { rmSync(dir, { recursive: true, force: true }); },
  };
}

/** In the page: a fresh module worker runs the job; resolves to { result } or { error }. */
function inWorker({ worker, module, args }) {
  return new Promise((resolve) => {
    const w = new Worker(worker, { type: 'module' });
    w.onmessage = ({ data }) => { w.terminate(); resolve(data); };
    w.onerror = (e) => { w.terminate(); resolve({ error: `worker error: ${e.message || 'failed to load'}` }); };
    w.postMessage({ module, args });
  });
}

/** A browser engine: one browser and one page; each job in a new module Web Worker. */
async function browserEngine(engine, timeoutMs) {
  const { startServer } = await import('../../web/serve.mjs');
  // The folders whose modules run as jobs: the runtime bench's and the conformance suite's.
  const server = await startServer({ alsoServe: ['bench/runtimes/', 'test/conformance/'] });
  let browser;
  let evaluate;
  let home;
  try {
    if (engine.browser === 'chromium') {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: engine.executablePath, timeout: timeoutMs,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--disable-quic'],
      });
      const page = await browser.newPage();
      await page.goto(new URL('bench/runtimes/host.html', server.url).href, { timeout: timeoutMs });
      evaluate = (msg) => page.evaluate(inWorker, msg);
    } else {
      // Firefox may run as root (CI): its profile and caches go to a HOME of its own.
      home = mkdtempSync(join(tmpdir(), 'timescales-firefox-'));
      const { default: puppeteer } = await import('puppeteer-core');
      browser = await puppeteer.launch({
        browser: 'firefox', executablePath: engine.executablePath, headless: true, timeout: timeoutMs, protocolTimeout: timeoutMs,
        env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
      });
      const page = await browser.newPage();
      await page.goto(new URL('bench/runtimes/host.html', server.url).href, { timeout: timeoutMs });
      evaluate = (msg) => page.evaluate(inWorker, msg);
    }
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.close();
    if (home) rmSync(home, { recursive: true, force: true });
    throw e;
  }
  return {
    async run(module, args = {}) {
      const path = relative(root, join(root, module)).split(sep).join('/');
      let timer;
      const timeout = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs); });
      try {
        const answer = await Promise.race([evaluate({ worker: '/bench/runtimes/worker.js', module: `/${path}`, args }), timeout]);
        if (answer.error) throw new Error(answer.error);
        return answer.result;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      if (home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `engine` (an entry of scripts/engines.mjs without `error`); `run(module, args)` runs
 * the repository-relative `module`'s main(args) there in a fresh realm. Close it when done.
 * `timeoutMs` bounds each step: a browser's start and page load, and each run.
 */
export async function openEngine(engine, { timeoutMs = 300_000 } = {}) {
  if (engine.error) throw new Error(engine.error);
  return engine.browser ? browserEngine(engine, timeoutMs) : commandEngine(engine, timeoutMs);
}
