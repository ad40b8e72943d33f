// Builds everything `npm start`, `npm test` and the package need, once:
//   1. the AssemblyScript core from asconfig.json into build/: SIMD, scalar, and the opt-in
//      relaxed-SIMD build (fused multiply-add; loadCore('relaxed'));
//   2. the TypeScript facade and CLI into dist/ (tsconfig.build.json), the study's worker
//      thread bundled into one file (dist/study/worker.bundle.js), and <timescales-sim>
//      bundled into one module (dist/element.js; both below);
//   3. a type check of everything else (tests, benchmarks, examples, web; tsconfig.json).
// Skipped when build/ and dist/ match the sources (scripts/freshness.mjs: a content hash
// kept in build/.stamp); a fresh clone always builds. `--force` builds regardless.
//
// Each Wasm build goes to a private temporary folder and is renamed into build/, so a
// reader (a test, the browser) never sees a half-written module even when two builds overlap.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputHash, isFresh, STAMP } from './freshness.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
const stampFile = join(root, STAMP);

const hash = inputHash(root);
if (!process.argv.includes('--force') && isFresh(root, hash)) {
  console.log('build: up to date (build/ and dist/ match the sources; npm run build forces a rebuild)');
  process.exit(0);
}

const started = Date.now();
rmSync(stampFile, { force: true });
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

/** Runs one build step; on failure (the compiler has printed why) exits with one line, no stack trace. */
function step(name, args, cleanup = () => {}) {
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  } catch (e) {
    cleanup();
    console.error(`build: ${name} failed (exit ${e.status ?? e.signal}); build/ and dist/ are not marked fresh`);
    process.exit(1);
  }
}

const tmp = join(out, `.tmp-${process.pid}`);
mkdirSync(tmp, { recursive: true });
try {
  for (const target of ['simd', 'scalar', 'relaxed']) {
    step(`asc --target ${target}`, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target, '--outFile', join(tmp, `timescales.${target}.wasm`)],
      () => rmSync(tmp, { recursive: true, force: true }));
  }
  for (const f of readdirSync(tmp)) renameSync(join(tmp, f), join(out, f));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
step('tsc -p tsconfig.build.json', [tsc, '-p', 'tsconfig.build.json']);
bundleStudyWorker();
await bundleElement();
step('tsc --noEmit -p tsconfig.json', [tsc, '--noEmit', '-p', 'tsconfig.json']);
writeFileSync(stampFile, `${hash}\n`);
console.log(`build: build/ and dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * dist/study/worker.js and everything it imports (the core's loader, the models) as one
 * ES module, which each of a study's threads loads as it starts.
 * Measured here, a thread took 110–140 ms from its start to its first task with the ~40
 * files, against 80–100 ms with this one: Node resolves, reads and links each module of a
 * graph one by one. It stays at the depth of the files it is made from (dist/<folder>/), so
 * the core's URLs relative to import.meta.url (../../build/) still hold.
 */
function bundleStudyWorker() {
  try {
    require('esbuild').buildSync({
      entryPoints: [join(root, 'dist/study/worker.js')],
      outfile: join(root, 'dist/study/worker.bundle.js'),
      bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    });
  } catch (e) {
    console.error(`build: bundling the study worker failed (${e.message.split('\n')[0]}); build/ and dist/ are not marked fresh`);
    process.exit(1);
  }
}

/**
 * dist/element.js (`timescales/element`): <timescales-sim> with the library, zod and the
 * loader inlined, so that a page loads it with one script tag from any static server or
 * CDN and a bundler takes it as it is. Its worker (dist/element/worker.js, bundled the
 * same way) is inlined as a string, which the element starts from a Blob URL. The
 * loader's Wasm URLs, relative to dist/wasm/loader.js, lose one '../' to stay right from
 * dist/element.js, still one literal `new URL('…', import.meta.url)` each for bundlers.
 */
async function bundleElement() {
  const esbuild = require('esbuild');
  const loader = join(root, 'dist/wasm/loader.js');
  const rebaseWasmUrls = {
    name: 'rebase-wasm-urls',
    setup(build) {
      build.onLoad({ filter: /[\\/]dist[\\/]wasm[\\/]loader\.js$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        const rebased = source.replaceAll("new URL('../../build/", "new URL('../build/");
        const count = (rebased.match(/new URL\('\.\.\/build\//g) ?? []).length;
        if (args.path !== loader || count !== 3) throw new Error(`expected the loader's 3 Wasm URLs in ${args.path}, found ${count}`);
        return { contents: rebased, loader: 'js' };
      });
    },
  };
  const options = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, legalComments: 'none', logLevel: 'warning', plugins: [rebaseWasmUrls] };
  try {
    const worker = await esbuild.build({ ...options, entryPoints: [join(root, 'dist/element/worker.js')], write: false });
    await esbuild.build({
      ...options,
      entryPoints: [join(root, 'dist/element/index.js')],
      outfile: join(root, 'dist/element.js'),
      define: { TIMESCALES_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text) },
    });
  } catch (e) {
    console.error(`build: bundling the element failed (${e.message.split('\n')[0]}); build/ and dist/ are not marked fresh`);
    process.exit(1);
  }
}
