// Loads both builds of the core through the public entry point and computes one dot
// product with each; run by core.html on the page and in a module worker. Reports the
// modules fetched, which must be each build once.
import { loadCore } from '../../dist/index.js';

export async function checkCore() {
  const n = 1003;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(0.3 * i));
  let reference = 0;
  for (let i = 0; i < n; i++) reference += x[i] * y[i];
  const dot = (core) => core.scoped(() => core.exports.dot(core.put(x), core.put(y), n));
  const auto = await loadCore();
  const simd = dot(await loadCore('simd'));
  const scalar = dot(await loadCore('scalar'));
  // Every .wasm this realm fetched (resource timing records cached fetches too).
  const wasm = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'));
  return { variant: auto.variant, reference, simd, scalar, wasm };
}
