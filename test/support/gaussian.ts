// Independent references for Gaussian expectations, in plain JS and sharing no code
// with src/ or assembly/: the Hermite recurrence, erf from its series and continued
// fraction, and tanh–sinh quadrature (Takahasi & Mori 1974) over a truncated line.

const SQRT_2PI = Math.sqrt(2 * Math.PI);

export const pdf = (z: number): number => Math.exp(-0.5 * z * z) / SQRT_2PI;

/** h_0(z)..h_K(z) by the normalized recurrence of MODEL.md §1. */
export function hermiteRow(z: number, K: number): number[] {
  const h = [1, z];
  for (let k = 1; k < K; k++) h.push((z * h[k] - Math.sqrt(k) * h[k - 1]) / Math.sqrt(k + 1));
  return h.slice(0, K + 1);
}

/**
 * erf(x): for |x| < 3 the series (2/√π) e^{−x²} Σ_n 2^n x^{2n+1} / (2n+1)!! (positive
 * terms, no cancellation); beyond, 1 − erfc by the continued fraction (A&S 7.1.14).
 */
export function erfRef(x: number): number {
  const a = Math.abs(x);
  if (a >= 3) return Math.sign(x) * (1 - erfcLarge(a));
  let term = a;
  let sum = a;
  for (let n = 1; term > 1e-18 * sum; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return (Math.sign(x) * 2 * Math.exp(-a * a) * sum) / Math.sqrt(Math.PI);
}

/** erfc(x) for x ≥ 3: e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up. */
export function erfcLarge(x: number): number {
  let f = x;
  for (let n = 200; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export const cdf = (z: number): number => (z < -3 ? 0.5 * erfcLarge(-z / Math.SQRT2) : 0.5 * (1 + erfRef(z / Math.SQRT2)));

/** ∫_a^b g by tanh–sinh with step h in t (nodes cluster at the ends, so endpoint kinks are harmless). */
export function tanhSinh(g: (x: number) => number, a: number, b: number, h = 1 / 64): number {
  const half = (b - a) / 2;
  let sum = 0;
  for (let j = -Math.ceil(4.5 / h); j <= Math.ceil(4.5 / h); j++) {
    const t = j * h;
    const u = (Math.PI / 2) * Math.sinh(t);
    const gap = (b - a) / (1 + Math.exp(2 * Math.abs(u))); // distance to the nearer end
    if (gap === 0) continue;
    const x = t < 0 ? a + gap : b - gap;
    const c = Math.cosh(u);
    sum += (half * (Math.PI / 2) * Math.cosh(t)) / (c * c) * g(x);
  }
  return sum * h;
}

/** E[g(G)] over |z| ≤ 20, split at the given kinks and at a few fixed points. */
export function expect(g: (z: number) => number, kinks: number[] = [], h = 1 / 64): number {
  const breaks = [...new Set([-20, -8, -3, 0, 3, 8, 20, ...kinks.filter((k) => Math.abs(k) < 20)])].sort((x, y) => x - y);
  let sum = 0;
  for (let i = 0; i + 1 < breaks.length; i++) sum += tanhSinh((z) => g(z) * pdf(z), breaks[i], breaks[i + 1], h);
  return sum;
}

/** f_0..f_K = E[f(G) h_k(G)] by `expect`. */
export function hermiteCoefficients(f: (z: number) => number, K: number, kinks: number[] = []): number[] {
  return Array.from({ length: K + 1 }, (_, k) => expect((z) => f(z) * hermiteRow(z, K)[k], kinks));
}
