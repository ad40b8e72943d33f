// Hermite expansions f = Σ_k f_k h_k in L²(γ), h_k = He_k/√k! (MODEL.md §1), and the
// quadrature rules behind them. Nodes, weights, activation values and sums come from
// Wasm; this file picks the rule, places panel edges, compares rules for the error
// estimate and evaluates a JS callback at the nodes.
import { ACTIVATION_CODES, type Activation } from './activation.js';
import { ConfigError } from '../errors.js';
import { symmetryZeros } from './symmetry.js';
import type { Core } from '../wasm/loader.js';

export interface Projection {
  /** f_0..f_K, f_k = E[f(G) h_k(G)]. */
  coefficients: Float64Array;
  /** ‖f‖² = E f(G)², for the tail bounds of the kernels. */
  norm2: number;
  /** Estimated bound on the error of each coefficient and of norm2. */
  errorBound: number;
  /** Degrees whose coefficient is exactly 0 by the function's parity or degree (symmetry.ts), set so. */
  zeros: number[];
  /** Other degrees whose coefficient the rule cannot tell from 0 (|f_k| ≤ errorBound): reported as 0. */
  unresolved: number[];
}

/** A projection before exact zeros are set. */
type Sums = Omit<Projection, 'zeros' | 'unresolved'>;

export interface ProjectOptions {
  /** Points where a callback is not smooth: a split Gauss–Legendre rule is used instead of Gauss–Hermite. */
  kinks?: readonly number[];
  /** Target error of the adaptive rules (default 1e-13 · max(1, ‖f‖)). */
  tolerance?: number;
}

export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

export const MAX_DEGREE = 1000;
/** The adaptive projection stops doubling its Gauss–Hermite rule beyond this many nodes. */
const MAX_NODES = 1024;
/** |z| beyond which the split rule drops the line: |h_k φ| ≤ 0.44 e^{−z²/4} (Cramér), e^{−64} ≈ 1.6e−28. */
const TRUNCATION = 16;
/** Gauss–Legendre nodes per panel of the split rule. */
const PANEL_NODES = 20;

const ruleCache = new WeakMap<Core, Map<number, QuadratureRule>>();

/** The cached n-node Gauss–Hermite rule of `core` (shared arrays: do not modify). */
function cachedGaussHermite(core: Core, n: number): QuadratureRule {
  let rules = ruleCache.get(core);
  if (!rules) ruleCache.set(core, (rules = new Map()));
  let rule = rules.get(n);
  if (!rule) {
    rule = core.scoped(() => {
      const x = core.allocF64(n);
      const w = core.allocF64(n);
      const status = core.exports.gaussHermite(n, x, w, core.allocF64(n));
      if (status !== 0) throw new Error(`Gauss–Hermite: QL iteration failed for n = ${n}`);
      return { nodes: core.f64(x, n).slice(), weights: core.f64(w, n).slice() };
    });
    rules.set(n, rule);
  }
  return rule;
}

function checkCount(v: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(field, `must be an integer in [${min}, ${max}]`, v);
}

/**
 * The n-node Gauss–Hermite rule for E[f(G)], G ~ N(0, 1): nodes ascending, weights
 * summing to 1, exact for polynomials of degree ≤ 2n − 1. n in [1, 4096]; weights of
 * the outermost nodes underflow to 0 for n ≳ 700.
 */
export function gaussHermite(core: Core, n: number): QuadratureRule {
  checkCount(n, 'n', 1, 4096);
  const rule = cachedGaussHermite(core, n);
  return { nodes: rule.nodes.slice(), weights: rule.weights.slice() };
}

/**
 * h_k(x_i) for k = 0..K, degree-major: entry k·n + i. With `scaled`, ψ_k = h_k e^{−x²/4}
 * (bounded by ~1.09), which avoids the overflow of h_k at large |x| and k.
 */
export function hermiteValues(core: Core, x: ArrayLike<number>, K: number, scaled = false): Float64Array {
  checkCount(K, 'degree', 0, MAX_DEGREE);
  const n = x.length;
  return core.scoped(() => {
    const px = core.put(x);
    const out = core.allocF64((K + 1) * n);
    core.exports.hermiteValues(px, n, K, out, scaled);
    return core.f64(out, (K + 1) * n).slice();
  });
}

type Integrand = Activation | ((z: number) => number);

