// The natural logarithm in plain arithmetic, so that a fit of learning times against ε
// (log–log slopes, summary.json's exponents) has the same bits in every engine. JS's
// Math.log is only required to be an approximation: V8, SpiderMonkey and JavaScriptCore
// each ship their own, and they differ in the last bit on some arguments. Adds, multiplies
// and divides are IEEE-754 in every engine (no fused operations in JS), so this does not.
//
// The method is fdlibm's (Sun, 1993), as musl has it: write x = 2^k · (1 + f) with
// 1 + f in [√2/2, √2), so |f| < 0.2929; with s = f / (2 + f),
//   log(1 + f) = 2s + (2/3)s³ + (2/5)s⁵ + … = f − f²/2 + s·(f²/2 + R(s²)),
// R a degree-14 minimax polynomial in s (error < 2^-58.45 on that range), and
// k·ln 2 split as ln2_hi + ln2_lo (ln2_hi has 32 bits, so k·ln2_hi is exact for |k| < 2^11).
// The result is within 1 ulp of log x.

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
/** 2^54: scales a subnormal x into the normal range. */
const TWO54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308;

const bits = new DataView(new ArrayBuffer(8));

/** log x, the same bits in every engine (NaN, x ≤ 0 and +∞ as Math.log gives them). */
export function log(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  let k = 0;
  if (x < MIN_NORMAL) {
    k = -54;
    x *= TWO54;
  }
  bits.setFloat64(0, x);
  let hx = bits.getUint32(0);
  if (hx === 0x3ff00000 && bits.getUint32(4) === 0) return 0;
  // Move the mantissa's range so that the exponent k rounds 1 + f into [√2/2, √2):
  // 0x3fe6a09e is the high word of √2/2.
  hx += 0x3ff00000 - 0x3fe6a09e;
  k += (hx >>> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + 0x3fe6a09e;
  bits.setUint32(0, hx);
  const f = bits.getFloat64(0) - 1;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  return s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI;
}
