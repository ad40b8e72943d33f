// Sets window.results = { page, worker, handed }, each { result } or { error }: the check on
// the page, in a module worker, and in a worker handed the page's compiled module. Each
// worker is created as `new Worker(new URL('…', import.meta.url), { type: 'module' })`,
// written out in full: the form bundlers recognise.
import { loadCore } from 'timescales';
import { check } from './check.js';

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
Promise.all([page, worker, handed]).then(([page, worker, handed]) => {
  window.results = { page, worker, handed };
});
