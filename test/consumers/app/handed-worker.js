// A worker that is handed the page's compiled SIMD module instead of fetching one.
import { loadCore, run } from 'timescales';
import { config } from './check.js';

onmessage = ({ data: { variant, module } }) => {
  (async () => {
    const core = await loadCore({ variant, modules: { [variant]: module } });
    const r = await run(config, { core });
    const wasm = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\.wasm([?#]|$)/.test(n));
    return { variant: core.variant, risk: Array.from(r.risk), wasm };
  })().then((result) => postMessage({ result }), (e) => postMessage({ error: String(e?.stack ?? e) }));
};
