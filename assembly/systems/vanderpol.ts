// Van der Pol's oscillator with large μ, in the form of the Test Set for IVP Solvers' problem
// VDPOLM (Mazzia & Magherini, Bari, release 2.4):
//   y1' = y2,   y2' = μ (1 − y1²) y2 − y1,
// y(0) = (2, 0). For large μ the solution creeps along the slow curve y2 ≈ y1/(μ(1 − y1²)) and
// jumps at y1 = ±1; the Jacobian's fast eigenvalue is ≈ μ (1 − y1²), stiffness ~μ.
import { entry, small, smallInit, y } from './small';

function rhs(sys: usize, v: usize, dy: usize): void {
  const mu = small(sys).param;
  const y1 = y(v, 0), y2 = y(v, 1);
  store<f64>(dy, y2);
  store<f64>(dy, mu * (1.0 - y1) * (1.0 + y1) * y2 - y1, 8);
}

function jacobian(sys: usize, v: usize): void {
  const S = small(sys);
  const mu = S.param;
  const y1 = y(v, 0), y2 = y(v, 1);
  store<f64>(entry(S, 0, 1), 1.0);
  store<f64>(entry(S, 1, 0), -2.0 * mu * y1 * y2 - 1.0);
  store<f64>(entry(S, 1, 1), mu * (1.0 - y1) * (1.0 + y1));
}

/** Sets up van der Pol's problem with parameter μ (2 unknowns) in the block p (smallSystemBytes(2) long). */
export function vanDerPolInit(p: usize, mu: f64): void {
  smallInit(p, 2, mu, rhs, jacobian);
}
