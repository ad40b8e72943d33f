// The package's entry under the `browser` export condition: the whole API but the Node-only
// study runner (worker threads, a result folder on disk), so that a browser bundle carries
// no code that reaches for node: modules. A study in a browser runs on Web Workers with
// studyInBrowser, into memory.
export * from './api.js';
