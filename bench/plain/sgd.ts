// The SGD step of assembly/sgd.ts in plain TypeScript, for the benchmark: batch 1, online,
// σ = φ = ReLU, u_* = e_1, no label noise. Same generator (xoshiro256** seeded by
// splitmix64, Marsaglia–Bray polar normals) and the same arithmetic, in the same order, as
// the scalar Wasm build; 64-bit words are kept as two 32-bit halves.

const TWO32 = 2 ** 32;
const TWO_M53 = 2 ** -53;

/** xoshiro256** over 32-bit halves: s[2k] is the low half of word k. */
class Xoshiro {
  private readonly s = new Uint32Array(8);

  constructor(seed: number) {
    // splitmix64 (seeding only, so BigInt is fine)
    let x = BigInt(seed);
    const mask = (1n << 64n) - 1n;
    for (let k = 0; k < 4; k++) {
      x = (x + 0x9e3779b97f4a7c15n) & mask;
      let z = x;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      z ^= z >> 31n;
      this.s[2 * k] = Number(z & 0xffffffffn);
      this.s[2 * k + 1] = Number(z >> 32n);
    }
  }

  /** The next output's top 53 bits as a double in [0, 1). */
  uniform(): number {
    const s = this.s;
    // result = rotl(s1 · 5, 7) · 9
    let lo = s[2] * 5;
    let hi = (Math.imul(s[3], 5) + Math.floor(lo / TWO32)) >>> 0;
    lo >>>= 0;
    const rlo = ((lo << 7) | (hi >>> 25)) >>> 0;
    const rhi = ((hi << 7) | (lo >>> 25)) >>> 0;
    lo = rlo * 9;
    hi = (Math.imul(rhi, 9) + Math.floor(lo / TWO32)) >>> 0;
    lo >>>= 0;
    // t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
    const tlo = (s[2] << 17) >>> 0;
    const thi = ((s[3] << 17) | (s[2] >>> 15)) >>> 0;
    s[4] ^= s[0]; s[5] ^= s[1];
    s[6] ^= s[2]; s[7] ^= s[3];
    s[2] ^= s[4]; s[3] ^= s[5];
    s[0] ^= s[6]; s[1] ^= s[7];
    s[4] ^= tlo; s[5] ^= thi;
    const [l3, h3] = [s[6], s[7]]; // rotl 45 = swap halves, then rotl 13
    s[6] = ((h3 << 13) | (l3 >>> 19)) >>> 0;
    s[7] = ((l3 << 13) | (h3 >>> 19)) >>> 0;
    return (hi * 2 ** 21 + (lo >>> 11)) * TWO_M53;
  }

  normals(out: Float64Array, n: number, offset = 0): void {
    for (let i = 0; i < n; i += 2) {
      let u: number, v: number, q: number;
      do {
        u = 2 * this.uniform() - 1;
        v = 2 * this.uniform() - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      out[offset + i] = u * f;
      if (i + 1 < n) out[offset + i + 1] = v * f;
    }
  }
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[xo + i] * y[yo + i];
  return s;
}

export class PlainSgd {
  readonly a: Float64Array;
  readonly W: Float64Array;
  private readonly wn2: Float64Array;
  private readonly u: Float64Array;
  private readonly x: Float64Array;
  private readonly z: Float64Array;
  private readonly rng: Xoshiro;

  constructor(readonly m: number, readonly d: number, a0: Float64Array, seed: number, readonly eta: number, readonly epsilon: number) {
    this.rng = new Xoshiro(seed);
    this.a = a0.slice();
    this.W = new Float64Array(m * d);
    this.rng.normals(this.W, m * d);
    this.wn2 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const inv = 1 / Math.sqrt(dot(this.W, i * d, this.W, i * d, d));
      for (let j = 0; j < d; j++) this.W[i * d + j] *= inv;
      this.wn2[i] = dot(this.W, i * d, this.W, i * d, d);
    }
    this.u = Float64Array.from({ length: d }, (_, i) => +(i === 0));
    this.x = new Float64Array(d);
    this.z = new Float64Array(m);
  }

  steps(n: number): void {
    const { m, d, a, W, wn2, u, x, z, eta } = this;
    const invM = 1 / m;
    const etaA = eta / this.epsilon;
    for (let step = 0; step < n; step++) {
      this.rng.normals(x, d);
      const y = Math.max(dot(u, 0, x, 0, d), 0);
      const xx = dot(x, 0, x, 0, d);
      let f = 0;
      for (let i = 0; i < m; i++) {
        z[i] = dot(W, i * d, x, 0, d);
        f += a[i] * Math.max(z[i], 0);
      }
      const r = y - f * invM;
      for (let i = 0; i < m; i++) {
        const zi = z[i];
        const be = eta * r * a[i] * (zi > 0 ? 1 : 0);
        const bz = be * zi;
        const alpha = 1 - bz;
        a[i] += etaA * (r * Math.max(zi, 0));
        const inv = 1 / Math.sqrt(alpha * alpha * wn2[i] + 2 * alpha * bz + be * (xx * be));
        const p = alpha * inv;
        const q = be * inv;
        let s = 0;
        for (let j = 0, o = i * d; j < d; j++, o++) {
          const w = p * W[o] + q * x[j];
          W[o] = w;
          s += w * w;
        }
        wn2[i] = s;
      }
    }
  }
}
