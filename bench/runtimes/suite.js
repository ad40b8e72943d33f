// The cross-runtime benchmark suite: one workload in one build per call of `main`, timed
// inside the engine. A plain ES module over dist/index.js, so Node, Deno, Bun and the
// browsers (in a module Web Worker) run the very same code; bench/runtimes.bench.ts runs
// each (workload, build) pair in a fresh realm of every engine and tabulates the results.
//
// A job loads the core (timed: fetch or read, compile, instantiate), then times the first
// call of the workload (cold: the engine's baseline tier, first use of the JavaScript
// around it) and the median of warm calls: batches of calls (doubling until a batch takes
// 20 ms, which also covers coarse timers such as Firefox's 1 ms) until 400 ms have passed
// and at least 5 batches are in; the median of the batches' times per call.
import { ACTIVATION_NAMES, loadCore, project, resolveActivation, run } from '../../dist/index.js';

const relu = { activation: 'relu', target: { hermite: [1, 1, 1] }, seed: 1, degrees: 2 };
const SGD_STEPS = 2000;
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
    label: `Hermite projection of the ${ACTIVATION_NAMES.length} activations, K = 40`,
    call: (core) => { for (const name of ACTIVATION_NAMES) project(core, resolveActivation(name), 40); },
  },
};

function warm(fn, minMs = 400) {
  const perCall = [];
  let calls = 0;
  let batch = 1;
  const start = performance.now();
  while (performance.now() - start < minMs || perCall.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    calls += batch;
    if (dt < 20) batch *= 2;
    else perCall.push(dt / batch);
  }
  perCall.sort((x, y) => x - y);
  return { ms: perCall[perCall.length >> 1], calls, batches: perCall.length };
}

/** A call running the config; fails on anything but success. */
function runner(core, config) {
  return async () => {
    const r = await run(config, { core });
    if (r.retcode !== 'success') throw new Error(`${r.retcode}: ${r.message}`);
  };
}

async function warmAsync(fn, minMs = 400) {
  const perCall = [];
  let calls = 0;
  let batch = 1;
  const start = performance.now();
  while (performance.now() - start < minMs || perCall.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    const dt = performance.now() - t0;
    calls += batch;
    if (dt < 20) batch *= 2;
    else perCall.push(dt / batch);
  }
  perCall.sort((x, y) => x - y);
  return { ms: perCall[perCall.length >> 1], calls, batches: perCall.length };
}

/**
 * Times `workload` in `variant` ('simd', 'scalar' or 'relaxed'). Returns { loadMs, coldMs,
 * warmMs, calls, batches } (and stepUs for SGD), or { error } when this engine cannot load
 * the build.
 */
export async function main({ workload, variant }) {
  const w = WORKLOADS[workload];
  if (!w) throw new Error(`unknown workload ${workload}`);
  const t0 = performance.now();
  let core;
  try {
    core = await loadCore(variant);
  } catch (e) {
    return { error: e.message };
  }
  const loadMs = performance.now() - t0;
  const call = w.call ? async () => w.call(core) : runner(core, w.config);
  const t1 = performance.now();
  await call();
  const coldMs = performance.now() - t1;
  const timing = w.call ? warm(() => w.call(core)) : await warmAsync(call);
  const out = { loadMs, coldMs, warmMs: timing.ms, calls: timing.calls, batches: timing.batches };
  if (w.marginal) {
    const half = await warmAsync(runner(core, w.marginal));
    out.stepUs = ((timing.ms - half.ms) / w.steps) * 1e3;
  }
  return out;
}
