// The packed package as a Bun or Deno user gets it: `npm pack`, installed into a fresh app in
// a temporary folder, imported by its name from a script that runs a config and prints the
// hash of its result arrays and learning times. Run by Bun, Deno (--node-modules-dir=manual) and both Nodes;
// every one must load the SIMD build and reproduce the conformance hashes of that config.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, engines } from '../scripts/engines.mjs';
import { CONFIGS } from './conformance/suite.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUN = 'SGD online (d = 100, m = 10, batch 4, noise 0.1)';
const expected = (JSON.parse(readFileSync(new URL('./conformance/expected.json', import.meta.url), 'utf8')) as
  { simd: Record<string, Record<string, string>> }).simd[RUN];

let app: string;
let list: Engine[];

function sh(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return r.stdout;
}

beforeAll(() => {
  list = engines();
  app = mkdtempSync(join(tmpdir(), 'timescales-app-'));
  // The build is fresh (npm test builds first), so pack it as it is instead of rebuilding.
  const [{ filename }] = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], root)) as { filename: string }[];
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${filename}`], app);
  copyFileSync(new URL('./conformance/hash.js', import.meta.url), join(app, 'hash.js'));
  writeFileSync(join(app, 'check.mjs'), `import { loadCore, run } from 'timescales';
import { fnv1a64 } from './hash.js';
const core = await loadCore();
const r = await run(${JSON.stringify(CONFIGS[RUN])});
const arrays = { t: r.t, risk: r.risk, mfRisk: r.mfRisk, components: r.components, a: r.a, s: r.s, learningTimes: Float64Array.from(r.learningTimes, (t) => t ?? -1) };
console.log(JSON.stringify({ variant: core.variant, retcode: r.retcode, hashes: Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, fnv1a64(v)])) }));
`);
}, 600_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe.each([['Bun', 'bun@'], ['Deno', 'deno@'], ['pinned Node 22', 'node@'], ['Node running the tests', 'node']] as const)('the packed tarball in %s', (_, name) => {
  it('imports timescales by name, loads the SIMD build and reproduces the conformance hashes', () => {
    const engine = list.find((e) => (name === 'node' ? e.name === name : e.name.startsWith(name)))!;
    expect(engine.error, `${engine.label} cannot start: ${engine.error}`).toBeUndefined();
    const out = sh(engine.command![0], [...engine.command!.slice(1), 'check.mjs'], app);
    const got = JSON.parse(out.trim().split('\n').pop()!) as { variant: string; retcode: string; hashes: Record<string, string> };
    expect(got.variant).toBe('simd');
    expect(got.retcode).toBe('success');
    expect(got.hashes).toEqual(expected);
  }, 360_000); // above sh's own deadline, so that a hung engine is reported by it
});
