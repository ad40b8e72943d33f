// The values of one axis. Generated values are rounded to a few significant digits
// fewer than a double holds, so that {log: [1e-1, 1e-8, 8]} gives 0.1, 0.01, …, 1e-8
// exactly and {linear: [0, 1, 11]} gives 0.3 rather than 0.30000000000000004. Log grids
// come from the Wasm core's logspace (the same bits in every engine; exp(log a + i·h) is
// off by a few ulps, hence 12 digits there) and toPrecision is exactly specified, so every
// engine gets the same cells.
import { ConfigError } from '../errors.js';
import type { Core } from '../wasm/loader.js';
import { canonicalJSON } from './canonical.js';
import type { Axis } from './spec.js';

const round = (digits: number) => (x: number) => Number(x.toPrecision(digits));
const round15 = round(15);

export function axisValues(core: Core, path: string, axis: Axis): unknown[] {
  let values: unknown[];
  if (Array.isArray(axis)) values = axis;
  else if ('range' in axis) values = Array.from({ length: axis.range[1] }, (_, i) => axis.range[0] + i);
  else if ('linear' in axis) {
    const [from, to, n] = axis.linear;
    values = Array.from({ length: n }, (_, i) => (i === n - 1 ? to : round15(from + (i / Math.max(n - 1, 1)) * (to - from))));
  } else {
    const [from, to, n] = axis.log;
    values = core.scoped(() => {
      const ptr = core.allocF64(n);
      core.exports.logspace(from, to, n, ptr);
      return Array.from(core.f64(ptr, n), round(12));
    });
  }
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const c = canonicalJSON(v);
    const j = seen.get(c);
    if (j !== undefined) throw new ConfigError(`grid["${path}"]`, `repeats a value (values ${j} and ${i} are both ${c}); each cell must be distinct`);
    seen.set(c, i);
  });
  return values;
}
