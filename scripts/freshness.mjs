// Whether build/ and dist/ match the sources (scripts/build.mjs skips the build when they
// do): a SHA-256 over every input's path and content, and the compilers' versions, against
// the hash kept in build/.stamp by the last build that succeeded. Content, not mtimes: a
// fresh clone or a checkout that touches files without changing them stays fresh, and a
// tree without a stamp (a fresh clone) is never fresh.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** What the build reads: these folders' sources and these files (missing ones are skipped). */
const INPUT_DIRS = ['assembly', 'src', 'test', 'bench', 'examples', 'web'];
const INPUT_FILES = ['asconfig.json', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs', 'scripts/freshness.mjs'];
const SOURCE = /\.(ts|mts|js|mjs|json)$/;
const SKIP = new Set(['node_modules', 'build', 'dist', 'out']);
/** What the build writes; all must exist for a build to count as fresh. */
export const OUTPUTS = ['build/timescales.simd.wasm', 'build/timescales.scalar.wasm', 'build/timescales.relaxed.wasm', 'dist/index.js', 'dist/cli/main.js', 'dist/element.js'];
/** Where the hash of the last successful build is kept. */
export const STAMP = 'build/.stamp';

function sources(root, dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const found = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...sources(root, rel));
    else if (SOURCE.test(entry.name)) found.push(rel);
  }
  return found;
}

/** SHA-256 of the compilers' versions and every input file's path and bytes under `root`. */
export function inputHash(root) {
  const hash = createHash('sha256');
  for (const pkg of ['assemblyscript', 'typescript']) hash.update(`${pkg}@${require(`${pkg}/package.json`).version}\n`);
  const files = [...INPUT_DIRS.flatMap((d) => sources(root, d)), ...INPUT_FILES.filter((f) => existsSync(join(root, f)))].sort();
  for (const f of files) hash.update(`${f}\n`).update(readFileSync(join(root, f))).update('\n');
  return hash.digest('hex');
}

/** Whether `root`'s outputs exist and its stamp holds `hash`. */
export function isFresh(root, hash = inputHash(root)) {
  const stamp = join(root, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash
    && OUTPUTS.every((f) => existsSync(join(root, f)) && statSync(join(root, f)).size > 0);
}
