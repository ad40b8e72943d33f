import { checkCore } from './core-check.js';

checkCore().then((result) => postMessage({ result }), (e) => postMessage({ error: String(e?.stack ?? e) }));
