// Where a component's risk crosses its threshold between two output times (MODEL.md §6),
// computed here so that learning times carry the same bits in every JavaScript engine:
// AssemblyScript's Math is compiled into the module, while the engines' Math.log and
// Math.exp may round differently in the last bit.

/**
 * The time at which R reaches `level` on the segment from (t0, r0) to (t1, r1), with R
 * linear in log t there (the drops are waterfalls on a log-time axis):
 *   log t = log t0 + f·(log t1 − log t0),   f = (r0 − level) / (r0 − r1).
 * Needs 0 < t0 < t1 and r0 > level ≥ r1 (the first output at or below the level and the
 * one before it); then 0 < f ≤ 1, since rounded subtraction is monotone. The result is
 * clamped to [t0, t1], where exp(log ·) may otherwise land an ulp outside, and a crossing
 * exactly at t1 (r1 = level, f = 1) returns t1 itself.
 */
export function logTimeCrossing(t0: f64, r0: f64, t1: f64, r1: f64, level: f64): f64 {
  if (r0 == r1 || r1 == level) return t1;
  const f = (r0 - level) / (r0 - r1);
  const l0 = Math.log(t0);
  const t = Math.exp(l0 + f * (Math.log(t1) - l0));
  return Math.min(Math.max(t, t0), t1);
}
