// A study's worker threads: what they load, the file they start from, the Node flags of
// the host process, and a thread that dies. Cells reach the workers validated, so a worker
// has no use for the config schema (zod), a large part of its start. The graph is read
// from the built files (dist/): type-only imports are gone there. The threads run those
// files bundled into one (dist/study/worker.bundle.js).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { study } from '../src/study/node.js';
import type { StudyInput } from '../src/study/spec.js';
import { bin, scratch, smallBase } from './support/study.js';
import { CHILD_MS } from './support/budgets.js';

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
    expect(loaded).toContain('io/result.js');
    expect([...loaded].filter((m) => m === 'config.js' || m.startsWith('package zod'))).toEqual([]);
  });

  it('starts from one file that holds worker.js and its imports, and no more (scripts/build.mjs)', () => {
    const bundle = readFileSync(resolve(dist, 'study/worker.bundle.js'), 'utf8');
    // esbuild heads each module it takes in with its path
    const modules = new Set([...bundle.matchAll(/^\/\/ (\S+\.js)$/gm)].map(([, path]) => path));
    const own = [...imports('study/worker.js')].filter((m) => !m.startsWith('package ')).map((m) => `dist/${m}`);
    expect([...modules].filter((m) => m.startsWith('dist/')).sort()).toEqual(own.sort());
    expect([...modules].filter((m) => m.includes('/zod/'))).toEqual([]);
  });

  it('is told apart from the library entry, which does load both', () => {
    const loaded = imports('index.js');
    expect(loaded).toContain('config.js');
    expect(loaded).toContain('package zod');
  });
});

type WorkerClass = typeof import('node:worker_threads').Worker;

/** Runs `f` with every worker thread made through `Made` (a subclass of Worker) instead. */
async function withWorkers<T>(Made: (original: WorkerClass) => WorkerClass, f: () => Promise<T>): Promise<T> {
  const threads = process.getBuiltinModule('node:worker_threads') as { Worker: WorkerClass };
  const original = threads.Worker;
  threads.Worker = Made(original);
  try {
    return await f();
  } finally {
    threads.Worker = original;
  }
}

describe('a study\'s threads', () => {
  const s = scratch('study-worker');
  afterAll(() => s.remove());
  const threeCells: StudyInput = { base: smallBase, grid: { seed: { range: [0, 3] } } };

  it('start from the bundle, one per worker', async () => {
    const started: string[] = [];
    const outcome = await withWorkers((W) => class extends W {
      constructor(...args: ConstructorParameters<WorkerClass>) {
        super(...args);
        started.push(String(args[0]));
      }
    }, () => study(threeCells, { outDir: s.path('bundle'), workers: 2 }));
    expect(outcome).toMatchObject({ computed: 3, workers: 2 });
    expect(started).toEqual(Array(2).fill(resolve(dist, 'study/worker.bundle.js')));
  });

  it('fail the study when one dies, leaving whole files only and no table', async () => {
    const dying = withWorkers((W) => class extends W {
      constructor(...args: ConstructorParameters<WorkerClass>) {
        super(...args);
        void this.terminate();
      }
    }, () => study(threeCells, { outDir: s.path('dies'), workers: 1 }));
    await expect(dying).rejects.toThrow(/study worker thread exited/);
    expect(readdirSync(s.path('dies'))).toEqual(['runs']);
    expect(readdirSync(s.path('dies/runs'))).toEqual([]);
  });

  it('start under V8 and process-wide flags of the host process, which a thread may not be given', () => {
    const file = s.write('flags.json', threeCells);
    const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '--stack-size=2000', '--enable-source-maps', bin, 'study', file, '--out', s.path('out'), '--workers', '2', '--quiet'], { encoding: 'utf8', timeout: CHILD_MS });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(s.path('out/runs'))).toHaveLength(3);
  });

  it('start from a host process run with node --input-type=module -e', () => {
    const code = `const lib = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const out = await lib.study(${JSON.stringify(threeCells)}, { outDir: ${JSON.stringify(s.path('eval'))}, workers: 2 });
      console.log(out.computed);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: CHILD_MS });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('3');
  });
});
