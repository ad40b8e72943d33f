// Activation functions σ(z) = act(scale·z + shift) and their derivatives (MODEL.md §1).
// `coef`/`nCoef` carry the coefficients of ACT_POLY (Σ_j c_j u^j) and ACT_HERMITE
// (Σ_k c_k h_k(u)), or the program of ACT_EXPR (assembly/expression.ts); the other codes
// ignore them. Forms are chosen to avoid overflow and cancellation: sigmoid from e^{−|u|},
// softplus as max(u, 0) + log1p(e^{−|u|}), GELU through erfc so that its left tail keeps
// its relative accuracy.
import { erf, INV_SQRT2, normalCdf, normalPdf } from './erf';
import { exprEval } from './expression';

export const ACT_IDENTITY: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_ABS: i32 = 2;
export const ACT_TANH: i32 = 3;
/** erf(u/√2): the odd activation whose kernel is (2/π) arcsin(ρ/2). */
export const ACT_ERF: i32 = 4;
export const ACT_SIGMOID: i32 = 5;
/** log(1 + e^u) */
export const ACT_SOFTPLUS: i32 = 6;
/** u Φ(u) */
export const ACT_GELU: i32 = 7;
/** u·sigmoid(u) */
export const ACT_SILU: i32 = 8;
/** Σ_j c_j u^j */
export const ACT_POLY: i32 = 9;
/** Σ_k c_k h_k(u), h_k the normalized probabilists' Hermite polynomials */
export const ACT_HERMITE: i32 = 10;
/** A user-written expression: `coef` holds its program (assembly/expression.ts) */
export const ACT_EXPR: i32 = 11;

const SQRT_2_OVER_PI: f64 = 0.7978845608028654; // √(2/π) = d/du erf(u/√2) at u = 0

@inline export function sigmoid(u: f64): f64 {
  const e = Math.exp(-Math.abs(u)); // in (0, 1]: never overflows
  return u >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/** log(1 + e^u) without overflow. */
@inline export function softplus(u: f64): f64 {
  return Math.max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)));
}

/** Σ_k c_k h_k(u) by the normalized three-term recurrence; with `deriv`, Σ_k c_k √k h_{k−1}(u). */
@inline function hermiteSum(c: usize, n: i32, u: f64, deriv: bool): f64 {
  let prev = 0.0; // h_{k−1}
  let cur = 1.0; // h_k
  let rk = 0.0; // √k
  let s = 0.0;
  for (let k = 0; k < n; k++) {
    const ck = load<f64>(c + (<usize>k << 3));
    s += deriv ? ck * rk * prev : ck * cur;
    const rk1 = Math.sqrt(<f64>(k + 1));
    const next = (u * cur - rk * prev) / rk1;
    prev = cur;
    cur = next;
    rk = rk1;
  }
  return s;
}

/** Σ_j c_j u^j by Horner's rule; with `deriv`, its derivative in u. */
@inline function polySum(c: usize, n: i32, u: f64, deriv: bool): f64 {
  let s = 0.0;
  if (deriv) {
    for (let j = n - 1; j >= 1; j--) s = s * u + <f64>j * load<f64>(c + (<usize>j << 3));
  } else {
    for (let j = n - 1; j >= 0; j--) s = s * u + load<f64>(c + (<usize>j << 3));
  }
  return s;
}

/** act(u) for the activation `code`. */
@inline function act(code: i32, coef: usize, nCoef: i32, u: f64): f64 {
  switch (code) {
    case ACT_IDENTITY: return u;
    case ACT_RELU: return u > 0 ? u : 0.0;
    case ACT_ABS: return Math.abs(u);
    case ACT_TANH: return Math.tanh(u);
    case ACT_ERF: return erf(u * INV_SQRT2);
    case ACT_SIGMOID: return sigmoid(u);
    case ACT_SOFTPLUS: return softplus(u);
    case ACT_GELU: return u * normalCdf(u);
    case ACT_SILU: return u * sigmoid(u);
    case ACT_POLY: return polySum(coef, nCoef, u, false);
    case ACT_HERMITE: return hermiteSum(coef, nCoef, u, false);
    case ACT_EXPR: return exprEval(coef, nCoef, u, false);
    default: return NaN;
  }
}

/** act'(u); the kinks of ReLU and abs get derivative 0 at u = 0. */
@inline function actDeriv(code: i32, coef: usize, nCoef: i32, u: f64): f64 {
  switch (code) {
    case ACT_IDENTITY: return 1.0;
    case ACT_RELU: return u > 0 ? 1.0 : 0.0;
    case ACT_ABS: return u > 0 ? 1.0 : u < 0 ? -1.0 : 0.0;
    case ACT_TANH: {
      const t = Math.tanh(u);
      return 1.0 - t * t;
    }
    case ACT_ERF: return SQRT_2_OVER_PI * Math.exp(-0.5 * u * u);
    case ACT_SIGMOID: {
      const s = sigmoid(u);
      return s * (1.0 - s);
    }
    case ACT_SOFTPLUS: return sigmoid(u);
    case ACT_GELU: return normalCdf(u) + u * normalPdf(u);
    case ACT_SILU: {
      const s = sigmoid(u);
      return s * (1.0 + u * (1.0 - s));
    }
    case ACT_POLY: return polySum(coef, nCoef, u, true);
    case ACT_HERMITE: return hermiteSum(coef, nCoef, u, true);
    case ACT_EXPR: return exprEval(coef, nCoef, u, true);
    default: return NaN;
  }
}

/** σ(z) = act(scale·z + shift). */
@inline export function activation(code: i32, shift: f64, scale: f64, coef: usize, nCoef: i32, z: f64): f64 {
  return act(code, coef, nCoef, scale * z + shift);
}

/** σ'(z) = scale · act'(scale·z + shift). */
@inline export function activationDeriv(code: i32, shift: f64, scale: f64, coef: usize, nCoef: i32, z: f64): f64 {
  return scale * actDeriv(code, coef, nCoef, scale * z + shift);
}

/** out[i] = σ(x[i]), or σ'(x[i]) when `deriv`, for n points. */
export function activationBulk(
  code: i32, shift: f64, scale: f64, coef: usize, nCoef: i32, x: usize, out: usize, n: i32, deriv: bool,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const z = load<f64>(x + o);
    store<f64>(out + o, deriv
      ? activationDeriv(code, shift, scale, coef, nCoef, z)
      : activation(code, shift, scale, coef, nCoef, z));
  }
}
