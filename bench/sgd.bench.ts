// The finite network: SGD steps per second at d = 1000, m = 100 (batch 1, online, σ = φ =
// ReLU) in SIMD Wasm, scalar Wasm, plain TypeScript (bench/plain/sgd.ts), native C
// (bench/native/sgd.c, gcc -O3 -march=native -ffast-math, built here into bench/.native/)
// and numpy; then population GD per step at d = 1e2 and d = 1e6, which the reduced basis
// should make equal.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveActivation } from '../src/hermite/activation.js';
import { solveNetwork, type NetworkProblem } from '../src/models/network.js';
import { sgdStateLayout } from '../src/models/sgd.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { fmt, python, table, time, type Row } from './lib.js';
import { PlainSgd } from './plain/sgd.js';

const here = dirname(fileURLToPath(import.meta.url));
const D = 1000;
const M = 100;
const SEED = 1;
const ETA = 1e-3;
const EPSILON = 1;
const CHUNK = 100; // steps per timed call
const CHECK_STEPS = 2000; // steps before comparing a with the SIMD build
const a0 = Float64Array.from({ length: M }, (_, i) => 1 / (i + 1));

/** SGD state in `core` as solveSgd lays it out; returns a function running n steps. */
function wasmSgd(core: Core): { steps: (n: number) => void; a: () => Float64Array } {
  const ex = core.exports;
  const relu = resolveActivation('relu');
  const act = [relu.code, 0, 1, core.put(relu.params), 0] as const;
  const u = core.put(Float64Array.from({ length: D }, (_, i) => +(i === 0)));
  const work = core.allocF64(ex.sgdWorkLength(M, D, 1));
  const fail = core.allocF64(1);
  const layout = sgdStateLayout(core, M, D, 0);
  const state = core.alloc(layout.bytes);
  const [rng, a, wn2, W] = [layout.rng, layout.a, layout.wn2, layout.W].map((o) => state + o);
  core.f64(a, M).set(a0);
  ex.rngSeed(rng, SEED);
  ex.rngNormals(rng, W, M * D);
  ex.normalizeRows(W, M, D, wn2);
  let step = 0;
  return {
    steps: (n) => {
      step += ex.sgdSteps(n, step, ETA, EPSILON, 0, state, M, D, 0, u, 1, ...act, ...act, work, fail);
    },
    a: () => core.f64(a, M).slice(),
  };
}

/** Builds and runs the C peer; null with a reason when gcc is missing or fails. */
export function native(steps: number): { seconds: number; a: number[] } | { skipped: string } {
  const exe = join(here, '.native', 'sgd');
  mkdirSync(dirname(exe), { recursive: true });
  const cc = spawnSync('gcc', ['-O3', '-march=native', '-ffast-math', '-o', exe, join(here, 'native', 'sgd.c'), '-lm'], { encoding: 'utf8' });
  if (cc.error) return { skipped: `gcc not available (${cc.error.message})` };
  if (cc.status !== 0) return { skipped: `gcc failed: ${cc.stderr.trim().split('\n').pop()}` };
  const r = spawnSync(exe, [D, M, steps, SEED, ETA, EPSILON].map(String), { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `native peer failed: ${r.stderr.trim()}` };
  return JSON.parse(r.stdout) as { seconds: number; a: number[] };
}

const numpyPeer = `
import json, sys, time
import numpy as np
p = json.load(sys.stdin)
d, m, n, eta, eps = p['d'], p['m'], p['steps'], p['eta'], p['epsilon']
rng = np.random.default_rng(p['seed'])
W = rng.standard_normal((m, d)); W /= np.linalg.norm(W, axis=1)[:, None]
a = 1.0 / (np.arange(m) + 1.0)
def step():
    global W
    x = rng.standard_normal(d)
    y = max(x[0], 0.0)
    z = W @ x
    sz = np.maximum(z, 0.0)
    r = y - (a @ sz) / m
    be = eta * r * a * (z > 0)
    a[:] += (eta / eps) * r * sz
    W *= (1.0 - be * z)[:, None]
    W += np.outer(be, x)
    W /= np.sqrt(np.einsum('ij,ij->i', W, W))[:, None]
for _ in range(50): step()
t0 = time.perf_counter()
for _ in range(n): step()
print(json.dumps({'seconds': (time.perf_counter() - t0) / n}))
`;

/** The run with the median time among 7, like lib.time's median over batches. */
function medianRun<T extends { seconds: number } | { skipped: string }>(f: () => T): T {
  const runs = Array.from({ length: 7 }, f);
  const ok = runs.filter((r): r is Extract<T, { seconds: number }> => 'seconds' in r).sort((x, y) => x.seconds - y.seconds);
  return ok.length ? ok[ok.length >> 1] : runs[0];
}

const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => Math.max(s, Math.abs(v - y[i])), 0);

