// Our side of the CVODE table (bench/cvode.bench.ts: the same cells, seeds and algorithm), this
// checkout against another one, paired: each process loads both checkouts' dist/index.js and SIMD
// cores side by side and times each solve alternately old, new, new, old, … so a load change on
// the machine hits both sides alike. Several such processes, half loading the old side first: a
// process favours one side by a few percent, differently each time (the same solves, steps and
// bits), which pairing within it cannot cancel. The other checkout comes from TIMESCALES_VERSUS
// (a built clone at the commit to compare with; see `howTo` below).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALGORITHM, EPSILONS, MS, SEEDS, T, problem } from './cvode.bench.js';
import { fmt, median, table, type Row } from './lib.js';
import type { MeanfieldProblem, Trajectory } from '../src/index.js';

type Api = typeof import('../src/index.js');
type Core = Awaited<ReturnType<Api['loadCore']>>;
interface Side { api: Api; core: Core }

const here = dirname(fileURLToPath(import.meta.url));
const ENV = 'TIMESCALES_VERSUS';
/** Set in a measuring process: which side it loads first. */
const FIRST = 'TIMESCALES_VERSUS_FIRST';
/** Processes, each one pass through the table; per start, timed solves per side: at least MIN_ROUNDS, then more while the budget lasts. */
const PROCESSES = 6;
const MIN_ROUNDS = 7;
const MAX_ROUNDS = 25;
const BUDGET_S = 0.4;
/** Untimed solves per side before the rounds (the code of this start's size gets hot). */
const WARM_UP = 2;
/** Output times of the trajectory check: R(t) compared bit for bit at each. */
const CHECK_TIMES = Float64Array.from({ length: 20 }, (_, i) => (T * (i + 1)) / 20);
const STAT_KEYS = ['steps', 'rejectedSteps', 'rhsEvaluations', 'jacobianEvaluations', 'linearSolves'] as const;

const howTo = `Set ${ENV} to a built checkout of the commit to compare with, e.g.
\`git clone -q . ../old && git -C ../old checkout -q COMMIT && (cd ../old && npm ci && node scripts/build.mjs)\`,
then \`${ENV}=../old npm run bench -- versus --write\`.`;

async function side(dir: string): Promise<Side> {
  const entry = join(dir, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`${ENV}: ${entry} is missing (build that checkout: node scripts/build.mjs)`);
  const api = (await import(pathToFileURL(entry).href)) as Api;
  return { api, core: await api.loadCore('simd') };
}

function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return dir;
  }
}

function solve(s: Side, p: MeanfieldProblem, times: Float64Array): Trajectory {
  return s.api.solveMeanfield(s.core, p, ALGORITHM, times);
}

/** '' when both trajectories have the same risks bit for bit and the same step counts; otherwise how they differ. */
function difference(a: Trajectory, b: Trajectory): string {
  const parts: string[] = [];
  for (const k of STAT_KEYS) if (a.stats[k] !== b.stats[k]) parts.push(`${k} ${a.stats[k]} → ${b.stats[k]}`);
  if (a.retcode !== b.retcode) parts.push(`retcode ${a.retcode} → ${b.retcode}`);
  let rel = 0;
  let differs = a.risk.length !== b.risk.length;
  for (let i = 0; i < Math.min(a.risk.length, b.risk.length); i++) {
    if (!Object.is(a.risk[i], b.risk[i])) differs = true;
    rel = Math.max(rel, Math.abs(a.risk[i] - b.risk[i]) / Math.abs(a.risk[i]));
  }
  if (differs) parts.push(`R(t) up to ${fmt(rel)} relative`);
  return parts.join(', ');
}

/** The fastest of the paired timed solves, each side, in seconds. */
function paired(old: Side, now: Side, p: MeanfieldProblem, end: Float64Array): { old: number; now: number } {
  for (let i = 0; i < WARM_UP; i++) { solve(old, p, end); solve(now, p, end); }
  const best = { old: Infinity, now: Infinity };
  const clock = (s: Side, key: 'old' | 'now') => {
    const t0 = performance.now();
    solve(s, p, end);
    best[key] = Math.min(best[key], (performance.now() - t0) / 1e3);
  };
  const start = performance.now();
  let rounds = 0;
  while (rounds < MIN_ROUNDS || (rounds < MAX_ROUNDS && performance.now() - start < BUDGET_S * 1e3)) {
    // Alternate which side goes first, so neither always runs right after the other's allocations.
    if (rounds % 2 === 0) { clock(old, 'old'); clock(now, 'now'); } else { clock(now, 'now'); clock(old, 'old'); }
    rounds++;
  }
  return best;
}


interface Measured { old: string; now: string; best: [string, number, number][]; differences: string[] }
const key = (m: number, epsilon: number, seed: number) => `${m} ${epsilon} ${seed}`;

