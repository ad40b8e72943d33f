// The dot-product kernels of MODEL.md §2, U(ρ) = E[σ(G1) σ(G2)] = Σ_k σ_k² ρ^k and
// V(s) = E[φ(G1) σ(G2)] = Σ_k φ_k σ_k s^k, as a closed form when one is exact, else as a
// truncated series with an a-priori bound on what the truncation drops.
import { ACTIVATION_CODES, KERNEL_KINDS, type Activation } from './activation.js';
import { ConfigError } from '../errors.js';
import { extend } from '../extend.js';
import type { Projection as Full } from './projection.js';

/** What the kernel bounds read of a projection. */
type Projection = Pick<Full, 'coefficients' | 'norm2' | 'errorBound'>;
import type { Core } from '../wasm/loader.js';

export interface Kernel {
  /** KERNEL_KINDS: series, or a closed form times `gain`. */
  kind: number;
  gain: number;
  /** Series coefficients c_0..c_K (for closed forms too, so moment forms can use them). */
  coefficients: Float64Array;
  /**
   * Σ_{k>K} |c_k| ≤ tail: what the truncated series misses on |x| ≤ 1. kernelValues
   * evaluates closed forms exactly; the tail then matters only to users of `coefficients`.
   */
  tail: number;
}

const SERIES = { kind: KERNEL_KINDS.series, gain: 1 };

/** Σ_{k>K} σ_k² from Parseval, plus room for the rounding of that difference. */
function tailMass(p: Projection): number {
  let head = 0;
  for (const c of p.coefficients) head += c * c;
  return Math.max(0, p.norm2 - head) + 4 * Number.EPSILON * (p.coefficients.length + 1) * p.norm2;
}

/**
 * U for the activation σ with Hermite coefficients `sigma` (from project): the closed
 * form when σ has one (ReLU with shift 0, erf with shift 0 and scale ±1), else the
 * series Σ σ_k² ρ^k with tail ‖σ‖² − Σ_{k≤K} σ_k².
 */
export function dotKernel(activation: Activation, sigma: Projection): Kernel {
  const coefficients = sigma.coefficients.map((c) => c * c);
  return extend(activation.kernel ?? SERIES, { coefficients, tail: tailMass(sigma) });
}

/** The closed form of E[φ(G1) σ(G2)] when φ and σ are both ReLU or both erf without shift, else null. */
function closedCross(target: Activation, activation: Activation): { kind: number; gain: number } | null {
  if (!target.kernel || !activation.kernel || target.kernel.kind !== activation.kernel.kind) return null;
  const sign = Math.sign(target.scale) * Math.sign(activation.scale);
  // relu(az) relu(bz′) = |ab| relu(±z) relu(±z′): the ReLU kernel only when the signs agree
  if (activation.code === ACTIVATION_CODES.relu) return sign > 0 ? { kind: KERNEL_KINDS.relu, gain: target.scale * activation.scale } : null;
  return { kind: KERNEL_KINDS.erf, gain: sign }; // erf is odd
}

/**
 * V for target φ and activation σ, with coefficients from project (truncated to the
 * shorter of the two): closed form when exact, else Σ φ_k σ_k s^k with the
 * Cauchy–Schwarz tail bound √(tail_φ · tail_σ). Pass `target = null` for a callback target.
 */
export function crossKernel(target: Activation | null, phi: Projection, activation: Activation, sigma: Projection): Kernel {
  const K = Math.min(phi.coefficients.length, sigma.coefficients.length) - 1;
  const coefficients = new Float64Array(K + 1).map((_, k) => phi.coefficients[k] * sigma.coefficients[k]);
  const cut = (p: Projection): Projection => extend(p, { coefficients: p.coefficients.subarray(0, K + 1) });
  const tail = Math.sqrt(tailMass(cut(phi)) * tailMass(cut(sigma)));
  return extend((target && closedCross(target, activation)) ?? SERIES, { coefficients, tail });
}

/**
 * Bound on |Σ_k c_k x^k − Σ_{k≤K} c_k x^k| (or on its derivative) over |x| ≤ r, r in
 * [0, 1]: tail · r^{K+1}, and tail · max_{k>K} k r^{k−1} for the derivative (infinite at
 * r = 1, where Parseval says nothing about Σ k c_k). Throws ConfigError if r ∉ [0, 1].
 */
export function kernelTailBound(kernel: Kernel, r = 1, deriv = false): number {
  if (!(r >= 0 && r <= 1)) throw new ConfigError('r', 'must be in [0, 1]', r);
  if (kernel.tail === 0) return 0;
  const K = kernel.coefficients.length - 1;
  if (!deriv) return kernel.tail * r ** (K + 1);
  if (r === 1) return Infinity;
  // k r^{k−1} increases up to k = −1/ln r, then decreases
  const k = Math.max(K + 1, Math.floor(-1 / Math.log(r)));
  return kernel.tail * Math.max(k * r ** (k - 1), (k + 1) * r ** k);
}

/** The kernel (or its derivative) at every point of x, computed in Wasm; points outside [−1, 1] are clamped by closed forms. */
export function kernelValues(core: Core, kernel: Kernel, x: ArrayLike<number>, deriv = false): Float64Array {
  const n = x.length;
  const K = kernel.coefficients.length - 1;
  return core.scoped(() => {
    const c = core.put(kernel.coefficients);
    const px = core.put(x);
    const out = core.allocF64(n);
    core.exports.kernelBulk(kernel.kind, kernel.gain, c, K, px, out, n, deriv);
    return core.f64(out, n).slice();
  });
}