/** Σ_i w_i f(x_i) h_k(x_i), k = 0..K, and Σ_i w_i f(x_i)², over `rule`. */
function projectOn(core: Core, f: Integrand, rule: QuadratureRule, K: number): { c: Float64Array; norm2: number } {
  const n = rule.nodes.length;
  return core.scoped(() => {
    const x = core.put(rule.nodes);
    const w = core.put(rule.weights);
    const fx = core.allocF64(n);
    if (typeof f === 'function') {
      const values = rule.nodes.map((z) => f(z));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new ConfigError('f', 'must return finite values', { z: rule.nodes[bad], value: values[bad] });
      core.f64(fx, n).set(values);
    } else {
      core.exports.activationBulk(f.code, f.shift, f.scale, core.put(f.params), f.params.length, x, fx, n, false);
      if (f.expression) refuseNonFinite(f.expression.field, rule.nodes, core.f64(fx, n));
    }
    const out = core.allocF64(K + 1);
    const norm2 = core.exports.hermiteProject(x, w, fx, n, K, out, core.allocF64(3 * n));
    return { c: core.f64(out, K + 1).slice(), norm2 };
  });
}

/**
 * Throws ConfigError naming `field` at the first z where an expression is NaN or ±∞: a
 * projection needs f finite wherever its rule evaluates it (log(z) is NaN for z < 0, 1/z
 * infinite at 0, exp(z^3) overflows far out).
 */
function refuseNonFinite(field: string, nodes: ArrayLike<number>, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ConfigError(field, `must be finite wherever the Hermite projection evaluates it (z in [−${TRUNCATION}, ${TRUNCATION}] and the Gauss–Hermite nodes); at z = ${nodes[i]} it is ${values[i]}`);
    }
  }
}

/** Points z = j/8 on [−16, 16] (0 and the integers among them), where an expression must be finite before it is projected. */
const CHECK_POINTS = Float64Array.from({ length: 16 * TRUNCATION + 1 }, (_, j) => (j - 8 * TRUNCATION) / 8);

/** Rounding error of a sum of K + 1 products of size ~‖f‖: the floor of every estimate. */
function roundingBound(K: number, norm2: number): number {
  return 8 * Number.EPSILON * (K + 2) * Math.sqrt(Math.max(norm2, 1));
}

type RuleSums = ReturnType<typeof projectOn>;

/** `fine` as the projection, `diff` its largest difference from `coarse` (coefficients and ‖f‖²): the error estimate. */
function compareRules(coarse: RuleSums, fine: RuleSums, K: number): { projection: Sums; diff: number } {
  let diff = Math.abs(coarse.norm2 - fine.norm2);
  for (let k = 0; k <= K; k++) diff = Math.max(diff, Math.abs(coarse.c[k] - fine.c[k]));
  return { projection: { coefficients: fine.c, norm2: fine.norm2, errorBound: Math.max(diff, roundingBound(K, fine.norm2)) }, diff };
}

/**
 * Gauss–Hermite with n, 2n, 4n, … nodes until two successive rules agree to `tol`.
 * Its rate is set by the poles of f nearest the real axis (tanh(cz): ±iπ/(2c)); when it
 * stalls, a composite Gauss–Legendre rule on short panels, which resolves them, is tried.
 */
function adaptiveProjection(core: Core, f: Integrand, K: number, tolerance: number | undefined): Sums {
  let n = Math.max(100, 2 * K);
  let coarse = projectOn(core, f, cachedGaussHermite(core, n), K);
  for (;;) {
    n *= 2;
    const fine = projectOn(core, f, cachedGaussHermite(core, n), K);
    const { projection: result, diff } = compareRules(coarse, fine, K);
    if (diff <= (tolerance ?? 1e-13 * Math.max(1, Math.sqrt(fine.norm2)))) return result;
    if (2 * n > MAX_NODES) {
      const split = splitProjection(core, f, K, []);
      return split.errorBound < result.errorBound ? split : result;
    }
    coarse = fine;
  }
}

/** Composite Gauss–Legendre rule on [−16, 16], panels of width ≤ h, breaking at every kink. */
function splitRule(core: Core, kinks: readonly number[], h: number): QuadratureRule {
  const breaks = [-TRUNCATION, ...kinks.filter((z) => Math.abs(z) < TRUNCATION), TRUNCATION].sort((a, b) => a - b);
  const edges: number[] = [breaks[0]];
  for (let j = 0; j + 1 < breaks.length; j++) {
    const [a, b] = [breaks[j], breaks[j + 1]];
    const panels = Math.ceil((b - a) / h);
    for (let i = 1; i <= panels; i++) edges.push(i === panels ? b : a + ((b - a) * i) / panels);
  }
  const n = PANEL_NODES * (edges.length - 1);
  return core.scoped(() => {
    const rx = core.allocF64(PANEL_NODES);
    const rw = core.allocF64(PANEL_NODES);
    core.exports.gaussLegendre(PANEL_NODES, rx, rw);
    const x = core.allocF64(n);
    const w = core.allocF64(n);
    core.exports.gaussianPanels(core.put(edges), edges.length, PANEL_NODES, rx, rw, x, w);
    return { nodes: core.f64(x, n).slice(), weights: core.f64(w, n).slice() };
  });
}

