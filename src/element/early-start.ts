// Imported first by the element's module, so that it runs before the rest of the module
// (the config schema, the plots) is evaluated: when the page already holds an element that
// will run, its worker and Wasm compile start now.
import { prepare } from './runner.js';

const first = globalThis.document?.querySelector('timescales-sim:not([autoplay="false"])');
if (first) prepare(first.getAttribute('wasm-base')).catch(() => {});
