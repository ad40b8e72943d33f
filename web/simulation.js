// Runs a config in a module worker (worker.js) and gathers what it streams into a trace:
// { t, risk, mfRisk?, components, a, s } with one row (an array) per output time for
// components, a and s. The trace grows frame by frame and is replaced by the final result.

/** Splits a row-major T × width array into T rows. */
function rows(flat, width) {
  if (!flat || !width) return [];
  return Array.from({ length: flat.length / width }, (_, j) => Array.from(flat.subarray(j * width, (j + 1) * width)));
}

function finalTrace(result) {
  return {
    t: Array.from(result.t),
    risk: Array.from(result.risk),
    mfRisk: result.mfRisk && Array.from(result.mfRisk),
    components: rows(result.components, result.degrees + 1),
    a: rows(result.a, result.m),
    s: rows(result.s, result.m),
  };
}

/**
 * Starts `config` in a new worker. `onUpdate(trace)` is called at most once per animation
 * frame while frames arrive, and once at the end; `onProgress(fraction, t)` on long runs.
 * `done` resolves to the worker's last message: { type: 'done', result }, { type: 'error',
 * error: { name, message } }, or { type: 'stopped' } when stop() had to end a
 * worker that did not answer within `graceMs`.
 */
export function simulate(config, { onUpdate = () => {}, onProgress = () => {}, graceMs = 2000 } = {}) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const trace = { t: [], risk: [], components: [], a: [], s: [] };
  let pending = false;
  let timer;
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const end = (message) => {
    worker.terminate();
    clearTimeout(timer);
    finish(message);
  };

  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') return onProgress(data.fraction, data.t);
    if (data.type === 'frame') {
      trace.t.push(data.t);
      trace.risk.push(data.risk);
      trace.components.push(Array.from(data.components));
      if (data.a) trace.a.push(Array.from(data.a));
      if (data.s) trace.s.push(Array.from(data.s));
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => { pending = false; onUpdate(trace); });
      }
      return;
    }
    if (data.type === 'done') onUpdate(Object.assign(trace, finalTrace(data.result)));
    end(data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    end({ type: 'error', error: { name: 'Error', message: e.message || 'the simulation worker could not load its modules (see web/README.md)' } });
  };
  worker.postMessage({ type: 'run', config });

  return {
    done,
    /** Asks the run to stop at its next output time; ends the worker if it does not answer. */
    stop() {
      worker.postMessage({ type: 'stop' });
      timer ??= setTimeout(() => end({ type: 'stopped' }), graceMs);
    },
  };
}
