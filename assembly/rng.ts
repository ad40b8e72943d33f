// Deterministic random numbers with caller-owned state (RNG_STATE_BYTES = 4 × u64 at `state`).
// Generator: xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021; reference code prng.di.unimi.it/xoshiro256starstar.c),
// seeded through splitmix64 (Steele, Lea & Flood, OOPSLA 2014; prng.di.unimi.it/splitmix64.c)
// as its authors recommend. Normals by the Marsaglia–Bray polar method (SIAM Review 6,
// 1964), which needs one log and one sqrt per pair and no trigonometry. AssemblyScript's
// Math is software-defined, so the SIMD and scalar builds produce the same bits.

const GOLDEN: u64 = 0x9e3779b97f4a7c15; // splitmix64 increment (2^64/φ)
const MIX1: u64 = 0xbf58476d1ce4e5b9; // splitmix64 multipliers (Stafford's Mix13)
const MIX2: u64 = 0x94d049bb133111eb;
const TWO_M53: f64 = 1.1102230246251565e-16; // 2^−53
/**
 * Consecutive rejections after which a sampler gives up. The polar method rejects with
 * probability 1 − π/4 ≈ 0.215, Marsaglia–Tsang with less: 1000 in a row has probability
 * < 1e-600 from a working generator, so reaching it means the state is degenerate (the
 * all-zero xoshiro state outputs 0 forever, and u = v = −1 is always rejected).
 */
const MAX_REJECTIONS: i32 = 1000;

/** Bytes of generator state at `state`: four 64-bit words. */
export const RNG_STATE_BYTES: i32 = 32;

/** False for the all-zero state, the one xoshiro256** never leaves (it outputs 0 forever). */
export function rngValid(state: usize): bool {
  return (load<u64>(state) | load<u64>(state, 8) | load<u64>(state, 16) | load<u64>(state, 24)) != 0;
}

/** Seeds the generator at `state` from an integer seed (0 ≤ seed < 2^53) via splitmix64. */
export function rngSeed(state: usize, seed: f64): void {
  let x = <u64>seed;
  for (let k = 0; k < 4; k++) {
    x += GOLDEN;
    let z = x;
    z = (z ^ (z >> 30)) * MIX1;
    z = (z ^ (z >> 27)) * MIX2;
    store<u64>(state + (<usize>k << 3), z ^ (z >> 31));
  }
}

/** The next 64 random bits (xoshiro256**). */
@inline export function rngNext(state: usize): u64 {
  const s0 = load<u64>(state);
  let s1 = load<u64>(state, 8);
  let s2 = load<u64>(state, 16);
  let s3 = load<u64>(state, 24);
  const result = rotl<u64>(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  store<u64>(state, s0 ^ s3);
  store<u64>(state, s1, 8);
  store<u64>(state, s2 ^ t, 16);
  store<u64>(state, rotl<u64>(s3, 45), 24);
  return result;
}

/** Uniform on [0, 1) with 53 random bits. */
@inline export function rngUniform(state: usize): f64 {
  return <f64>(rngNext(state) >> 11) * TWO_M53;
}

/** Writes n raw 64-bit outputs to out (for checking the generator against its reference). */
export function rngBits(state: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u64>(out + (<usize>i << 3), rngNext(state));
}

/** Writes n uniforms on [0, 1) (53 random bits each) to out. */
export function rngUniforms(state: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), rngUniform(state));
}

/** Writes n standard normals to out, two per accepted polar pair (an odd n drops the last spare). */
export function rngNormals(state: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    let u = 0.0;
    let v = 0.0;
    let q = 0.0;
    let tries = 0;
    do {
      if (tries++ == MAX_REJECTIONS) abort('rng: generator state is degenerate (all zero)');
      u = 2.0 * rngUniform(state) - 1.0;
      v = 2.0 * rngUniform(state) - 1.0;
      q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    const f = Math.sqrt(-2.0 * Math.log(q) / q);
    const o = out + (<usize>i << 3);
    store<f64>(o, u * f);
    if (i + 1 < n) store<f64>(o, v * f, 8);
  }
}

const spare = memory.data(16); // one polar pair for the scalar samplers below

/** One standard normal. */
@inline function normal(state: usize): f64 {
  rngNormals(state, spare, 1);
  return load<f64>(spare);
}

/**
 * A χ² variate with k degrees of freedom, k an integer ≥ 1 (as f64, so d up to 2^53 fits):
 * N(0,1)² for k = 1,
 * else 2·Gamma(k/2) by Marsaglia & Tsang, "A simple method for generating gamma
 * variables", ACM TOMS 26 (2000), which is exact for shape ≥ 1.
 */
export function rngChi2(state: usize, k: f64): f64 {
  if (k < 2.0) {
    const g = normal(state);
    return g * g;
  }
  const dd = 0.5 * k - 1.0 / 3.0;
  const c = 1.0 / Math.sqrt(9.0 * dd);
  let v = 0.0;
  let accept = false;
  let tries = 0;
  do {
    if (tries++ == MAX_REJECTIONS) abort('rng: generator state is degenerate (all zero)');
    const x = normal(state);
    const t = 1.0 + c * x;
    if (t <= 0.0) continue;
    v = t * t * t;
    accept = Math.log(rngUniform(state)) < 0.5 * x * x + dd - dd * v + dd * Math.log(v);
  } while (!accept);
  return 2.0 * dd * v;
}