/** A ReLU network with target h_0 + h_1 + h_2, random initialization from the seed. */
function gdProblem(d: number, m: number): NetworkProblem {
  const sigma = new Float64Array(41);
  sigma.set([1 / Math.sqrt(2 * Math.PI), 0.5, 1 / Math.sqrt(4 * Math.PI)]); // K = 2 suffices for V; U is closed-form
  const phi = new Float64Array(41);
  phi.set([1, 1, 1]);
  return {
    activation: resolveActivation('relu'), target: resolveActivation({ hermite: [1, 1, 1] }, 'target'),
    sigma, phi, sigmaNorm2: 0.5, phiNorm2: 3, noise: 0, epsilon: 1, d, m,
    a0: Float64Array.from({ length: m }, (_, i) => Math.cos(i)), w0: null, direction: null, seed: 1, degrees: 2,
  };
}

export async function run(): Promise<string> {
  const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);

  // SGD: time CHUNK-step calls; check that every peer computes the same a after CHECK_STEPS steps
  const results: { name: string; seconds: number | null; diff: number | string; note?: string }[] = [];
  const ref = simd.scoped(() => {
    const run = wasmSgd(simd);
    run.steps(CHECK_STEPS);
    return run.a();
  });
  for (const [name, core] of [['SIMD Wasm', simd], ['scalar Wasm', scalar]] as const) {
    const { seconds, a } = core.scoped(() => {
      const check = wasmSgd(core);
      check.steps(CHECK_STEPS);
      const timed = wasmSgd(core);
      return { seconds: time(() => timed.steps(CHUNK)).seconds / CHUNK, a: check.a() };
    });
    results.push({ name, seconds, diff: maxDiff(a, ref) });
  }
  const plainCheck = new PlainSgd(M, D, a0, SEED, ETA, EPSILON);
  plainCheck.steps(CHECK_STEPS);
  const plain = new PlainSgd(M, D, a0, SEED, ETA, EPSILON);
  results.push({ name: 'plain TypeScript', seconds: time(() => plain.steps(CHUNK / 10)).seconds / (CHUNK / 10), diff: maxDiff(plainCheck.a, ref) });
  const check = native(CHECK_STEPS);
  const timedNative = 'skipped' in check ? check : medianRun(() => native(5000));
  results.push('skipped' in timedNative || 'skipped' in check
    ? { name: 'native C (gcc -O3 -march=native -ffast-math)', seconds: null, diff: '—', note: 'skipped' in check ? check.skipped : (timedNative as { skipped: string }).skipped }
    : { name: 'native C (gcc -O3 -march=native -ffast-math)', seconds: timedNative.seconds, diff: maxDiff(check.a, ref) });
  const np = python(numpyPeer, { d: D, m: M, steps: 2000, eta: ETA, epsilon: EPSILON, seed: SEED });
  results.push('skipped' in np
    ? { name: 'numpy', seconds: null, diff: '—', note: np.skipped }
    : { name: 'numpy', seconds: (np.value as { seconds: number }).seconds, diff: 'own RNG' });

  const tSimd = results[0].seconds!;
  const rows: Row[] = results.map((r) => ({
    implementation: r.name,
    'steps/s': r.seconds === null ? `skipped: ${r.note}` : 1 / r.seconds,
    'µs/step': r.seconds === null ? '—' : r.seconds * 1e6,
    'SIMD Wasm speed ×': r.seconds === null ? '—' : r.seconds / tSimd,
    [`max abs Δa vs SIMD after ${CHECK_STEPS} steps`]: typeof r.diff === 'number' ? fmt(r.diff) : r.diff,
  }));

  // Population GD: time per step independent of d
  const gdRows: Row[] = [];
  for (const m of [50, 100]) {
    const perStep = [1e2, 1e6].map((d) => {
      const p = gdProblem(d, m);
      const steps = 20;
      const eta = 1e-2;
      return time(() => solveNetwork(simd, p, { eta, keepWeights: false }, Float64Array.of(eta * steps))).seconds / steps;
    });
    gdRows.push({ m, 'ms/step at d = 1e2': perStep[0] * 1e3, 'ms/step at d = 1e6': perStep[1] * 1e3, 'ratio d = 1e6 / d = 1e2': perStep[1] / perStep[0] });
  }

  return `## Finite network: SGD and population GD\n\n` +
    `SGD at d = ${D}, m = ${M}, batch 1, online, σ = φ = ReLU, η = ${ETA}: median over ${CHUNK}-step calls ` +
    `(native: median of 7 runs of 5000 steps; numpy: 2000 steps after 50 warm-up). "SIMD Wasm speed ×" > 1 means SIMD Wasm is that many times faster. ` +
    `The last column checks that each peer runs the same algorithm from the same seed (numpy uses its own generator). ` +
    `Wasm and C both sweep W once per step (update, norm and the next forward product fused); plain TypeScript and numpy sweep it twice. ` +
    `The native kernel is auto-vectorized to 256-bit AVX2 with FMA; Wasm SIMD has 128-bit lanes and no FMA.\n\n${table(rows)}\n` +
    `Population GD (reduced basis, ReLU, r = min(m+1, d) coordinates per neuron), SIMD Wasm, median time per step over 20-step solves ` +
    `(including the random initialization and one risk evaluation):\n\n${table(gdRows)}`;
}
