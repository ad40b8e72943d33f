// The d→∞ neuron flow against SUNDIALS CVODE in C (bench/native/cvode_meanfield.c: BDF, Newton,
// dense direct solver, its own difference-quotient Jacobian) on the same equations, evaluated the
// same way, over m × ε. Debian's libsundials-dev is installed here when missing and possible
// (root with apt-get); otherwise the table says why CVODE is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { initialState } from '../src/models/init.js';
import { solveMeanfield, type MeanfieldAlgorithm, type MeanfieldProblem } from '../src/models/meanfield.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { reluCoefficients } from '../test/support/network.js';
import { fmt, table, type Row } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const RTOL = 1e-8;
const ATOL = 1e-10;
export const T = 100;
/** Starts per cell: seed 1 is the CLI's default draw, the others were never tuned on; a cell reports its worst. */
export const SEEDS = [1, 2, 3, 4, 5];
export const MS = [10, 30, 100];
export const EPSILONS = [1e-3, 1e-6, 1e-9, 1e-12];
/** Our side of every cell: BDF on the kernel form, the trajectory's end only. */
export const ALGORITHM: MeanfieldAlgorithm = { method: 'auto', form: 'kernel', rtol: RTOL, atol: ATOL, keepWeights: false };
/** Repeated solves per cell (median), each side, within a time budget per cell. */
const REPS = 21;
const BUDGET_S = 3;
/** A CVODE cell that takes longer than this is stopped and reported as such. */
const CVODE_LIMIT_S = 60;

/** ReLU (closed-form kernel, K = 2), φ = h_0 + h_1 + h_2, a(0) ~ N(0, 1) from our generator with `seed` (as the CLI draws it), s(0) = 0. */
export function problem(core: Core, m: number, epsilon: number, seed = SEEDS[0]): MeanfieldProblem {
  const config = parseConfig({ model: 'meanfield', m, epsilon, seed, time: { at: [T] } });
  const { a0, s0 } = initialState(core, config);
  return { sigma: reluCoefficients(2), phi: Float64Array.of(1, 1, 1), kernel: { kind: 1, gain: 1 }, noise: 0, epsilon, a0, s0, degrees: 2 };
}

interface CvodeResult {
  version: string; solves: number; seconds: number; risk?: number; error?: string;
  nst: number; nfe: number; nje: number; nfeLS: number; nsetups: number; netf: number; nni: number; ncfn: number;
}

