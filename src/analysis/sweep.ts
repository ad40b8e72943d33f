// Sweeps over ε: the same config run at several learning-rate ratios, and the scaling
// of each component's learning time with ε read off the runs (MODEL.md §6).
import { logCorrectedFit, scalingExponent } from './learning-times.js';
import type { Theory } from './theory.js';
import { parseConfig, type RunConfigInput } from '../config.js';
import { ConfigError } from '../errors.js';
import { run, type RunOptions, type RunResult } from '../run.js';
import { loadCore } from '../wasm/loader.js';

/** The paper's prediction for degree k: t_0 ≍ ε, t_l ≍ ε^{1/(2l)} for l ≥ 1 (MODEL.md §6). */
export function predictedExponent(k: number): number {
  return k === 0 ? 1 : 1 / (2 * k);
}

export interface TimeScaleRow {
  degree: number;
  predicted: number;
  /** t_k at each ε of the sweep (null: not reached). */
  times: (number | null)[];
  /** d log t_k / d log ε between neighbouring ε, increasing ε. */
  localSlopes: { epsilon: number; slope: number }[];
  /** Least-squares log–log fit over the `decades` smallest decades of ε. */
  fit: { slope: number; intercept: number } | null;
  /** t_k = ε^p (A + B ln(1/ε)), p the predicted exponent, fitted over the same ε (null unless p is 1, ½, ¼, …). */
  logFit: { A: number; B: number } | null;
  /**
   * The theory's leading-order A and B (docs/theory.md §4, §5): degree 0, t_0 ≈ c ε (A = c, B = 0);
   * degree 1, its closed forms. null where the theory gives none or none was passed.
   */
  predictedA: number | null;
  predictedB: number | null;
}

/**
 * Learning times per degree across runs at `epsilon` (one learningTimes array per run), with
 * their scaling; `timeScales` (a run's theory.timeScales, the same at every ε) gives the
 * predicted constants.
 */
export function timeScaleTable(epsilon: number[], learningTimes: (number | null)[][], decades = 2, timeScales?: Theory['timeScales']): TimeScaleRow[] {
  const degrees = Math.min(...learningTimes.map((t) => t.length));
  return Array.from({ length: degrees }, (_, k) => {
    const times = learningTimes.map((t) => t[k]);
    const predicted = predictedExponent(k);
    const constants = k === 0 && timeScales?.t0 ? { A: timeScales.t0.c, B: 0 } : k === 1 && timeScales?.t1 ? timeScales.t1 : null;
    return {
      degree: k, predicted, times, ...scalingExponent(epsilon, times, decades),
      logFit: logCorrectedFit(epsilon, times, predicted, decades), predictedA: constants?.A ?? null, predictedB: constants?.B ?? null,
    };
  });
}

export interface SweepResult {
  epsilon: number[];
  runs: RunResult[];
  table: TimeScaleRow[];
}

/**
 * Runs `config` at each ε (any order; reported sorted decreasing). A time spec of the
 * form {end, points} without `start` gets start = min(end·1e-8, ε·1e-3), so that even the
 * fast constant phase (t_0 ≍ ε) is resolved at every ε.
 */
export async function sweepEpsilon(config: RunConfigInput, epsilon: number[], options: RunOptions & { decades?: number; onRun?(epsilon: number, result: RunResult): void } = {}): Promise<SweepResult> {
  const base = parseConfig(config);
  if (epsilon.length < 2 || epsilon.some((e) => !(e > 0) || !Number.isFinite(e))) {
    throw new ConfigError('epsilon', 'a sweep needs at least two finite values > 0', epsilon);
  }
  const twice = epsilon.find((e, i) => epsilon.indexOf(e) !== i);
  if (twice !== undefined) throw new ConfigError('epsilon', `values must be distinct (${twice} is given twice)`, epsilon);
  const sorted = [...epsilon].sort((x, y) => y - x);
  const core = options.core ?? (await loadCore());
  const runs: RunResult[] = [];
  for (const e of sorted) {
    const time = 'at' in base.time || base.time.start !== undefined ? base.time : { ...base.time, start: Math.min(base.time.end * 1e-8, e * 1e-3) };
    const r = await run({ ...base, epsilon: e, time }, { ...options, core });
    runs.push(r);
    options.onRun?.(e, r);
  }
  return { epsilon: sorted, runs, table: timeScaleTable(sorted, runs.map((r) => r.learningTimes), options.decades, runs[0].theory.timeScales) };
}
