// Compiles the AssemblyScript core from asconfig.json: SIMD, scalar, and the opt-in
// relaxed-SIMD build (fused multiply-add; loadCore('relaxed')).
// Each build goes to a private temporary folder and is renamed into build/, so a
// reader (a test, the browser) never sees a half-written module even when two
// builds overlap.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
const tmp = join(out, `.tmp-${process.pid}`);
mkdirSync(tmp, { recursive: true });
try {
  for (const target of ['simd', 'scalar', 'relaxed']) {
    execFileSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json',
      '--target', target, '--outFile', join(tmp, `timescales.${target}.wasm`)],
    { cwd: root, stdio: 'inherit' });
  }
  for (const f of readdirSync(tmp)) renameSync(join(tmp, f), join(out, f));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
