// Initial state of a run from the config's `init` and `seed`. Random draws come from
// the Wasm generator (xoshiro256**, assembly/rng.ts) so a seed gives the same bits in
// every engine. a(0) and s(0) use the stream seeded with seed + 2^32, kept apart from
// the stream (seed) that the network and SGD models use for W(0) and samples.
import type { RunConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Core } from '../wasm/loader.js';

const INIT_STREAM = 2 ** 32;

export interface InitialState {
  a0: Float64Array;
  /** s_i(0) for the mean-field model (the network draws W(0) itself). */
  s0: Float64Array;
  /** Explicit first-layer weights, m × d row-major, or null. */
  w0: Float64Array | null;
  direction: Float64Array | null;
}

export function initialState(core: Core, config: RunConfig): InitialState {
  const { m, init } = config;
  return core.scoped(() => {
    const state = core.alloc(core.exports.RNG_STATE_BYTES.value);
    core.exports.rngSeed(state, config.seed + INIT_STREAM);
    const draw = (n: number, kind: 'normal' | 'uniform') => {
      const p = core.allocF64(n);
      if (kind === 'normal') core.exports.rngNormals(state, p, n);
      else core.exports.rngUniforms(state, p, n);
      return core.f64(p, n).slice();
    };
    const a = init.a;
    let a0: Float64Array;
    if (Array.isArray(a)) a0 = Float64Array.from(a);
    else if (a.law === 'constant') a0 = new Float64Array(m).fill(a.scale);
    else if (a.quantiles) a0 = quantiles(core, m, a.law).map((q) => a.scale * q);
    else if (a.law === 'uniform') a0 = draw(m, 'uniform').map((u) => a.scale * (2 * u - 1));
    else a0 = draw(m, 'normal').map((g) => a.scale * g);
    let s0: Float64Array;
    if (Array.isArray(init.s)) s0 = Float64Array.from(init.s);
    else if (init.s === 'zero') s0 = new Float64Array(m);
    else {
      const scale = 1 / Math.sqrt(init.s.d);
      s0 = draw(m, 'normal').map((g) => g * scale);
      const i = s0.findIndex((s) => Math.abs(s) > 1);
      if (i >= 0) throw new ConfigError('init.s.d', `drew |s_${i}| > 1; use a larger d`, init.s.d);
    }
    return {
      a0, s0,
      w0: init.w ? Float64Array.from(init.w.flat()) : null,
      direction: config.direction ? Float64Array.from(config.direction) : null,
    };
  });
}

/**
 * The m quantiles (i + ½)/m of N(0, 1) or U[−1, 1], symmetric about 0 bit for bit. The normal
 * ones are found by bisection on Φ(x) = ½ erfc(−x/√2) with the core's erfc (the same bits in
 * every engine), to the last bit of x.
 */
export function quantiles(core: Core, m: number, law: 'normal' | 'uniform'): Float64Array {
  const out = new Float64Array(m);
  for (let i = m - 1; 2 * i >= m - 1; i--) {
    const p = (i + 0.5) / m; // ≥ ½
    let q = 2 * p - 1;
    if (law === 'normal') {
      let [lo, hi] = [0, 40];
      for (let mid = 20; mid > lo && mid < hi; mid = 0.5 * (lo + hi)) {
        if (0.5 * core.exports.erfc(-mid * Math.SQRT1_2) < p) lo = mid;
        else hi = mid;
      }
      q = lo;
    }
    out[m - 1 - i] = -q;
    out[i] = q; // last, so that the middle quantile of an odd m is +0
  }
  return out;
}
