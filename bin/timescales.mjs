#!/usr/bin/env node
// Entry point of the `timescales` command; the code lives in src/cli (compiled to dist/).
// A checkout is built by `npm start`, `npm test` or `npm run build`; this never builds by itself.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('timescales: dist/ is missing: this checkout is not built yet. Run `npm run build` (about a minute) in it, then try again.\n');
  process.exit(1);
}
process.exitCode = await (await import(main.href)).main(process.argv.slice(2));
