// Public API of timescales.
export { loadCore, simdSupported, Core, type CoreExports, type Variant } from './wasm/loader.js';
export { ConfigError, RunError } from './errors.js';
