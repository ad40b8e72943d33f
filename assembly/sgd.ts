// Stochastic gradient descent for the finite network (MODEL.md §5), in full dimension d:
// for each sample of a batch, z_i = ⟨w_i, x⟩ and r = y − f(x); then simultaneously
//   a_i ← a_i + (η/ε) mean_b(r σ(z_i)),
//   w_i ← normalize(w_i + η mean_b(r a_i σ'(z_i)(x − z_i w_i))).
// The w-update is w_i ← α w_i + Σ_b β_b x_b, whose norm follows from numbers already at
// hand (‖w_i‖², z_bi, the batch Gram ⟨x_b, x_b'⟩), so update and normalization share one
// pass over w_i; the pass also returns the new ‖w_i‖², which the next step uses, so
// rounding never accumulates in the norms, and the next step's z_i (see sgdSteps).
//
// Activations: (code, shift, scale, coef, nCoef) as in activations.ts, σ for the network
// and φ for the target. `work` is caller-owned scratch of sgdWorkLength(m, d, B) doubles.
import { activation, activationDeriv } from './activations';
import { axpbyNorm2, axpbyNorm2Dot, dot } from './blas';
import { firstBad, partBytes } from './network';
import { RNG_STATE_BYTES, rngNormals } from './rng';

// The state of an SGD run is one block, which is what a checkpoint restores:
//   generator (RNG_STATE_BYTES), a (m), ‖w_i‖² (m), W (m × d), Y (n), X (n × d)  [doubles after the generator]
// Parts, in block order; SGD_END is the block's size. The facade reads the layout from
// sgdStateOffset only.
export const SGD_RNG: i32 = 0;
export const SGD_A: i32 = 1;
export const SGD_WN2: i32 = 2;
export const SGD_W: i32 = 3;
export const SGD_Y: i32 = 4;
export const SGD_X: i32 = 5;
export const SGD_END: i32 = 6;

/**
 * Byte offset of `part` (an SGD_* code) in the state block of a run with m neurons in
 * dimension d and n fixed samples; SGD_END gives the block's size. As f64, so that a size past
 * 4 GiB is seen as such (the facade refuses it before reserving anything).
 */
export function sgdStateOffset(part: i32, m: i32, d: i32, n: i32): f64 {
  return stateOffset(part, <f64>m, <f64>d, <f64>n);
}

function stateOffset(part: i32, M: f64, D: f64, N: f64): f64 {
  let doubles = 0.0;
  if (part > SGD_A) doubles += M; // a
  if (part > SGD_WN2) doubles += M; // ‖w_i‖²
  if (part > SGD_W) doubles += M * D; // W
  if (part > SGD_Y) doubles += N; // Y
  if (part > SGD_X) doubles += N * D; // X
  return (part > SGD_RNG ? <f64>RNG_STATE_BYTES : 0.0) + 8.0 * doubles;
}

@inline function statePart(state: usize, part: i32, m: i32, d: i32, n: i32): usize {
  return state + <usize>sgdStateOffset(part, m, d, n);
}

/**
 * Doubles of scratch that sgdSteps needs: two batch slots (samples, labels, addresses, z),
 * label noise, residuals, σ(z), the batch Gram, β.
 */
export function sgdWorkLength(m: i32, d: i32, B: i32): i32 {
  return <i32>workDoubles(<f64>m, <f64>d, <f64>B);
}

function workDoubles(m: f64, d: f64, B: f64): f64 {
  return 2.0 * slotDoubles(m, d, B) + 2.0 + B + B * m + B * B + B;
}

// Beside the state, a run's scratch is one block, laid out by sgdScratchOffset:
//   work (sgdWorkLength), ρ (m × m, the Gram of W for the risk), s (m), fail (one i32)
export const SGDS_WORK: i32 = 0;
export const SGDS_RHO: i32 = 1;
export const SGDS_S: i32 = 2;
export const SGDS_FAIL: i32 = 3;
export const SGDS_END: i32 = 4;

