// The Wasm boundary: pointers are unsigned (an arena past 2 GiB gives the same results), a
// reservation that 32-bit memory cannot hold is an error naming its size (never a wrapped
// pointer), and a dead random generator stops with an error instead of spinning forever.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { run } from '../src/run.js';
import { solveMeanfield } from '../src/models/meanfield.js';
import { solveNetwork } from '../src/models/network.js';
import { solveSgd } from '../src/models/sgd.js';
import { loadCore, WasmMemoryError } from '../src/wasm/loader.js';
import { makeProblem, reluCoefficients } from './support/network.js';

describe('reservations past 4 GiB', () => {
  it('are refused with an error naming the size, and the arena is unchanged', async () => {
    const core = await loadCore();
    const before = core.mark();
    // 8·(2^29 + 1) bytes would wrap to 8 in a 32-bit size
    expect(() => core.allocF64(2 ** 29 + 1)).toThrow(WasmMemoryError);
    expect(() => core.allocF64(2 ** 29 + 1)).toThrow(/^cannot reserve 4294967304 bytes \(4\.00 GiB\) of Wasm memory: 32-bit Wasm memory holds at most 4 GiB/);
    // below 2^32 but past the end of memory: the module's own overflow check
    expect(() => core.alloc(2 ** 32 - 64)).toThrow(/^cannot reserve 4294967232 bytes/);
    expect(() => core.alloc(-1)).toThrow(WasmMemoryError);
    expect(core.mark()).toBe(before);
    expect(core.allocF64(4)).toBe(before); // and the arena still works
  });

  it('an SGD run that cannot fit is refused up front, before any work', async () => {
    const err = await run({ model: 'sgd', activation: 'relu', target: 'relu', m: 20000, d: 20000, eta: 1e-3, time: { end: 1, points: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('m');
    expect((err as ConfigError).message).toMatch(/^m: with d = 20000, batch = 1, samples = 0, this run needs about [\d.]+ GiB \(\d+ bytes\) of WebAssembly memory, more than the 4\.0 GiB/);
  });
});

describe('SGD called directly', () => {
  it('refuses, naming d, a state that 32-bit memory cannot hold, before reserving anything', async () => {
    const core = await loadCore();
    const before = core.mark();
    const p = makeProblem({ activation: 'relu', m: 20_000, d: 20_000, phi: [1, 1, 1] });
    const err = (() => {
      try {
        solveSgd(core, p, { eta: 1e-3, batch: 1, samples: 0 }, Float64Array.of(0, 1));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^d: the state and scratch \(W, samples, two batches\) need 6\.\d GiB/);
    expect(core.mark()).toBe(before);
  });
});

describe('pointers above 2 GiB', () => {
  it('every model gives the same bits with its memory past 2^31', async () => {
    const core = await loadCore('scalar');
    const p = makeProblem({ activation: 'relu', m: 4, d: 12, phi: [1, 1, 1], degrees: 2 });
    const times = Float64Array.of(0, 0.05, 0.1);
    const mf = {
      sigma: reluCoefficients(6), phi: Float64Array.of(1, 1, 1, 0, 0, 0, 0), kernel: null, noise: 0, epsilon: 0.05, degrees: 2,
      a0: Float64Array.of(0.3, -0.5, 1.1, 0.7), s0: Float64Array.of(0.1, -0.2, 0.05, 0.3),
    };
    const solve = () => [
      solveSgd(core, p, { eta: 1e-3, batch: 2, samples: 0, keepWeights: true }, times),
      solveNetwork(core, p, { eta: 1e-3, keepWeights: true }, times),
      solveMeanfield(core, mf, { method: 'stiff', form: 'moment', rtol: 1e-8, atol: 1e-10, keepWeights: true }, times),
    ];
    const low = solve();
    const high = core.scoped(() => {
      core.alloc(2 ** 31 + 2 ** 20); // memory.grow: the pages are not touched
      const ptr = core.allocF64(4);
      expect(ptr).toBeGreaterThan(2 ** 31);
      core.f64(ptr, 4).set([1, 2, 3, 4]);
      expect(core.exports.dot(ptr, ptr, 4)).toBe(30);
      return solve();
    });
    for (let i = 0; i < 3; i++) {
      expect(high[i].retcode).toBe('success');
      expect({ ...high[i], stats: null }).toEqual({ ...low[i], stats: null });
    }
  });
});

describe('random generator state', () => {
  it('the all-zero state is reported invalid and stops the samplers with an error rather than a hang', async () => {
    const core = await loadCore();
    core.scoped(() => {
      const x = core.exports;
      const rng = core.alloc(x.RNG_STATE_BYTES.value);
      const out = core.allocF64(4);
      x.rngSeed(rng, 5);
      expect(Boolean(x.rngValid(rng))).toBe(true);
      core.f64(rng, x.RNG_STATE_BYTES.value / 8).fill(0);
      expect(Boolean(x.rngValid(rng))).toBe(false);
      expect(() => x.rngNormals(rng, out, 4)).toThrow(/generator state is degenerate/);
      expect(() => x.rngChi2(rng, 10)).toThrow(/generator state is degenerate/);
    });
  });
});
