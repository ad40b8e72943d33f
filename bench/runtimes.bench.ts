// Cross-runtime benchmark: the suite of bench/runtimes/suite.js (stiff flow, moment form,
// population GD, SGD, Hermite projection) in every engine of scripts/engines.mjs — the Node
// running this, the pinned Node 22, Deno, Bun (each job a new process), Chromium and Firefox
// ESR (each job a new module Web Worker) — in the SIMD, scalar and relaxed-SIMD builds:
// module load, first call (cold) and median warm call. Native C SGD (bench/native/sgd.c) is
// timed next to each engine's SGD jobs for the ratio. Also the measured difference between
// builds on the conformance runs (test/conformance/suite.js).
// `npm run bench -- runtimes --write` also stores the raw numbers in bench/results/runtimes.json.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { openEngine } from './runtimes/engine-run.mjs';
import { type Engine, engines } from '../scripts/engines.mjs';
import { table, type Row } from './lib.js';
import { native } from './sgd.bench.js';

type Variant = 'simd' | 'scalar' | 'relaxed';
const VARIANTS: Variant[] = ['simd', 'scalar', 'relaxed'];
const WORKLOADS = {
  stiff: 'stiff flow, m = 10, ε = 1e-6, T = 100 (RODAS4, rtol 1e-8)',
  moment: 'moment form, m = 1e5, K = 8, 10 RK4 steps',
  gd: 'population GD, d = 1e4, m = 50, 20 steps',
  sgd: 'SGD, d = 1000, m = 100, 1000 steps',
  hermite: 'Hermite projection, 9 activations, K = 200',
} as const;
type Workload = keyof typeof WORKLOADS;

interface Cold { loadMs: number; coldMs: number }
interface Warm { warmMs: number; calls: number; rounds: number; halfMs?: number; stepUs?: number }
type Timing = Cold & Warm;
type Outcome = Timing | { error: string };
interface EngineResult {
  engine: Omit<Engine, 'command'>;
  error?: string;
  results: Partial<Record<Workload, Partial<Record<Variant, Outcome>>>>;
  /** Native C µs per SGD step, timed right before and after this engine's warm SGD job (mean). */
  nativeStepUs?: number;
}
type Relative = Partial<Record<Variant, { relativeToSimd?: Record<string, number>; error?: string }>>;

const ok = (o: Outcome | undefined): o is Timing => !!o && !('error' in o);
const ms = (o: Outcome | undefined, key: 'coldMs' | 'warmMs') => (ok(o) ? o[key] : o ? `n/a: ${shortError(o.error)}` : '—');
const shortError = (e: string) => (/relaxed SIMD/.test(e) ? 'no relaxed SIMD' : e.slice(0, 80));
const ratio = (x: Outcome | undefined, y: Outcome | undefined) => (ok(x) && ok(y) ? x.warmMs / y.warmMs : '—');

/** Native C time per step (median of 3 runs of 5000 steps), or why not. */
function nativeStep(): number | string {
  const runs = [0, 1, 2].map(() => native(5000));
  const times = runs.flatMap((r) => ('seconds' in r ? [r.seconds] : [])).sort((x, y) => x - y);
  return times.length ? times[times.length >> 1] * 1e6 : (runs[0] as { skipped: string }).skipped;
}

async function benchEngine(engine: Engine): Promise<EngineResult> {
  const { command: _command, ...described } = engine;
  const out: EngineResult = { engine: described, results: {} };
  if (engine.error) return { ...out, error: engine.error };
  process.stderr.write(`runtimes: ${engine.label}\n`);
  let handle;
  try {
    handle = await openEngine(engine);
  } catch (e) {
    return { ...out, error: (e as Error).message };
  }
  try {
    for (const workload of Object.keys(WORKLOADS) as Workload[]) {
      const row: Partial<Record<Variant, Outcome>> = {};
      for (const variant of VARIANTS) { // cold: each build in a fresh realm
        try {
          row[variant] = await handle.run<Cold | { error: string }>('bench/runtimes/suite.js', { workload, variant }) as Outcome;
        } catch (e) {
          row[variant] = { error: (e as Error).message };
        }
      }
      const before = workload === 'sgd' ? nativeStep() : null;
      let warm: Partial<Record<Variant, Warm | { error: string }>>;
      try { // warm: the builds interleaved in one realm
        warm = await handle.run('bench/runtimes/suite.js', { workload, variants: VARIANTS.filter((v) => ok(row[v])) });
      } catch (e) {
        warm = Object.fromEntries(VARIANTS.filter((v) => ok(row[v])).map((v) => [v, { error: (e as Error).message }]));
      }
      for (const [v, w] of Object.entries(warm) as [Variant, Warm | { error: string }][]) {
        row[v] = 'error' in w ? w : { ...(row[v] as Cold), ...w };
      }
      out.results[workload] = row;
      if (before !== null) {
        const after = nativeStep();
        if (typeof before === 'number' && typeof after === 'number') out.nativeStepUs = (before + after) / 2;
      }
    }
  } finally {
    await handle.close();
  }
  return out;
}

