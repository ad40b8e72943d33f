// The error function and the standard normal law, in double precision.
// erf/erfc are a port of FreeBSD msun s_erf.c (Sun Microsystems 1993) as kept in musl
// src/math/erf.c; every coefficient below is copied from there, as are the interval
// bounds (given by their high words) and the error bounds in the comments. Rational
// approximations per interval, error < 1 ulp:
//   |x| < 0.84375:        erf(x) = x + x·P(x²)/Q(x²)
//   0.84375 ≤ |x| < 1.25: erf(x) = erx + P1(|x|−1)/Q1(|x|−1), erx = (float)0.84506291151
//   1.25 ≤ |x| < 28:      erfc(x) = exp(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x

const ERX: f64 = 8.45062911510467529297e-01; // (float)0.84506291151
const EFX: f64 = 1.28379167095512586316e-01; // 2/√π − 1
const EFX8: f64 = 1.02703333676410069053e+00; // 8·EFX
const TINY: f64 = 1e-300;

// erf on [0, 0.84375]: |R − (erf(x) − x)/x| ≤ 2^−57.90
const PP0: f64 = 1.28379167095512558561e-01;
const PP1: f64 = -3.25042107247001499370e-01;
const PP2: f64 = -2.84817495755985104766e-02;
const PP3: f64 = -5.77027029648944159157e-03;
const PP4: f64 = -2.37630166566501626084e-05;
const QQ1: f64 = 3.97917223959155352819e-01;
const QQ2: f64 = 6.50222499887672944485e-02;
const QQ3: f64 = 5.08130628187576562776e-03;
const QQ4: f64 = 1.32494738004321644526e-04;
const QQ5: f64 = -3.96022827877536812320e-06;
// erf on [0.84375, 1.25]: |P1/Q1 − (erf(|x|) − c)| ≤ 2^−59.06
const PA0: f64 = -2.36211856075265944077e-03;
const PA1: f64 = 4.14856118683748331666e-01;
const PA2: f64 = -3.72207876035701323847e-01;
const PA3: f64 = 3.18346619901161753674e-01;
const PA4: f64 = -1.10894694282396677476e-01;
const PA5: f64 = 3.54783043256182359371e-02;
const PA6: f64 = -2.16637559486879084300e-03;
const QA1: f64 = 1.06420880400844228286e-01;
const QA2: f64 = 5.40397917702171048937e-01;
const QA3: f64 = 7.18286544141962662868e-02;
const QA4: f64 = 1.26171219808761642112e-01;
const QA5: f64 = 1.36370839120290507362e-02;
const QA6: f64 = 1.19844998467991074170e-02;
// erfc on [1.25, 1/0.35]: |R1/S1 − f| < 2^−62.57
const RA0: f64 = -9.86494403484714822705e-03;
const RA1: f64 = -6.93858572707181764372e-01;
const RA2: f64 = -1.05586262253232909814e+01;
const RA3: f64 = -6.23753324503260060396e+01;
const RA4: f64 = -1.62396669462573470355e+02;
const RA5: f64 = -1.84605092906711035994e+02;
const RA6: f64 = -8.12874355063065934246e+01;
const RA7: f64 = -9.81432934416914548592e+00;
const SA1: f64 = 1.96512716674392571292e+01;
const SA2: f64 = 1.37657754143519042600e+02;
const SA3: f64 = 4.34565877475229228821e+02;
const SA4: f64 = 6.45387271733267880336e+02;
const SA5: f64 = 4.29008140027567833386e+02;
const SA6: f64 = 1.08635005541779435134e+02;
const SA7: f64 = 6.57024977031928170135e+00;
const SA8: f64 = -6.04244152148580987438e-02;
// erfc on [1/0.35, 28]: |R2/S2 − f| < 2^−61.52
const RB0: f64 = -9.86494292470009928597e-03;
const RB1: f64 = -7.99283237680523006574e-01;
const RB2: f64 = -1.77579549177547519889e+01;
const RB3: f64 = -1.60636384855821916062e+02;
const RB4: f64 = -6.37566443368389627722e+02;
const RB5: f64 = -1.02509513161107724954e+03;
const RB6: f64 = -4.83519191608651397019e+02;
const SB1: f64 = 3.03380607434824582924e+01;
const SB2: f64 = 3.25792512996573918826e+02;
const SB3: f64 = 1.53672958608443695994e+03;
const SB4: f64 = 3.19985821950859553908e+03;
const SB5: f64 = 2.55305040643316442583e+03;
const SB6: f64 = 4.74528541206955367215e+02;
const SB7: f64 = -2.24409524465858183362e+01;

