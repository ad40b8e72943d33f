// What every consumer checks, on a page, in a module worker and in Node: the library
// loads from `import … from 'timescales'`, picks SIMD, loads each build once, and both
// builds run a small simulation to the end.
import { loadCore, run } from 'timescales';

export const config = { m: 6, epsilon: 1e-2, seed: 7, time: { start: 1e-3, end: 1, points: 5 }, degrees: 2 };

export async function check() {
  const auto = await loadCore();
  const scalar = await loadCore('scalar');
  const simd = await run(config);
  const scalarRun = await run(config, { core: scalar });
  return {
    variant: auto.variant,
    sameCore: (await loadCore()) === auto && (await loadCore('simd')) === auto,
    retcode: simd.retcode,
    risk: Array.from(simd.risk),
    scalarRisk: Array.from(scalarRun.risk),
    // Every .wasm this realm fetched (resource timing records cached fetches too).
    wasm: globalThis.performance?.getEntriesByType?.('resource').map((e) => e.name).filter((n) => /\.wasm([?#]|$)/.test(n)) ?? [],
  };
}
