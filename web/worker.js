// Runs one simulation off the main thread. Receives { type: 'run', config } and then
// possibly { type: 'stop' }; posts a { type: 'frame' } per output time, then either
// { type: 'done', result } or { type: 'error', error }.
import { run } from '../dist/index.js';

const controller = new AbortController();

/** Copies of the arrays (frames may be views into Wasm memory, which postMessage would clone whole). */
function copy(array) {
  return array ? Float64Array.from(array) : undefined;
}

function post(message, arrays) {
  postMessage(message, arrays.filter(Boolean).map((a) => a.buffer));
}

async function simulate(config) {
  const result = await run(config, {
    signal: controller.signal,
    onFrame(frame) {
      const components = copy(frame.components);
      const a = copy(frame.a);
      const s = copy(frame.s);
      post({ type: 'frame', index: frame.index, t: frame.t, risk: frame.risk, components, a, s }, [components, a, s]);
    },
    onProgress(fraction, t) {
      postMessage({ type: 'progress', fraction, t });
    },
  });
  const { t, risk, mfRisk, components, a, s, degrees, m, learningTimes, retcode, message, stats } = result;
  const arrays = { t: copy(t), risk: copy(risk), mfRisk: copy(mfRisk), components: copy(components), a: copy(a), s: copy(s) };
  post({ type: 'done', result: { ...arrays, degrees, m, learningTimes, retcode, message, stats, config: result.config } }, Object.values(arrays));
}

self.onmessage = ({ data }) => {
  if (data.type === 'stop') controller.abort();
  if (data.type !== 'run') return;
  simulate(data.config).catch((e) => {
    postMessage({ type: 'error', error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  });
};
