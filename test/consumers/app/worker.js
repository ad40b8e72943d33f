import { check } from './check.js';

check().then((result) => postMessage({ result }), (e) => postMessage({ error: String(e?.stack ?? e) }));
