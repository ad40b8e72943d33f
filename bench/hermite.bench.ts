// Hermite toolkit: the projection reduction (K = 32 on a 200-node Gauss–Hermite rule)
// and bulk kernel evaluation over 1e5 points, SIMD Wasm vs scalar Wasm vs the same
// algorithm in plain TypeScript (bench/plain/hermite.ts).
import { resolveActivation } from '../src/hermite/activation.js';
import { gaussHermite, project } from '../src/hermite/projection.js';
import { dotKernel } from '../src/hermite/kernels.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { table, time, type Row } from './lib.js';
import * as plain from './plain/hermite.js';

const K = 32;
const NODES = 200;
const POINTS = 100_000;

interface Case {
  name: string;
  wasm: (core: Core) => () => unknown;
  plain: () => unknown;
}

export async function run(): Promise<string> {
  const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);
  const tanh = resolveActivation('tanh');
  const { nodes, weights } = gaussHermite(simd, NODES);
  const fx = nodes.map(Math.tanh);
  const rho = Float64Array.from({ length: POINTS }, (_, i) => -1 + (2 * i) / (POINTS - 1));
  const series = dotKernel(tanh, project(simd, tanh, 40)); // U as a degree-40 series
  const relu = dotKernel(resolveActivation('relu'), project(simd, resolveActivation('relu'), 2));
  const out = new Float64Array(POINTS);
  const coef = new Float64Array(K + 1);

  // Buffers placed once per core; the timed call is the kernel alone.
  const projection = (core: Core) => {
    const [x, w, f, o, s] = [core.put(nodes), core.put(weights), core.put(fx), core.allocF64(K + 1), core.allocF64(3 * NODES)];
    return () => core.exports.hermiteProject(x, w, f, NODES, K, o, s);
  };
  const bulk = (kind: number, gain: number, c: Float64Array) => (core: Core) => {
    const [pc, px, po] = [core.put(c), core.put(rho), core.allocF64(POINTS)];
    return () => core.exports.kernelBulk(kind, gain, pc, c.length - 1, px, po, POINTS, false);
  };
  const cases: Case[] = [
    { name: `projection reduce, K = ${K}, n = ${NODES}`, wasm: projection, plain: () => plain.hermiteProject(nodes, weights, fx, K, coef) },
    { name: `U series (K = 40), ${POINTS} points`, wasm: bulk(series.kind, series.gain, series.coefficients), plain: () => plain.seriesBulk(series.coefficients, rho, out) },
    { name: `U ReLU closed form, ${POINTS} points`, wasm: bulk(relu.kind, relu.gain, relu.coefficients), plain: () => plain.reluKernelBulk(rho, out) },
    { name: `project(tanh, K = ${K}) end to end`, wasm: (core) => () => project(core, tanh, K), plain: () => null },
  ];

  const rows: Row[] = [];
  for (const c of cases) {
    const [ts, tr] = [simd, scalar].map((core) => core.scoped(() => time(c.wasm(core)).seconds));
    const tp = c.name.includes('end to end') ? NaN : time(c.plain).seconds;
    rows.push({
      case: c.name,
      'SIMD µs': ts * 1e6,
      'scalar µs': tr * 1e6,
      'plain TS µs': Number.isNaN(tp) ? '—' : tp * 1e6,
      'scalar / SIMD': tr / ts,
      'plain / SIMD': Number.isNaN(tp) ? '—' : tp / ts,
    });
  }
  return `## Hermite toolkit\n\nMedian time per call; ratios > 1 mean SIMD Wasm is faster. ` +
    `The end-to-end row includes evaluating tanh at the nodes of two Gauss–Hermite rules (100 and 200 nodes, cached) and copying.\n\n${table(rows)}`;
}
