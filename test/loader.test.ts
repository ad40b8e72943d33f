import { describe, expect, it } from 'vitest';
import { loadCore } from '../src/wasm/loader.js';

describe('core loader', () => {
  it('picks SIMD where the engine validates it (Node 20 does)', async () => {
    const core = await loadCore();
    expect(core.variant).toBe('simd');
  });

  it('gives the same dot product in both builds and matches a plain sum', async () => {
    const n = 1003;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(0.3 * i));
    let ref = 0;
    for (let i = 0; i < n; i++) ref += x[i] * y[i];
    for (const variant of ['simd', 'scalar'] as const) {
      const core = await loadCore(variant);
      const got = core.scoped(() => core.exports.dot(core.put(x), core.put(y), n));
      expect(Math.abs(got - ref)).toBeLessThan(1e-12 * n);
    }
  });

  it('releases scoped memory and survives memory growth', async () => {
    const core = await loadCore('scalar');
    const before = core.exports.mark();
    core.scoped(() => {
      const p = core.allocF64(4 << 20); // 32 MiB: forces memory.grow
      core.f64(p, 4 << 20).fill(1);
      expect(core.f64(p, 4 << 20)[(4 << 20) - 1]).toBe(1);
    });
    expect(core.exports.mark()).toBe(before);
  });
});
