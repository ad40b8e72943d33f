#!/usr/bin/env node
// Entry point of the `timescales` command; the code lives in src/cli (compiled to dist/).
// A checkout is built by `npm start`, `npm test` or `npm run build`; this never builds by itself.
//
// Cold start. A solve's time goes to a handful of Wasm functions (moments, the right-hand side,
// the Jacobian, LU, the integrator's step). V8 (Node 20) compiles each lazily on its first call
// with its Liftoff baseline compiler and queues an optimizing TurboFan compile on a background
// thread only after ~1.8 MB of executed code (--wasm-tiering-budget); a call already running keeps
// its Liftoff code (no on-stack replacement for Wasm). So the first solve of a process runs mostly
// baseline code while its hot functions are still being optimized: `node --cpu-prof` puts it in
// Liftoff frames, and --trace-wasm-compilation-times shows 16 TurboFan compiles landing during it.
// Measured on `run examples/fig2-eps1e-6.json` (m = 10, ε = 1e-6; the solve alone, stats.wallMs,
// and CPU time, side by side on a loaded 2-core machine): the first solve took 3–5× a warm one
// under the defaults; no better with a small --wasm-tiering-budget or --no-wasm-dynamic-tiering
// (the optimized code still arrives during the solve), nor with --no-liftoff alone (each function
// then compiled by TurboFan on the main thread at its first call, ~80 ms of CPU inside the first
// solve). With --no-liftoff --no-wasm-lazy-compilation the whole module (97 functions) is compiled
// by TurboFan when instantiated, on background threads, and the first solve costs what a warm one
// does (bench/coldstart.bench.ts, ≈ 1×). That compile is ~0.15 s of CPU more than the lazy one, so
// only the commands that solve set the flags, and they start compiling at once, before the CLI's
// own modules load and the config is read and validated, so that the two overlap. Wasm arithmetic
// is deterministic: TurboFan and Liftoff code give the same bits, and results are unchanged. The
// browser and the API keep the engine's defaults.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('timescales: dist/ is missing: this checkout is not built yet. Run `npm run build` (about a minute) in it, then try again.\n');
  process.exit(1);
}
const SOLVING = new Set(['run', 'sweep', 'figures']);
if (SOLVING.has(process.argv[2])) {
  setFlagsFromString('--no-liftoff');
  setFlagsFromString('--no-wasm-lazy-compilation');
  const { loadCore } = await import(new URL('../dist/wasm/loader.js', import.meta.url).href);
  loadCore().catch(() => {}); // a failure surfaces again where the command loads the core
}
process.exitCode = await (await import(main.href)).main(process.argv.slice(2));