export async function run(): Promise<string> {
  const list = engines();
  const results: EngineResult[] = [];
  for (const engine of list) results.push(await benchEngine(engine));

  // Difference between builds on the conformance runs, in the pinned Node 22 (it has relaxed SIMD).
  const node22 = list.find((e) => e.name.startsWith('node@'));
  let relative: Relative | string = 'pinned Node 22 not available';
  if (node22 && !node22.error) {
    const h = await openEngine(node22);
    try {
      relative = await h.run<Relative>('test/conformance/suite.js', { variants: ['simd', 'scalar', 'relaxed'] });
    } finally {
      await h.close();
    }
  }

  const main: Row[] = [];
  for (const r of results) {
    if (r.error) {
      main.push({ engine: r.engine.label, workload: `cannot start: ${r.error}` });
      continue;
    }
    for (const w of Object.keys(WORKLOADS) as Workload[]) {
      const x = r.results[w] ?? {};
      main.push({
        engine: r.engine.label, workload: WORKLOADS[w],
        'SIMD cold ms': ms(x.simd, 'coldMs'), 'SIMD warm ms': ms(x.simd, 'warmMs'),
        'scalar cold ms': ms(x.scalar, 'coldMs'), 'scalar warm ms': ms(x.scalar, 'warmMs'),
        'relaxed cold ms': ms(x.relaxed, 'coldMs'), 'relaxed warm ms': ms(x.relaxed, 'warmMs'),
        'scalar / SIMD': ratio(x.scalar, x.simd), 'SIMD / relaxed': ratio(x.simd, x.relaxed),
      });
    }
  }

  const step = (o: Outcome | undefined) => (ok(o) && o.stepUs !== undefined ? o.stepUs : '—');
  const vsNative = (o: Outcome | undefined, n: number | undefined) => (ok(o) && o.stepUs && n ? n / o.stepUs : '—');
  const sgd: Row[] = results.filter((r) => !r.error).map((r) => {
    const x = r.results.sgd ?? {};
    return {
      engine: r.engine.label,
      'SIMD µs/step': step(x.simd), 'scalar µs/step': step(x.scalar), 'relaxed µs/step': step(x.relaxed),
      'native C µs/step (alongside)': r.nativeStepUs ?? 'skipped',
      'SIMD × native speed': vsNative(x.simd, r.nativeStepUs), 'relaxed × native speed': vsNative(x.relaxed, r.nativeStepUs),
    };
  });

  const loads: Row[] = results.map((r) => {
    const simd = r.results.stiff?.simd;
    const relaxed = r.results.stiff?.relaxed;
    return {
      engine: r.engine.label,
      status: r.error ? `cannot start: ${r.error}` : 'ran',
      'SIMD module load ms': ok(simd) ? simd.loadMs : '—',
      'relaxed SIMD': r.error ? '—' : ok(relaxed) ? 'yes' : relaxed ? shortError(relaxed.error) : '—',
    };
  });

  let builds = '';
  if (typeof relative === 'string') builds = `Difference between builds: not measured (${relative}).\n`;
  else {
    const rows: Row[] = Object.keys(relative.scalar?.relativeToSimd ?? {}).map((name) => ({
      run: name,
      'scalar vs SIMD': relative.scalar!.relativeToSimd![name],
      'relaxed vs SIMD': relative.relaxed?.relativeToSimd?.[name] ?? relative.relaxed?.error ?? '—',
    }));
    builds = `## Difference between builds\n\nThe conformance runs (test/conformance/suite.js) in Node ${node22!.version}: the largest over the result arrays ` +
      `of max |x − x_SIMD| / max |x_SIMD|. Within one build every engine gives the same bits (test/conformance.test.ts); 0 means the builds agree bit for bit too.\n\n${table(rows)}`;
  }

  if (process.argv.includes('--write')) {
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const raw = {
      date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
      workloads: WORKLOADS, engines: results, builds: relative,
    };
    writeFileSync(new URL('runtimes.json.tmp', dir), `${JSON.stringify(raw, null, 2)}\n`);
    renameSync(new URL('runtimes.json.tmp', dir), new URL('runtimes.json', dir));
  }

  return `## Runtimes: one suite in every engine

bench/runtimes/suite.js in a fresh process (a module Web Worker in the browsers) per workload and build. Cold: the first call; ` +
    `warm: median per call, the builds interleaved so their ratios are side by side. Ratios > 1: the second build is faster. ` +
    `Raw numbers: bench/results/runtimes.json. Run on an idle machine: a loaded one moves single cells by 10× (see docs/design.md).

${table(main)}
## SGD step in every engine against native C

d = 1000, m = 100, batch 1, online, ReLU; per step from the difference between 1000- and 500-step runs. ` +
    `Native: bench/native/sgd.c (gcc -O3 -march=native -ffast-math: 256-bit AVX2 with FMA), timed beside each engine's SGD job. ` +
    `"× native speed" = native time / Wasm time.

${table(sgd)}
## The engines

Pinned in scripts/engines.mjs; the module load is fetch or read, compile and instantiate of the SIMD build.

${table(loads)}
${builds}`;
}
