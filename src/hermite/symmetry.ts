// Hermite coefficients that vanish exactly, known before any quadrature. h_k has the parity
// of k (h_k(−z) = (−1)^k h_k(z)), so an odd function has f_k = 0 at every even k and an even
// one at every odd k; a polynomial of degree n has f_k = 0 for k > n. A quadrature returns
// these zeros only up to rounding (erf: f_0 ≈ −2e−18), and a rounding-sized σ_0 gives the
// constant component a spurious learning time: the zeros are therefore set exactly.
import { ACTIVATION_CODES, type Activation } from './activation.js';

/** f_k = 0 for k ≥ from with k ≡ parity (mod 2). */
interface ZeroRule {
  parity: 0 | 1;
  from: number;
}

/**
 * The parity rules of the unshifted named activations. Each is odd or even after removing
 * a constant or linear part (which only touches f_0 or f_1):
 *   tanh, erf, identity: odd;  abs: even;  sigmoid − ½: odd;
 *   relu − z/2 = |z|/2, softplus − z/2 = log(2 cosh(z/2)), gelu − z/2 = z(Φ(z) − ½),
 *   silu − z/2 = z(sigmoid(z) − ½): even.
 * act(c z) keeps the parity of act for any scale c ≠ 0; a shift breaks it.
 */
const NAMED: Partial<Record<number, ZeroRule>> = {
  [ACTIVATION_CODES.identity]: { parity: 0, from: 0 },
  [ACTIVATION_CODES.tanh]: { parity: 0, from: 0 },
  [ACTIVATION_CODES.erf]: { parity: 0, from: 0 },
  [ACTIVATION_CODES.abs]: { parity: 1, from: 1 },
  [ACTIVATION_CODES.sigmoid]: { parity: 0, from: 2 },
  [ACTIVATION_CODES.relu]: { parity: 1, from: 3 },
  [ACTIVATION_CODES.softplus]: { parity: 1, from: 3 },
  [ACTIVATION_CODES.gelu]: { parity: 1, from: 3 },
  [ACTIVATION_CODES.silu]: { parity: 1, from: 3 },
};

/** Parity of a polynomial Σ c_j u^j in u = scale·z (unshifted): odd if only odd powers are present, even if only even ones. */
function polynomialRule(params: Float64Array): ZeroRule | null {
  let odd = false;
  let even = false;
  params.forEach((c, j) => {
    if (c !== 0) {
      if (j % 2) odd = true;
      else even = true;
    }
  });
  if (odd && even) return null;
  return { parity: odd ? 0 : 1, from: 0 };
}

/**
 * Degrees k ≤ K at which the activation's Hermite coefficient is exactly 0 by its parity or
 * its degree. Hermite lists are exact as given and get none here; functions without a known
 * symmetry (a shifted activation, an expression that is not a polynomial) get none.
 */
export function symmetryZeros(a: Activation, K: number): number[] {
  const rules: ZeroRule[] = [];
  let degree = Infinity;
  if (a.code === ACTIVATION_CODES.polynomial) {
    degree = a.params.length - 1;
    const rule = a.shift === 0 ? polynomialRule(a.params) : null;
    if (rule) rules.push(rule);
  } else if (a.expression) {
    degree = a.expression.compiled.degree ?? Infinity; // a polynomial expression vanishes beyond its degree
  } else if (a.code === ACTIVATION_CODES.identity) {
    degree = 1;
    if (a.shift === 0) rules.push(NAMED[a.code]!);
  } else if (a.code !== ACTIVATION_CODES.hermite && a.shift === 0) {
    const rule = NAMED[a.code];
    if (rule) rules.push(rule);
  }
  const zeros: number[] = [];
  for (let k = 0; k <= K; k++) {
    if (k > degree || rules.some((r) => k >= r.from && k % 2 === r.parity)) zeros.push(k);
  }
  return zeros;
}