/** Installs libsundials-dev when missing and possible; then builds the driver. A reason string when it cannot. */
function buildCvode(): { exe: string } | { skipped: string } {
  const header = '/usr/include/cvode/cvode.h';
  if (!existsSync(header)) {
    const root = process.getuid?.() === 0;
    const apt = spawnSync('apt-get', ['--version'], { encoding: 'utf8' });
    if (!root || apt.error) return { skipped: `libsundials-dev is not installed and cannot be here (${!root ? 'not root' : 'no apt-get'})` };
    process.stderr.write('bench: apt-get install -y libsundials-dev\n');
    let r = spawnSync('apt-get', ['install', '-y', 'libsundials-dev'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { encoding: 'utf8' });
      r = spawnSync('apt-get', ['install', '-y', 'libsundials-dev'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    if (r.status !== 0 || !existsSync(header)) return { skipped: `apt-get install libsundials-dev failed: ${r.stderr.trim().split('\n').pop()}` };
  }
  const exe = join(here, '.native', 'cvode_meanfield');
  mkdirSync(dirname(exe), { recursive: true });
  const cc = spawnSync('cc', ['-O3', '-march=native', '-o', exe, join(here, 'native', 'cvode_meanfield.c'),
    '-lsundials_cvode', '-lsundials_nvecserial', '-lm'], { encoding: 'utf8' });
  if (cc.error) return { skipped: `cc not available (${cc.error.message})` };
  if (cc.status !== 0) return { skipped: `cc failed: ${cc.stderr.trim().split('\n').slice(-3).join(' ')}` };
  return { exe };
}

/** CVODE on `p`; `expanded`: on the expanded kernel sums (the scipy peer's evaluation; docs/design.md) instead of ours. */
function runCvode(exe: string, p: MeanfieldProblem, expanded = false): CvodeResult | { skipped: string } {
  const m = p.a0.length;
  const K = p.sigma.length - 1;
  const input = [
    [m, K, p.epsilon, T, RTOL, ATOL, REPS, BUDGET_S, CVODE_LIMIT_S, +expanded],
    [...p.sigma], [...p.phi], [...p.a0], [...p.s0],
  ].map((row) => row.map(String).join(' ')).join('\n');
  const r = spawnSync(exe, [], { input, encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `driver failed: ${r.stderr.trim()}` };
  return JSON.parse(r.stdout) as CvodeResult;
}

/** Median seconds over up to REPS warm solves (after one warm-up solve), within BUDGET_S. */
function medianSolve(solve: () => unknown): number {
  solve();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < REPS && (times.length === 0 || performance.now() - start < BUDGET_S * 1e3)) {
    const t0 = performance.now();
    solve();
    times.push((performance.now() - t0) / 1e3);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
}

export async function run(): Promise<string> {
  const core = await loadCore('simd');
  const algorithm = ALGORITHM;
  const end = Float64Array.of(T);
  const built = buildCvode();
  const rows: Row[] = [];
  let version = '';
  // Warm the engine first: V8 runs a fresh module's functions in its baseline tier and
  // compiles the optimized code in the background as they get hot, so without this the
  // first cell (a few ms per solve) is timed partly in the baseline tier (measured: 3.7 ms
  // against 1.0–1.4 ms for its neighbours). One second of solves covers every function the
  // table calls.
  const warm = performance.now();
  for (const epsilon of [1e-3, 1e-9]) while (performance.now() - warm < (epsilon === 1e-3 ? 500 : 1000)) solveMeanfield(core, problem(core, 10, epsilon), algorithm, end);
  for (const m of MS) {
    for (const epsilon of EPSILONS) {
      // Every start of the cell; the row shown is the worst start's (largest ours / CVODE).
      let worst: { row: Row; r: number } | undefined;
      const perSeed: number[] = [];
      for (const seed of SEEDS) {
        process.stderr.write(`bench: cvode m = ${m}, ε = ${epsilon}, seed ${seed}\n`);
        const p = problem(core, m, epsilon, seed);
        const ours = solveMeanfield(core, p, algorithm, end);
        const seconds = ours.retcode === 'success' ? medianSolve(() => solveMeanfield(core, p, algorithm, end)) : NaN;
        const row: Row = {
          m, ε: epsilon.toExponential(0), 'worst seed': seed,
          'ours ms': ours.retcode === 'success' ? seconds * 1e3 : `${ours.retcode}: ${ours.message}`,
        };
        const cv = 'exe' in built ? runCvode(built.exe, p) : built;
        let r = NaN;
        if ('skipped' in cv) {
          Object.assign(row, { 'CVODE ms': `skipped: ${cv.skipped}` });
        } else {
          version = cv.version;
          const ok = cv.error === undefined;
          if (ok) r = seconds / cv.seconds;
          Object.assign(row, {
            'CVODE ms': ok ? cv.seconds * 1e3 : `${cv.error} (${fmt(cv.seconds)} s)`,
            'ours / CVODE': ok ? r : '—',
            'steps ours / CVODE': `${ours.stats.steps} / ${cv.nst}`,
            'Jacobians ours / CVODE': `${ours.stats.jacobianEvaluations} / ${cv.nje}`,
            'rel. ΔR_mf': ok && cv.risk !== undefined ? Math.abs(cv.risk - ours.risk[0]) / ours.risk[0] : '—',
          });
        }
        perSeed.push(r);
        // NaN (a failed or skipped side) counts as the worst
        if (worst === undefined || !(r <= worst.r)) worst = { row, r };
      }
      const finite = perSeed.filter((r) => Number.isFinite(r));
      worst!.row[`ours / CVODE, ${SEEDS.length} seeds`] = finite.length ? `${fmt(Math.min(...finite))} … ${fmt(Math.max(...finite))}` : '—';
      rows.push(worst!.row);
    }
  }
  const peer = 'exe' in built
    ? `CVODE ${version} (cc -O3 -march=native; BDF, Newton, dense LU, its own difference-quotient Jacobian)`
    : `CVODE skipped: ${built.skipped}`;
  return `## Mean-field flow against SUNDIALS CVODE

ReLU kernel form, φ = h_0 + h_1 + h_2, a(0) ~ N(0, 1) (seeds ${SEEDS.join(', ')}), s(0) = 0, t ∈ [0, ${T}], rtol ${RTOL}, atol ${ATOL}, the same right-hand side on both sides (bench/native/cvode_meanfield.c). Ours: \`solveMeanfield\`, 'auto' (BDF), SIMD Wasm; ${peer}.
Each row is its cell's worst start (largest ours / CVODE, the goal ≤ 0.5); times are medians of up to ${REPS} warm solves within ${BUDGET_S} s.
Single cells move ±50% between runs on a shared machine: before and after a change of ours, see the paired table below (bench/versus.bench.ts).

${table(rows)}`;
}
