// A study's worker threads: what they load, and the Node flags they start with. Cells
// reach the workers validated, so a worker has no use for the config schema; importing it
// (zod) was 95 ms of a worker's 130 ms of imports, paid by every study before its first
// cell. The graph is read from the built files (dist/): type-only imports are gone there.
// The pool's threads run those files bundled into one (dist/study/worker.bundle.js).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { withoutRefused, workerFlags } from '../src/study/node.js';
import { bin, scratch, smallBase } from './support/study.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Every module `entry` loads (relative paths under dist/, packages by name), from its static imports and re-exports. */
function imports(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    const name = relative(dist, file);
    if (seen.has(name)) return;
    seen.add(name);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      if (spec === undefined) continue;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else seen.add(`package ${spec}`);
    }
  };
  walk(resolve(dist, entry));
  return seen;
}

describe('a study worker thread', () => {
  it('loads neither the config schema nor zod', () => {
    const loaded = imports('study/worker.js');
    expect(loaded).toContain('run-validated.js'); // the walk does reach the run
    expect(loaded).toContain('package workerpool');
    expect([...loaded].filter((m) => m === 'config.js' || m.startsWith('package zod'))).toEqual([]);
  });

  it('starts from one file that holds worker.js and its imports, and no more (scripts/build.mjs)', () => {
    const bundle = readFileSync(resolve(dist, 'study/worker.bundle.js'), 'utf8');
    // esbuild heads each module it takes in with its path
    const modules = new Set([...bundle.matchAll(/^\/\/ (\S+\.js)$/gm)].map(([, path]) => path));
    const own = [...imports('study/worker.js')].filter((m) => !m.startsWith('package ')).map((m) => `dist/${m}`);
    expect([...modules].filter((m) => m.startsWith('dist/')).sort()).toEqual(own.sort());
    expect([...modules].some((m) => m.startsWith('node_modules/workerpool/'))).toBe(true);
    expect([...modules].filter((m) => m.includes('/zod/'))).toEqual([]);
    expect(readFileSync(fileURLToPath(new URL('../src/study/node.ts', import.meta.url)), 'utf8')).toContain("'../../dist/study/worker.bundle.js'");
  });

  it('is told apart from the library entry, which does load both', () => {
    const loaded = imports('index.js');
    expect(loaded).toContain('config.js');
    expect(loaded).toContain('package zod');
  });
});

describe('the flags of the pool\'s threads', () => {
  const s = scratch('study-worker');
  afterAll(() => s.remove());

  it('start under V8 and process-wide flags of the host process, which a thread may not be given', () => {
    const file = s.write('flags.json', { base: smallBase, grid: { seed: { range: [0, 3] } } });
    const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '--stack-size=2000', '--enable-source-maps', bin, 'study', file, '--out', s.path('out'), '--workers', '2', '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(s.path('out/runs'))).toHaveLength(3);
  });

  it('leave out --input-type (for node -e only) and exactly the flags a refusal names', () => {
    expect(workerFlags(['--input-type=module', '--enable-source-maps', '-e', 'code'])).toEqual(['--enable-source-maps', '-e', 'code']);
    const message = 'Initiated Worker with invalid execArgv flags: --max-old-space-size=2048, --title=x';
    expect(withoutRefused(['--max-old-space-size=2048', '--conditions=dev', '--title=x'], message)).toEqual(['--conditions=dev']);
    expect(withoutRefused(['--conditions=dev'], 'some other wording')).toEqual([]);
  });
});