export const INV_SQRT2: f64 = 0.7071067811865476; // 1/√2
export const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)

@inline function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

/** erf(x) − x over x, for |x| < 0.84375. */
@inline function smallRatio(x: f64): f64 {
  const z = x * x;
  const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
  const s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
  return r / s;
}

/** erf(|x|) − erx, for 0.84375 ≤ |x| < 1.25. */
@inline function nearOne(ax: f64): f64 {
  const s = ax - 1.0;
  const P = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
  const Q = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
  return P / Q;
}

/** erfc(ax) for 1.25 ≤ ax < 28; `ix` is the high word of ax. */
@inline function erfcTail(ax: f64, ix: u32): f64 {
  const s = 1.0 / (ax * ax);
  let R: f64, S: f64;
  if (ix < 0x4006db6e) { // ax < 1/0.35
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  // z = ax with its low 32 bits cleared, so z·z is exact and −ax² = −z² + (z−ax)(z+ax)
  const z = reinterpret<f64>(reinterpret<u64>(ax) & 0xffffffff00000000);
  return Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + R / S) / ax;
}

/** The error function, to within 1 ulp. */
export function erf(x: f64): f64 {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  const neg = (hx >> 31) != 0;
  if (ix >= 0x7ff00000) return (neg ? -1.0 : 1.0) + 1.0 / x; // NaN → NaN, ±∞ → ±1
  if (ix < 0x3feb0000) { // |x| < 0.84375
    if (ix < 0x3e300000) { // |x| < 2^−28
      if (ix < 0x00800000) return 0.125 * (8.0 * x + EFX8 * x); // avoid underflow
      return x + EFX * x;
    }
    return x + x * smallRatio(x);
  }
  if (ix < 0x3ff40000) { // |x| < 1.25
    const v = ERX + nearOne(Math.abs(x));
    return neg ? -v : v;
  }
  if (ix >= 0x40180000) return neg ? TINY - 1.0 : 1.0 - TINY; // |x| ≥ 6
  const v = 1.0 - erfcTail(Math.abs(x), ix);
  return neg ? -v : v;
}

/** The complementary error function 1 − erf(x), accurate in the far right tail. */
export function erfc(x: f64): f64 {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  const neg = (hx >> 31) != 0;
  if (ix >= 0x7ff00000) return (neg ? 2.0 : 0.0) + 1.0 / x; // NaN → NaN, +∞ → 0, −∞ → 2
  if (ix < 0x3feb0000) { // |x| < 0.84375
    if (ix < 0x3c700000) return 1.0 - x; // |x| < 2^−56
    const y = smallRatio(x);
    if (hx < 0x3fd00000) return 1.0 - (x + x * y); // x < 1/4
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) { // |x| < 1.25
    const p = nearOne(Math.abs(x));
    return neg ? 1.0 + (ERX + p) : (1.0 - ERX) - p;
  }
  if (ix < 0x403c0000) { // |x| < 28
    if (neg && ix >= 0x40180000) return 2.0 - TINY; // x ≤ −6
    const r = erfcTail(Math.abs(x), ix);
    return neg ? 2.0 - r : r;
  }
  return neg ? 2.0 - TINY : TINY * TINY;
}

/** Standard normal density φ(x) = e^{−x²/2}/√(2π). */
@inline export function normalPdf(x: f64): f64 {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal distribution function Φ(x) = erfc(−x/√2)/2, accurate in the left tail. */
@inline export function normalCdf(x: f64): f64 {
  return 0.5 * erfc(-x * INV_SQRT2);
}
