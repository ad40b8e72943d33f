#!/usr/bin/env node
// Rewrites test/conformance/expected.json from this Node's run of the suite (after
// `npm run build`). The hashes are the contract "same bits in every engine": a change
// that moves them must say so, and why, in its commit message.
import { renameSync, writeFileSync } from 'node:fs';
import { main } from './suite.js';

const r = await main({ variants: ['simd', 'scalar'] });
const expected = {
  about: 'FNV-1a 64 of each result array of test/conformance/suite.js, per build; identical in Node, Deno, Bun, Chromium and Firefox. ' +
    'Regenerate with `node test/conformance/update.mjs` and say why in the commit. The relaxed-SIMD build is excluded (its rounding depends on the hardware).',
  simd: r.simd.hashes,
  scalar: r.scalar.hashes,
};
const path = new URL('./expected.json', import.meta.url);
writeFileSync(new URL('./expected.json.tmp', import.meta.url), `${JSON.stringify(expected, null, 2)}\n`);
renameSync(new URL('./expected.json.tmp', import.meta.url), path);
process.stdout.write(`wrote ${path.pathname}\n`);
