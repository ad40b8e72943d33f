// The output times of a run: the `time` field of a config made into an increasing grid.
// Apart from config.ts so that what runs a validated config (run-validated.ts, a study's
// worker) never loads the config schema: importing it (zod) is most of a worker's start.
import type { TimeSpec } from './config.js';
import type { Core } from './wasm/loader.js';

/** The output times a time spec asks for, increasing (log grids computed in Wasm, for identical bits everywhere). */
export function outputTimes(core: Core, spec: TimeSpec): Float64Array {
  if ('at' in spec) return Float64Array.from(spec.at);
  const { end, points, spacing } = spec;
  const start = spec.start ?? defaultStart(spec);
  if (points === 1) return Float64Array.of(end);
  if (spacing === 'linear') return Float64Array.from({ length: points }, (_, i) => i === points - 1 ? end : start + (i / (points - 1)) * (end - start));
  return core.scoped(() => {
    const ptr = core.allocF64(points);
    core.exports.logspace(start, end, points, ptr);
    return core.f64(ptr, points).slice();
  });
}

/** Where a grid starts when `time.start` is not set. */
export function defaultStart(spec: { end: number; spacing: 'log' | 'linear' }): number {
  return spec.spacing === 'log' ? spec.end * 1e-8 : 0;
}
