// HIRES, "High Irradiance RESponse" of photomorphogenesis (Schäfer 1975; Hairer–Wanner II, §IV.10;
// problem HIRES of the Test Set for IVP Solvers, Bari): 8 linear-plus-one-bilinear reactions,
// y(0) = (1, 0, 0, 0, 0, 0, 0, 0.0057), t ∈ [0, 321.8122].
import { entry, small, smallInit, y } from './small';

function rhs(sys: usize, v: usize, dy: usize): void {
  const y1 = y(v, 0), y2 = y(v, 1), y3 = y(v, 2), y4 = y(v, 3);
  const y5 = y(v, 4), y6 = y(v, 5), y7 = y(v, 6), y8 = y(v, 7);
  const r = 280.0 * y6 * y8;
  store<f64>(dy, -1.71 * y1 + 0.43 * y2 + 8.32 * y3 + 0.0007);
  store<f64>(dy, 1.71 * y1 - 8.75 * y2, 8);
  store<f64>(dy, -10.03 * y3 + 0.43 * y4 + 0.035 * y5, 16);
  store<f64>(dy, 8.32 * y2 + 1.71 * y3 - 1.12 * y4, 24);
  store<f64>(dy, -1.745 * y5 + 0.43 * y6 + 0.43 * y7, 32);
  store<f64>(dy, -r + 0.69 * y4 + 1.71 * y5 - 0.43 * y6 + 0.69 * y7, 40);
  store<f64>(dy, r - 1.81 * y7, 48);
  store<f64>(dy, -r + 1.81 * y7, 56);
}

function jacobian(sys: usize, v: usize): void {
  const S = small(sys);
  const y6 = y(v, 5), y8 = y(v, 7);
  store<f64>(entry(S, 0, 0), -1.71);
  store<f64>(entry(S, 0, 1), 0.43);
  store<f64>(entry(S, 0, 2), 8.32);
  store<f64>(entry(S, 1, 0), 1.71);
  store<f64>(entry(S, 1, 1), -8.75);
  store<f64>(entry(S, 2, 2), -10.03);
  store<f64>(entry(S, 2, 3), 0.43);
  store<f64>(entry(S, 2, 4), 0.035);
  store<f64>(entry(S, 3, 1), 8.32);
  store<f64>(entry(S, 3, 2), 1.71);
  store<f64>(entry(S, 3, 3), -1.12);
  store<f64>(entry(S, 4, 4), -1.745);
  store<f64>(entry(S, 4, 5), 0.43);
  store<f64>(entry(S, 4, 6), 0.43);
  store<f64>(entry(S, 5, 3), 0.69);
  store<f64>(entry(S, 5, 4), 1.71);
  store<f64>(entry(S, 5, 5), -280.0 * y8 - 0.43);
  store<f64>(entry(S, 5, 6), 0.69);
  store<f64>(entry(S, 5, 7), -280.0 * y6);
  store<f64>(entry(S, 6, 5), 280.0 * y8);
  store<f64>(entry(S, 6, 6), -1.81);
  store<f64>(entry(S, 6, 7), 280.0 * y6);
  store<f64>(entry(S, 7, 5), -280.0 * y8);
  store<f64>(entry(S, 7, 6), 1.81);
  store<f64>(entry(S, 7, 7), -280.0 * y6);
}

/** Sets up HIRES (8 unknowns) in the block p (smallSystemBytes(8) long). */
export function hiresInit(p: usize): void {
  smallInit(p, 8, 0.0, rhs, jacobian);
}
