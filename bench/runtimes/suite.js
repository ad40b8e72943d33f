// The cross-runtime benchmark suite: one workload in one build per call of `main`, timed
// inside the engine. A plain ES module over dist/index.js, so Node, Deno, Bun and the
// browsers (in a module Web Worker) run the very same code; bench/runtimes.bench.ts runs
// each (workload, build) pair in a fresh realm of every engine and tabulates the results.
//
// Two kinds of job. A cold job (one build, in a fresh realm) loads the core (timed: fetch
// or read, compile, instantiate) and times the first call of the workload: the engine's
// baseline tier, the first use of the JavaScript around it. A warm job loads every build
// the engine has, calls each once, sizes a batch per build (doubling until a batch takes
// 20 ms, which also covers coarse timers such as Firefox's 1 ms), then runs rounds of one
// batch per build, interleaved so that the builds share whatever load the machine is under,
// until at least 7 rounds and 1.5 s; it reports each build's median time per call.
import { ACTIVATION_NAMES, loadCore, project, resolveActivation, run } from '../../dist/index.js';

const relu = { activation: 'relu', target: { hermite: [1, 1, 1] }, seed: 1, degrees: 2 };
const SGD_STEPS = 1000;
const SGD_ETA = 1e-3;

/** SGD at d = 1000, m = 100, batch 1, online, σ = φ = ReLU (bench/sgd.bench.ts, bench/native/sgd.c) for `steps` steps. */
const sgd = (steps) => ({
  model: 'sgd', activation: 'relu', target: 'relu', seed: 1, degrees: 2, d: 1000, m: 100, eta: SGD_ETA, epsilon: 1,
  batch: 1, samples: 0, time: { at: [steps * SGD_ETA] }, keepWeights: false,
});

/** The workloads: what one call does. */
export const WORKLOADS = {
  stiff: {
    label: 'stiff flow, m = 10, ε = 1e-6, T = 100 (RODAS4, rtol 1e-8)',
    config: { ...relu, model: 'meanfield', m: 10, epsilon: 1e-6, time: { at: [100] }, solver: { method: 'stiff', form: 'kernel', truncation: 2, rtol: 1e-8, atol: 1e-10 } },
  },
  moment: {
    label: 'moment form, m = 1e5, K = 8, 10 RK4 steps',
    config: { ...relu, model: 'meanfield', m: 100_000, epsilon: 1, time: { at: [0.01] }, keepWeights: false, solver: { method: 'rk4', form: 'moment', truncation: 8, dt: 1e-3 } },
  },
  gd: {
    label: 'population GD, d = 1e4, m = 50, 20 steps',
    config: { ...relu, model: 'network', d: 10_000, m: 50, eta: 1e-2, epsilon: 1, time: { at: [0.2] }, keepWeights: false },
  },
  sgd: {
    label: `SGD, d = 1000, m = 100, ${SGD_STEPS} steps`,
    config: sgd(SGD_STEPS),
    // The time per step from the difference with a run of half the steps, free of the run's set-up.
    marginal: sgd(SGD_STEPS / 2),
    steps: SGD_STEPS / 2,
  },
  hermite: {
    label: `Hermite projection of the ${ACTIVATION_NAMES.length} activations, K = 200`,
    call: (core) => { for (const name of ACTIVATION_NAMES) project(core, resolveActivation(name), 200); },
  },
};

/** A call running the config; fails on anything but success. */
function runner(core, config) {
  return async () => {
    const r = await run(config, { core });
    if (r.retcode !== 'success') throw new Error(`${r.retcode}: ${r.message}`);
  };
}

const call = (w, core) => (w.call ? async () => w.call(core) : runner(core, w.config));

/** Times one batch of `n` calls, in ms. */
async function batch(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return performance.now() - t0;
}

/** Cold job: { loadMs, coldMs } of `variant`, or { error } when this engine cannot load it. */
async function cold(w, variant) {
  const t0 = performance.now();
  let core;
  try {
    core = await loadCore(variant);
  } catch (e) {
    return { error: e.message };
  }
  const loadMs = performance.now() - t0;
  return { loadMs, coldMs: await batch(call(w, core), 1) };
}

/**
 * Warm job over `variants`: per build { warmMs, calls, rounds } (and stepUs for SGD: the
 * marginal time per step between the full and the half run), or { error }.
 */
async function warm(w, variants, { minRounds = 7, minMs = 1500 } = {}) {
  const out = {};
  const series = [];
  for (const variant of variants) {
    let core;
    try {
      core = await loadCore(variant);
    } catch (e) {
      out[variant] = { error: e.message };
      continue;
    }
    series.push({ variant, key: 'warmMs', fn: call(w, core) });
    if (w.marginal) series.push({ variant, key: 'halfMs', fn: runner(core, w.marginal) });
  }
  for (const s of series) {
    await s.fn();
    s.n = 1;
    while ((await batch(s.fn, s.n)) < 20) s.n *= 2;
    s.times = [];
  }
  const start = performance.now();
  let rounds = 0;
  while (series.length && (rounds < minRounds || performance.now() - start < minMs)) {
    for (const s of series) s.times.push((await batch(s.fn, s.n)) / s.n);
    rounds++;
  }
  for (const s of series) {
    s.times.sort((x, y) => x - y);
    out[s.variant] ??= { calls: 0, rounds };
    out[s.variant][s.key] = s.times[s.times.length >> 1];
    out[s.variant].calls += s.n * rounds;
  }
  if (w.marginal) {
    for (const r of Object.values(out)) if (r.halfMs !== undefined) r.stepUs = ((r.warmMs - r.halfMs) / w.steps) * 1e3;
  }
  return out;
}

/**
 * `{ workload, variant }`: a cold job, { loadMs, coldMs } or { error }.
 * `{ workload, variants }`: a warm job, { [variant]: { warmMs, calls, rounds, stepUs? } or { error } }.
 */
export async function main({ workload, variant, variants }) {
  const w = WORKLOADS[workload];
  if (!w) throw new Error(`unknown workload ${workload}`);
  return variants ? warm(w, variants) : cold(w, variant);
}
