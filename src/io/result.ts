// The documented JSON and CSV forms of a run's result (the CLI writes these; the API
// returns typed arrays). JSON layout, per output time j and neuron i:
//   t[j], risk[j], mfRisk[j] (network/sgd), loss[j] (multi-pass sgd),
//   components[j][k] = R_k(t_j) for k = 0..degrees, a[j][i], s[j][i] (when kept),
//   initial {risk, components}, learningTimes[k], retcode, message, note, stats, coefficients.
import type { RunResult } from '../run.js';

/** Format version of the result JSON; bumped on any incompatible change. */
export const RESULT_FORMAT = 1;

function rows(x: Float64Array, width: number): number[][] {
  const out: number[][] = [];
  for (let j = 0; j + width <= x.length; j += width) out.push(Array.from(x.subarray(j, j + width)));
  return out;
}

export function resultToJSON(r: RunResult): object {
  const D1 = r.degrees + 1;
  const c = r.coefficients;
  return {
    format: RESULT_FORMAT,
    config: r.config,
    retcode: r.retcode,
    ...(r.message === undefined ? {} : { message: r.message }),
    ...(r.note === undefined ? {} : { note: r.note }),
    t: Array.from(r.t),
    risk: Array.from(r.risk),
    ...(r.mfRisk ? { mfRisk: Array.from(r.mfRisk) } : {}),
    ...(r.loss ? { loss: Array.from(r.loss) } : {}),
    components: rows(r.components, D1),
    ...(r.a ? { a: rows(r.a, r.m) } : {}),
    ...(r.s ? { s: rows(r.s, r.m) } : {}),
    initial: { risk: r.initial.risk, components: Array.from(r.initial.components) },
    learningTimes: r.learningTimes,
    stats: r.stats,
    coefficients: {
      activation: c.activation.label, target: c.target.label,
      sigma: Array.from(c.sigma), phi: Array.from(c.phi),
      truncation: c.sigma.length - 1, kernelTail: c.kernelTail, crossTail: c.crossTail, projectionError: c.projectionError,
    },
  };
}

/** One row per output time: t, risk, [mfRisk], [loss], R_0..R_D. */
export function resultToCSV(r: RunResult): string {
  const D1 = r.degrees + 1;
  const head = ['t', 'risk', ...(r.mfRisk ? ['mfRisk'] : []), ...(r.loss ? ['loss'] : []), ...Array.from({ length: D1 }, (_, k) => `R_${k}`)];
  const lines = [head.join(',')];
  for (let j = 0; j < r.t.length; j++) {
    const row = [r.t[j], r.risk[j], ...(r.mfRisk ? [r.mfRisk[j]] : []), ...(r.loss ? [r.loss[j]] : []), ...r.components.subarray(j * D1, (j + 1) * D1)];
    lines.push(row.map((v) => String(v)).join(','));
  }
  return `${lines.join('\n')}\n`;
}