/** Byte offset of `part` (an SGDS_* code) in the scratch block; SGDS_END gives its size. */
export function sgdScratchOffset(part: i32, m: i32, d: i32, B: i32): f64 {
  return scratchOffset(part, <f64>m, <f64>d, <f64>B);
}

function scratchOffset(part: i32, m: f64, d: f64, B: f64): f64 {
  let bytes = 0.0;
  if (part > SGDS_WORK) bytes += partBytes(workDoubles(m, d, B));
  if (part > SGDS_RHO) bytes += partBytes(m * m);
  if (part > SGDS_S) bytes += partBytes(m);
  if (part > SGDS_FAIL) bytes += partBytes(1.0);
  return bytes;
}

/**
 * Bytes of Wasm memory an SGD run holds beyond the coefficient tables: its state and its scratch.
 * Sizes as f64, so that any d (past 2^31 too) gives the true size.
 */
export function sgdBytes(m: f64, d: f64, B: f64, n: f64): f64 {
  return stateOffset(SGD_END, m, d, n) + scratchOffset(SGDS_END, m, d, B);
}

/**
 * Draws n samples: X (n × d) rows x ~ N(0, I_d), y = φ(⟨u, x⟩) + τ ξ. ξ is drawn only when
 * τ > 0. `xi` is two doubles of scratch.
 */
export function sgdSamples(
  rng: usize, n: i32, d: i32, u: usize, noise: f64,
  pc: i32, pShift: f64, pScale: f64, pCoef: usize, pN: i32,
  X: usize, Y: usize, xi: usize,
): void {
  for (let b = 0; b < n; b++) {
    const x = X + <usize>b * <usize>d * 8;
    rngNormals(rng, x, d);
    let y = activation(pc, pShift, pScale, pCoef, pN, dot(u, x, d));
    if (noise > 0) {
      rngNormals(rng, xi, 1);
      y += noise * load<f64>(xi);
    }
    store<f64>(Y + (<usize>b << 3), y);
  }
}

// A batch slot in sgdSteps' scratch: B samples (online), B labels, B sample addresses
// (one u64 slot each), then B × m pre-activations z_bi.
@inline function slotDoubles(m: f64, d: f64, B: f64): f64 {
  return B * d + 2.0 * B + B * m;
}
@inline function slotBytes(m: i32, d: i32, B: i32): usize {
  return <usize>slotDoubles(<f64>m, <f64>d, <f64>B) << 3;
}
@inline function slotY(slot: usize, d: i32, B: i32): usize {
  return slot + ((<usize>B * d) << 3);
}
@inline function slotPtr(slot: usize, d: i32, B: i32): usize {
  return slotY(slot, d, B) + (<usize>B << 3);
}
@inline function slotZ(slot: usize, d: i32, B: i32): usize {
  return slotPtr(slot, d, B) + (<usize>B << 3);
}

/**
 * Runs `steps` SGD steps with batch B on the state block at `state` (layout above). Online
 * when n = 0 (fresh samples from the generator), else
 * cycling through the n fixed samples X, Y in order: step k uses samples (kB + b) mod n,
 * with k counted from `start`. ‖w_i‖² is kept up to date here. Returns the steps
 * completed; fewer than `steps` means the next one produced a non-finite a_i or w_i,
 * whose firstBad code (network.ts) is stored (i32) at `fail`.
 *
 * Each step but the last of a call draws the next batch before its update, so that the
 * update's pass over w_i also computes the next step's z_bi = ⟨w_i, x_b⟩ while w_i is in
 * cache: one sweep over W per step instead of two. The generator is used in the same
 * order, and each z is the same dot product, so the bits do not depend on `steps` (after a
 * failed step the generator has also drawn the batch after it).
 */
