// Robertson's chemical kinetics (Robertson 1966; Hairer–Wanner II, §IV.1, (1.4)), the classic
// stiff test with rate constants spanning nine orders of magnitude:
//   y1' = −0.04 y1 + 1e4 y2 y3,   y2' = 0.04 y1 − 1e4 y2 y3 − 3e7 y2²,   y3' = 3e7 y2²,
// y(0) = (1, 0, 0). Reference values are in test/stiff-set.test.ts.
import { entry, small, smallInit, y } from './small';

function rhs(sys: usize, v: usize, dy: usize): void {
  const y1 = y(v, 0), y2 = y(v, 1), y3 = y(v, 2);
  const slow = 0.04 * y1 - 1e4 * y2 * y3;
  const fast = 3e7 * y2 * y2;
  store<f64>(dy, -slow);
  store<f64>(dy, slow - fast, 8);
  store<f64>(dy, fast, 16);
}

function jacobian(sys: usize, v: usize): void {
  const S = small(sys);
  const y2 = y(v, 1), y3 = y(v, 2);
  store<f64>(entry(S, 0, 0), -0.04);
  store<f64>(entry(S, 0, 1), 1e4 * y3);
  store<f64>(entry(S, 0, 2), 1e4 * y2);
  store<f64>(entry(S, 1, 0), 0.04);
  store<f64>(entry(S, 1, 1), -1e4 * y3 - 6e7 * y2);
  store<f64>(entry(S, 1, 2), -1e4 * y2);
  store<f64>(entry(S, 2, 1), 6e7 * y2);
}

/** Sets up Robertson's problem (3 unknowns) in the block p (smallSystemBytes(3) long). */
export function robertsonInit(p: usize): void {
  smallInit(p, 3, 0.0, rhs, jacobian);
}