/** One measuring process: both sides loaded (in the order FIRST says), one pass through the table, the fastest solve per start and side. */
async function measure(otherDir: string, check: boolean): Promise<Measured> {
  const thisDir = join(here, '..');
  const oldFirst = process.env[FIRST] !== 'new';
  const first = await side(oldFirst ? otherDir : thisDir);
  const second = await side(oldFirst ? thisDir : otherDir);
  const [old, now] = oldFirst ? [first, second] : [second, first];
  const end = Float64Array.of(T);
  // One second of both sides first: the engine's optimizing tier compiles hot functions in the background.
  const warm = performance.now();
  while (performance.now() - warm < 1000) for (const s of [old, now]) solve(s, problem(now.core, 10, 1e-9), end);
  const best: Measured['best'] = [];
  const differences: string[] = [];
  for (const m of MS) {
    for (const epsilon of EPSILONS) {
      for (const seed of SEEDS) {
        const p = problem(now.core, m, epsilon, seed);
        if (check) {
          for (const times of [end, CHECK_TIMES]) {
            const d = difference(solve(old, p, times), solve(now, p, times));
            if (d) differences.push(`m = ${m}, ε = ${epsilon.toExponential(0)}, seed ${seed}, ${times.length} output times: ${d}`);
          }
        }
        const t = paired(old, now, p, end);
        best.push([key(m, epsilon, seed), t.old, t.now]);
      }
    }
  }
  return { old: commitOf(otherDir), now: commitOf(thisDir), best, differences };
}

export async function run(): Promise<string> {
  const title = '## Before and after, paired: our side of the CVODE table';
  const dir = process.env[ENV];
  if (!dir) {
    // Exit rather than return a section: --write would replace the stored table with nothing.
    process.stderr.write(`bench: versus needs ${ENV}, the path of another checkout. ${howTo}\n`);
    process.exit(2);
  }
  const load = [loadavg()[0]];
  const runs: Measured[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const first = i % 2 === 0 ? 'old' : 'new';
    process.stderr.write(`bench: versus process ${i + 1} of ${PROCESSES} (${first} side loaded first)\n`);
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...(i === 0 ? ['--check'] : [])],
      { encoding: 'utf8', env: { ...process.env, [FIRST]: first }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`versus: measuring process ${i + 1} failed (exit ${r.status ?? r.signal})`);
    runs.push(JSON.parse(r.stdout) as Measured);
  }
  load.push(loadavg()[0]);
  // Per start, each side's fastest solve over every process: load and placement only ever add time.
  const best = new Map<string, { old: number; now: number }>();
  for (const r of runs) {
    for (const [k, o, n] of r.best) {
      const b = best.get(k) ?? { old: Infinity, now: Infinity };
      best.set(k, { old: Math.min(b.old, o), now: Math.min(b.now, n) });
    }
  }
  const perProcess = runs.map((r) => median(r.best.map(([, o, n]) => n / o)));
  const rows: Row[] = [];
  for (const m of MS) {
    for (const epsilon of EPSILONS) {
      const perSeed = SEEDS.map((seed) => {
        const b = best.get(key(m, epsilon, seed))!;
        return { seed, ...b, ratio: b.now / b.old };
      });
      const worst = perSeed.reduce((w, s) => (s.ratio > w.ratio ? s : w));
      const ratios = perSeed.map((s) => s.ratio);
      rows.push({
        m, ε: epsilon.toExponential(0), 'worst seed': worst.seed,
        [`old ${runs[0].old} ms`]: worst.old * 1e3, [`new ${runs[0].now} ms`]: worst.now * 1e3,
        'new / old, worst seed': worst.ratio,
        [`new / old, median of ${SEEDS.length} seeds`]: median(ratios),
        'range over seeds': `${fmt(Math.min(...ratios))} … ${fmt(Math.max(...ratios))}`,
      });
    }
  }
  const differences = runs[0].differences;
  const same = differences.length === 0
    ? `Both give the same R(t) bit for bit and the same steps, Jacobians and factorizations in every start (at t = ${T} and at ${CHECK_TIMES.length} output times).`
    : `They differ in ${differences.length} runs: ${differences.join('; ')}.`;
  process.stderr.write(`bench: versus load average ${fmt(load[0])} at the start, ${fmt(load[1])} at the end\n`);
  return `${title}

Old ${runs[0].old} (the checkout in ${ENV}), new ${runs[0].now}, SIMD Wasm, ${SEEDS.length} seeds per cell as in the CVODE table; per start the fastest solve each side over ${PROCESSES} processes holding both sides, ≥ ${MIN_ROUNDS} rounds alternating old/new in each: the minimum, since load on a shared machine only ever adds time. ${same}
A single process's median new / old over all starts: ${perProcess.map((x) => fmt(x)).join(', ')} (a process favours one side or the other, by a few percent). Load average (1 min) ${fmt(load[0])} at the start, ${fmt(load[1])} at the end.

${table(rows)}`;
}

// A measuring process (started by run() above): prints its Measured as JSON.
if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.stdout.write(JSON.stringify(await measure(resolve(process.env[ENV]!), process.argv.includes('--check'))));
}
