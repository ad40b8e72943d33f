// Dense vector primitives shared by the kernels. Each has a v128 path (two f64
// lanes) chosen at compile time by ASC_FEATURE_SIMD and a scalar path; the
// scalar build compiles only the latter. The element-wise v128 multiply-adds (axpy, the
// update of axpbyPass) go through madd (simd.ts), fused in the relaxed build only. The
// sums (dot, the norm and dot of axpbyPass) keep mul + add in every build: there the add
// sits on the loop-carried chain, and a fused multiply-add's longer latency made the
// relaxed build's dot 1.5× slower (Node 22, x86-64), for no gain in SGD.
import { madd } from './simd';

/** Σ x[i] y[i] over n doubles. */
export function dot(x: usize, y: usize, n: i32): f64 {
  let i = 0;
  let s = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    const acc = f64x2.add(acc0, acc1);
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y[i] += alpha x[i] over n doubles. */
export function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(alpha);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/** y[i] = alpha y[i] + beta x[i] over n doubles; returns Σ y[i]² of the result (one pass). */
export function axpbyNorm2(alpha: f64, beta: f64, x: usize, y: usize, n: i32): f64 {
  return axpbyPass(alpha, beta, x, y, n, 0, 0, false);
}

/**
 * axpbyNorm2 that also stores Σ y[i] v[i] of the result at `yv`, in the same pass. Its
 * accumulators add their lanes in the order dot's do, so the stored sum equals
 * dot(y, v, n) after the update, bit for bit.
 */
export function axpbyNorm2Dot(alpha: f64, beta: f64, x: usize, y: usize, n: i32, v: usize, yv: usize): f64 {
  return axpbyPass(alpha, beta, x, y, n, v, yv, true);
}

// The pass behind both; inlined with a constant `withDot`, so the one without keeps no trace of it.
@inline function axpbyPass(alpha: f64, beta: f64, x: usize, y: usize, n: i32, v: usize, yv: usize, withDot: bool): f64 {
  let i = 0;
  let s = 0.0;
  let t = 0.0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(alpha);
    const vb = f64x2.splat(beta);
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let dot0 = f64x2.splat(0);
    let dot1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      const r0 = madd(vb, v128.load(x + o), f64x2.mul(va, v128.load(y + o)));
      const r1 = madd(vb, v128.load(x + o, 16), f64x2.mul(va, v128.load(y + o, 16)));
      v128.store(y + o, r0);
      v128.store(y + o, r1, 16);
      acc0 = f64x2.add(acc0, f64x2.mul(r0, r0));
      acc1 = f64x2.add(acc1, f64x2.mul(r1, r1));
      if (withDot) {
        dot0 = f64x2.add(dot0, f64x2.mul(r0, v128.load(v + o)));
        dot1 = f64x2.add(dot1, f64x2.mul(r1, v128.load(v + o, 16)));
      }
    }
    const acc = f64x2.add(acc0, acc1);
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    const dt = f64x2.add(dot0, dot1);
    t = f64x2.extract_lane(dt, 0) + f64x2.extract_lane(dt, 1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const r = alpha * load<f64>(y + o) + beta * load<f64>(x + o);
    store<f64>(y + o, r);
    s += r * r;
    if (withDot) t += r * load<f64>(v + o);
  }
  if (withDot) store<f64>(yv, t);
  return s;
}
