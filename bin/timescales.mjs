#!/usr/bin/env node
// Entry point of the `timescales` command; the code lives in src/cli (compiled to dist/).
// A checkout is built by `npm start`, `npm test` or `npm run build`; this never builds by itself.
//
// Cold start: for the commands that solve, V8 compiles the whole module with its optimizing
// compiler when it is instantiated (on background threads, begun before the CLI's own modules
// load), rather than lazily with its baseline compiler, so the first solve runs optimized code
// (docs/design.md gives the figures). Wasm arithmetic is deterministic: results are the same
// bits either way. The browser and the API keep the engine's defaults.
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
