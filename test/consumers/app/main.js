// Sets window.results = { page, worker }, each { result } or { error }.
import { check } from './check.js';

const settle = (p) => p.then((result) => ({ result }), (e) => ({ error: String(e?.stack ?? e) }));
const inWorker = new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.result));
  worker.onerror = (e) => reject(new Error(`worker failed: ${e.message || 'a module did not load'}`));
});
Promise.all([settle(check()), settle(inWorker)]).then(([page, worker]) => {
  window.results = { page, worker };
});