/** Split rule with panels of width h and h/2; the difference is the estimate. */
function splitProjection(core: Core, f: Integrand, K: number, kinks: readonly number[]): Sums {
  const h = Math.min(0.5, 4 / Math.sqrt(K + 1)); // h_k oscillates with wavelength ~ 2π/√k
  const coarse = projectOn(core, f, splitRule(core, kinks, h), K);
  const fine = projectOn(core, f, splitRule(core, kinks, h / 2), K);
  return compareRules(coarse, fine, K).projection;
}

/** Degree of a polynomial activation in z, or −1 if it is not one. */
function polynomialDegree(a: Activation): number {
  if (a.code === ACTIVATION_CODES.identity) return 1;
  if (a.expression) return a.expression.compiled.degree ?? -1;
  if (a.code === ACTIVATION_CODES.polynomial || a.code === ACTIVATION_CODES.hermite) return a.params.length - 1;
  return -1;
}

/**
 * Hermite coefficients f_0..f_K of an activation or of any function of one variable,
 * with ‖f‖² and an error estimate. Methods: exact closed forms for relu and abs (any
 * shift and scale) and for Hermite lists; a Gauss rule exact for polynomials; adaptive
 * Gauss–Hermite (rules of n and 2n nodes, n ≥ 100, compared) for smooth functions; a
 * split Gauss–Legendre rule on [−16, 16] for a callback with `options.kinks` or an
 * expression with kinks (which must then be negligible there: |f(z)| e^{−z²/4} small
 * beyond |z| = 16). An expression must be finite on [−16, 16] and at every node used.
 * K in [0, 1000]; throws ConfigError otherwise.
 */
export function project(core: Core, f: Integrand, K: number, options: ProjectOptions = {}): Projection {
  checkCount(K, 'degree', 0, MAX_DEGREE);
  const p = projectSums(core, f, K, options);
  const exact = typeof f === 'function' ? [] : symmetryZeros(f, K);
  for (const k of exact) p.coefficients[k] = 0;
  // a Hermite list is exact as given; elsewhere a coefficient within the error of 0 is reported as 0
  const listed = typeof f !== 'function' && f.code === ACTIVATION_CODES.hermite && f.shift === 0 && f.scale === 1;
  const unresolved: number[] = [];
  if (!listed) {
    p.coefficients.forEach((c, k) => {
      if (c !== 0 && Math.abs(c) <= p.errorBound) {
        unresolved.push(k);
        p.coefficients[k] = 0;
      }
    });
  }
  return { ...p, zeros: exact, unresolved };
}

/** The projection as its rule computes it, before exact zeros are set. */
function projectSums(core: Core, f: Integrand, K: number, options: ProjectOptions): Sums {
  if (typeof f === 'function') {
    return options.kinks?.length ? splitProjection(core, f, K, options.kinks) : adaptiveProjection(core, f, K, options.tolerance);
  }
  if (f.code === ACTIVATION_CODES.relu || f.code === ACTIVATION_CODES.abs) {
    return core.scoped(() => {
      const out = core.allocF64(K + 1);
      const norm2 = core.exports.kinkCoefficients(f.code, f.shift, f.scale, K, out);
      return { coefficients: core.f64(out, K + 1).slice(), norm2, errorBound: roundingBound(K, norm2) };
    });
  }
  if (f.code === ACTIVATION_CODES.hermite && f.shift === 0 && f.scale === 1) {
    const coefficients = new Float64Array(K + 1);
    coefficients.set(f.params.subarray(0, K + 1));
    const norm2 = f.params.reduce((s, c) => s + c * c, 0);
    return { coefficients, norm2, errorBound: roundingBound(K, norm2) };
  }
  if (f.expression) {
    const { field } = f.expression;
    core.scoped(() => {
      const n = CHECK_POINTS.length;
      const fx = core.allocF64(n);
      core.exports.activationBulk(f.code, f.shift, f.scale, core.put(f.params), f.params.length, core.put(CHECK_POINTS), fx, n, false);
      refuseNonFinite(field, CHECK_POINTS, core.f64(fx, n));
    });
  }
  const degree = polynomialDegree(f);
  if (degree > MAX_DEGREE) throw new ConfigError('activation', `polynomial degree must be ≤ ${MAX_DEGREE}`, degree);
  if (degree >= 0) {
    // n nodes integrate degree 2n − 1 exactly; f h_k has degree ≤ degree + K, f² has 2·degree
    const n = Math.max(1, Math.ceil((Math.max(degree + K, 2 * degree) + 1) / 2));
    const { c, norm2 } = projectOn(core, f, cachedGaussHermite(core, n), K);
    return { coefficients: c, norm2, errorBound: roundingBound(K, norm2) };
  }
  const kinks = f.expression?.compiled.kinks ?? [];
  return kinks.length ? splitProjection(core, f, K, kinks) : adaptiveProjection(core, f, K, options.tolerance);
}
