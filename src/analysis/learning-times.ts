// Reading time scales off a trajectory: learning times of the Hermite components and
// scaling exponents of those times across a sweep of ε (MODEL.md §6).
import type { Core } from '../wasm/loader.js';
import { log } from './log.js';

/**
 * Learning time of each component k = 0..D: the first time t with R_k(t) ≤ θ·R_k(0),
 * located between output times by linear interpolation of R_k against log t (the
 * drops are waterfalls on a log-time axis). `initial` holds R_k(0). null: not reached by
 * the last output time, or nothing to learn (a component that is zero from the start has
 * no learning time; 0 would read as "learnt instantly" and bias fits of t_k against ε).
 * A crossing before the first positive output time is reported as that time (log t has
 * no point at 0 to interpolate from). The interpolation runs in the
 * core (assembly/analysis/learning-times.ts), so t_k has the same bits in every engine.
 */
export function learningTimes(core: Core, t: Float64Array, components: Float64Array, initial: Float64Array, threshold: number): (number | null)[] {
  const D1 = initial.length;
  const out: (number | null)[] = [];
  for (let k = 0; k < D1; k++) {
    const level = threshold * initial[k];
    if (initial[k] === 0) {
      out.push(null);
      continue;
    }
    let found: number | null = null;
    for (let j = 0; j < t.length && found === null; j++) {
      const r = components[j * D1 + k];
      if (r > level) continue;
      const rPrev = j === 0 ? initial[k] : components[(j - 1) * D1 + k];
      const tPrev = j === 0 ? 0 : t[j - 1];
      found = tPrev > 0 ? core.exports.logTimeCrossing(tPrev, rPrev, t[j], r, level) : t[j];
    }
    out.push(found);
  }
  return out;
}

/** Least-squares slope and intercept of log y against log x over the given points (log.ts: the same bits in every engine). */
export function logLogFit(x: number[], y: number[]): { slope: number; intercept: number } {
  const n = x.length;
  if (n < 2) throw new RangeError('logLogFit needs at least two points');
  const lx = x.map((v) => log(v));
  const ly = y.map((v) => log(v));
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = lx[i] - mx;
    sxy += dx * (ly[i] - my);
    sxx += dx * dx;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * Scaling of a time scale with ε across a sweep: local slopes d log t / d log ε between
 * neighbouring ε (sorted increasing), and a fit over the `decades` smallest decades of ε,
 * where the asymptotic exponent is approached (MODEL.md §6). Points with t null are skipped.
 */
export function scalingExponent(epsilon: number[], times: (number | null)[], decades = 2): { localSlopes: { epsilon: number; slope: number }[]; fit: { slope: number; intercept: number } | null } {
  const pts = epsilon.map((e, i) => [e, times[i]] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null && p[1] > 0)
    .sort((a, b) => a[0] - b[0]);
  const localSlopes = pts.slice(1).map(([e1, t1], i) => {
    const [e0, t0] = pts[i];
    return { epsilon: Math.sqrt(e0 * e1), slope: log(t1 / t0) / log(e1 / e0) };
  });
  const smallest = pts.filter(([e]) => e <= pts[0][0] * 10 ** decades * (1 + 1e-12));
  const fit = smallest.length >= 2 ? logLogFit(smallest.map((p) => p[0]), smallest.map((p) => p[1])) : null;
  return { localSlopes, fit };
}

/** ε^p for p = 1, ½, ¼, … by repeated square roots (correctly rounded in every engine); null for other p. */
function epsilonPower(e: number, p: number): number | null {
  let v = e;
  for (let q = 1; q >= p; q /= 2) {
    if (q === p) return v;
    v = Math.sqrt(v);
  }
  return null;
}

/**
 * The power law with its log correction, t = ε^p (A + B ln(1/ε)), fitted by least squares of
 * t/ε^p against ln(1/ε) over the `decades` smallest decades of ε (docs/theory.md §5: t_1 has
 * this form with p = ½). null with fewer than two points or for p not 1, ½, ¼, ….
 */
export function logCorrectedFit(epsilon: number[], times: (number | null)[], p: number, decades = 2): { A: number; B: number } | null {
  const pts = epsilon.map((e, i) => [e, times[i]] as const)
    .filter((q): q is readonly [number, number] => q[1] !== null && q[1] > 0);
  if (pts.length === 0) return null;
  const smallest = Math.min(...pts.map((q) => q[0]));
  const used = pts.filter(([e]) => e <= smallest * 10 ** decades * (1 + 1e-12));
  if (used.length < 2 || epsilonPower(1, p) === null) return null;
  const x = used.map(([e]) => -log(e));
  const y = used.map(([e, t]) => t / epsilonPower(e, p)!);
  const n = x.length;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const B = sxy / sxx;
  return { A: my - B * mx, B };
}
