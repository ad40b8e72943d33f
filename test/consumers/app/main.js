// Sets window.results = { page, worker, handed, element }, each { result } or { error }: the
// check on the page, in a module worker, in a worker handed the page's compiled module, and
// the same config on <timescales-sim> (run once the others are done, so that their record
// of the .wasm fetched stays theirs). Each worker is created as `new Worker(new URL('…',
// import.meta.url), { type: 'module' })`, written out in full: the form bundlers recognise.
import { loadCore } from 'timescales';
import 'timescales/element';
import { check, config } from './check.js';

const settle = (p) => p.then((result) => ({ result }), (e) => ({ error: String(e?.stack ?? e) }));

function answer(worker) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.result));
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message || 'a module did not load'}`));
  });
}

const page = settle(check());
const worker = settle(answer(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })));
const handed = settle(page.then(() => loadCore()).then(({ variant, module }) => {
  const w = new Worker(new URL('./handed-worker.js', import.meta.url), { type: 'module' });
  const result = answer(w);
  w.postMessage({ variant, module });
  return result;
}));
Promise.all([page, worker, handed]).then(async ([page, worker, handed]) => {
  const el = document.querySelector('timescales-sim');
  el.config = config;
  const element = await settle(el.run().then((r) => ({ retcode: r.retcode, risk: Array.from(r.risk) })));
  window.results = { page, worker, handed, element };
});