export function sgdSteps(
  steps: i32, start: f64, eta: f64, epsilon: f64, noise: f64,
  state: usize, m: i32, d: i32, n: i32, u: usize, B: i32,
  sc: i32, sShift: f64, sScale: f64, sCoef: usize, sN: i32,
  pc: i32, pShift: f64, pScale: f64, pCoef: usize, pN: i32,
  work: usize, fail: usize,
): i32 {
  const rng = statePart(state, SGD_RNG, m, d, n);
  const a = statePart(state, SGD_A, m, d, n);
  const wn2 = statePart(state, SGD_WN2, m, d, n);
  const W = statePart(state, SGD_W, m, d, n);
  const Y = statePart(state, SGD_Y, m, d, n);
  const X = statePart(state, SGD_X, m, d, n);
  const rowBytes = <usize>d << 3;
  let cur = work; // this step's batch slot
  let next = cur + slotBytes(m, d, B); // the next step's
  const xi = next + slotBytes(m, d, B); // 2: label-noise pair
  const rb = xi + 16; // B residuals
  const XX = rb + (<usize>B << 3); // B × B Gram of the batch
  const S = XX + ((<usize>B * B) << 3); // B × m: σ(z_bi)
  const beta = S + ((<usize>B * m) << 3); // B: the w-update's sample weights for one neuron
  const invM = 1.0 / <f64>m;
  const invB = 1.0 / <f64>B;
  const etaA = eta / epsilon;
  let k = <u64>start;
  for (let step = 0; step < steps; step++, k++) {
    const yb = slotY(cur, d, B);
    const ptr = slotPtr(cur, d, B);
    const Z = slotZ(cur, d, B);
    if (step == 0) {
      sgdBatch(k, cur, n, B, d, u, noise, rng, X, Y, xi, pc, pShift, pScale, pCoef, pN);
      for (let b = 0; b < B; b++) {
        const x = <usize>load<u64>(ptr + (<usize>b << 3));
        for (let i = 0; i < m; i++) store<f64>(Z + ((<usize>b * m + i) << 3), dot(W + <usize>i * rowBytes, x, d));
      }
    }
    for (let b = 0; b < B; b++) {
      const x = <usize>load<u64>(ptr + (<usize>b << 3));
      for (let c = b; c < B; c++) {
        const g = dot(x, <usize>load<u64>(ptr + (<usize>c << 3)), d);
        store<f64>(XX + ((<usize>b * B + c) << 3), g);
        store<f64>(XX + ((<usize>c * B + b) << 3), g);
      }
      let f = 0.0;
      for (let i = 0; i < m; i++) {
        const sz = activation(sc, sShift, sScale, sCoef, sN, load<f64>(Z + ((<usize>b * m + i) << 3)));
        store<f64>(S + ((<usize>b * m + i) << 3), sz);
        f += load<f64>(a + (<usize>i << 3)) * sz;
      }
      store<f64>(rb + (<usize>b << 3), load<f64>(yb + (<usize>b << 3)) - f * invM);
    }
    const ahead = step + 1 < steps;
    if (ahead) sgdBatch(k + 1, next, n, B, d, u, noise, rng, X, Y, xi, pc, pShift, pScale, pCoef, pN);
    const nextPtr = slotPtr(next, d, B);
    const nextZ = slotZ(next, d, B);
    let bad = -1;
    for (let i = 0; i < m; i++) {
      const ai = load<f64>(a + (<usize>i << 3));
      let ga = 0.0;
      let bz = 0.0; // Σ_b β_b z_bi
      for (let b = 0; b < B; b++) {
        const z = load<f64>(Z + ((<usize>b * m + i) << 3));
        const r = load<f64>(rb + (<usize>b << 3));
        ga += r * load<f64>(S + ((<usize>b * m + i) << 3));
        const be = eta * invB * r * ai * activationDeriv(sc, sShift, sScale, sCoef, sN, z);
        store<f64>(beta + (<usize>b << 3), be);
        bz += be * z;
      }
      const alpha = 1.0 - bz;
      const aNew = ai + etaA * ga * invB;
      store<f64>(a + (<usize>i << 3), aNew);
      // ‖α w + Σ_b β_b x_b‖² = α²‖w‖² + 2α Σ_b β_b z_b + Σ_bc β_b β_c ⟨x_b, x_c⟩
      let bxxb = 0.0;
      for (let b = 0; b < B; b++) {
        const bb = load<f64>(beta + (<usize>b << 3));
        bxxb += bb * dot(XX + ((<usize>b * B) << 3), beta, B);
      }
      const wi = W + <usize>i * rowBytes;
      const o = <usize>i << 3;
      const inv = 1.0 / Math.sqrt(alpha * alpha * load<f64>(wn2 + o) + 2.0 * alpha * bz + bxxb);
      let nrm2 = 0.0;
      for (let b = 0; b < B; b++) {
        const x = <usize>load<u64>(ptr + (<usize>b << 3));
        const p = b == 0 ? alpha * inv : 1.0;
        const q = load<f64>(beta + (<usize>b << 3)) * inv;
        nrm2 = ahead && b == B - 1
          ? axpbyNorm2Dot(p, q, x, wi, d, <usize>load<u64>(nextPtr), nextZ + o)
          : axpbyNorm2(p, q, x, wi, d);
      }
      store<f64>(wn2 + o, nrm2);
      if (ahead) {
        for (let b = 1; b < B; b++) {
          store<f64>(nextZ + ((<usize>b * m + i) << 3), dot(wi, <usize>load<u64>(nextPtr + (<usize>b << 3)), d));
        }
      }
      bad = firstBad(bad, i, aNew, Math.sqrt(nrm2) / inv); // ‖w_i‖/inv: non-finite if either is
    }
    if (bad >= 0) {
      store<i32>(fail, bad);
      return step;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return steps;
}

/** Fills the batch slot with step k's samples: fresh ones (n = 0) or those of X, Y it cycles through. */
function sgdBatch(
  k: u64, slot: usize, n: i32, B: i32, d: i32, u: usize, noise: f64, rng: usize, X: usize, Y: usize, xi: usize,
  pc: i32, pShift: f64, pScale: f64, pCoef: usize, pN: i32,
): void {
  const rowBytes = <usize>d << 3;
  const yb = slotY(slot, d, B);
  const ptr = slotPtr(slot, d, B);
  if (n == 0) {
    sgdSamples(rng, B, d, u, noise, pc, pShift, pScale, pCoef, pN, slot, yb, xi);
    for (let b = 0; b < B; b++) store<u64>(ptr + (<usize>b << 3), <u64>(slot + <usize>b * rowBytes));
  } else {
    for (let b = 0; b < B; b++) {
      const idx = <usize>((k * <u64>B + <u64>b) % <u64>n);
      store<u64>(ptr + (<usize>b << 3), <u64>(X + idx * rowBytes));
      store<f64>(yb + (<usize>b << 3), load<f64>(Y + (idx << 3)));
    }
  }
}

/** Empirical loss (1/2n) Σ_b (y_b − f(x_b))² over n fixed samples. */
export function sgdLoss(
  a: usize, W: usize, m: i32, d: i32, X: usize, Y: usize, n: i32,
  sc: i32, sShift: f64, sScale: f64, sCoef: usize, sN: i32,
): f64 {
  const rowBytes = <usize>d << 3;
  const invM = 1.0 / <f64>m;
  let total = 0.0;
  for (let b = 0; b < n; b++) {
    const x = X + <usize>b * rowBytes;
    let f = 0.0;
    for (let i = 0; i < m; i++) {
      f += load<f64>(a + (<usize>i << 3)) * activation(sc, sShift, sScale, sCoef, sN, dot(W + <usize>i * rowBytes, x, d));
    }
    const r = load<f64>(Y + (<usize>b << 3)) - f * invM;
    total += r * r;
  }
  return 0.5 * total / <f64>n;
}
