// Prothero & Robinson's test equation (Math. Comp. 28 (1974) 145–162; Hairer–Wanner II, §IV.15):
//   y' = λ (y − g(t)) + g'(t),  g(t) = sin t,
// whose solution from y(0) = g(0) is y = g(t) exactly, whatever λ; with λ ≪ −1 it exposes order
// reduction on stiff problems. Made autonomous with t as the second unknown (t' = 1), as the
// System interface asks: J = [[λ, −λ cos t − sin t], [0, 0]].
import { entry, small, smallInit, y } from './small';

function rhs(sys: usize, v: usize, dy: usize): void {
  const lambda = small(sys).param;
  const u = y(v, 0), t = y(v, 1);
  store<f64>(dy, lambda * (u - Math.sin(t)) + Math.cos(t));
  store<f64>(dy, 1.0, 8);
}

function jacobian(sys: usize, v: usize): void {
  const S = small(sys);
  const t = y(v, 1);
  store<f64>(entry(S, 0, 0), S.param);
  store<f64>(entry(S, 0, 1), -S.param * Math.cos(t) - Math.sin(t));
}

/** Sets up Prothero–Robinson with parameter λ (unknowns y, t) in the block p (smallSystemBytes(2) long). */
export function protheroRobinsonInit(p: usize, lambda: f64): void {
  smallInit(p, 2, lambda, rhs, jacobian);
}
