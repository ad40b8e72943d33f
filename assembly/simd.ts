// Two-lane multiply-add shared by the hot loops: madd(a, b, c) = a·b + c.
//
// The SIMD build rounds the product and the sum separately (f64x2.mul, then f64x2.add),
// exactly as the loops wrote it before, so its bits do not move. The opt-in relaxed build
// (--enable relaxed-simd, build/timescales.relaxed.wasm) emits one f64x2.relaxed_madd,
// which the engine may compute as a fused multiply-add (one rounding: an FMA instruction)
// or as mul + add (two), as the hardware allows. Its results therefore differ from the SIMD
// build's in the last bits and may differ between machines: it is never the default and
// the conformance hashes do not cover it.
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}
