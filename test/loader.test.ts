// The core loader: picking a build, the module sources a caller may pass (URL, bytes,
// Response, compiled module), one fetch per build and source, and errors that say
// what went wrong and where.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { type Core, loadCore, simdSupported } from '../src/wasm/loader.js';

const buildUrl = (variant: string) => new URL(`../build/timescales.${variant}.wasm`, import.meta.url);
const bytesOf = (variant: string) => new Uint8Array(readFileSync(buildUrl(variant)));

function dotWith(core: Core): { got: number; ref: number; n: number } {
  const n = 1003;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(0.3 * i));
  let ref = 0;
  for (let i = 0; i < n; i++) ref += x[i] * y[i];
  return { got: core.scoped(() => core.exports.dot(core.put(x), core.put(y), n)), ref, n };
}

function expectWorks(core: Core): void {
  const { got, ref, n } = dotWith(core);
  expect(Math.abs(got - ref)).toBeLessThan(1e-12 * n);
}

describe('core loader', () => {
  it('picks SIMD where the engine validates it (Node 20 does)', async () => {
    const core = await loadCore();
    expect(core.variant).toBe('simd');
  });

  it('detects SIMD with a probe that agrees with validating the whole SIMD build', async () => {
    expect(await simdSupported()).toBe(WebAssembly.validate(bytesOf('simd')));
    expect(await simdSupported()).toBe(true);
  });

  it('gives the same dot product in both builds and matches a plain sum', async () => {
    for (const variant of ['simd', 'scalar'] as const) expectWorks(await loadCore(variant));
  });

  it('instantiates each build once per realm', async () => {
    const [a, b, c] = await Promise.all([loadCore(), loadCore('simd'), loadCore({ variant: 'simd' })]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await loadCore('scalar')).not.toBe(a);
    expect(a.module).toBeInstanceOf(WebAssembly.Module);
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

describe('core loader with modules from the caller', () => {
  // Serves build/ and counts the requests per path; /page.wasm answers with an HTML page
  // (as a dev server's fallback does), /missing.wasm with 404.
  let server: Server;
  let base: string;
  const requests = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      requests.set(path, (requests.get(path) ?? 0) + 1);
      const m = /^\/timescales\.(simd|scalar)\.wasm$/.exec(path);
      if (m) res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytesOf(m[1]));
      else if (path === '/page.wasm') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('fetches a URL (a URL object or a string) once, however often and however spelt it is asked for', async () => {
    const url = new URL('timescales.scalar.wasm', base);
    const cores = await Promise.all([
      loadCore({ variant: 'scalar', modules: { scalar: url } }),
      loadCore({ variant: 'scalar', modules: { scalar: url.href } }),
      loadCore({ modules: { scalar: new URL(url) } }), // auto, among the builds offered: scalar
    ]);
    expect(cores[0].variant).toBe('scalar');
    expect(cores[1]).toBe(cores[0]);
    expect(cores[2]).toBe(cores[0]);
    expect(await loadCore({ modules: { scalar: url } })).toBe(cores[0]);
    expect(requests.get('/timescales.scalar.wasm')).toBe(1);
    expectWorks(cores[0]);
    // A caller's module is not the default one: the default build stays separate.
    expect(await loadCore('scalar')).not.toBe(cores[0]);
  });

  it('compiles bytes, an ArrayBuffer, a Response, a promised Response and a compiled module', async () => {
    const bytes = bytesOf('simd');
    const sources = {
      bytes,
      'ArrayBuffer': bytes.slice().buffer,
      'Response': new Response(bytes.slice()),
      'promised Response': fetch(new URL('timescales.simd.wasm', base)),
      'WebAssembly.Module': new WebAssembly.Module(bytes),
    };
    for (const [what, simd] of Object.entries(sources)) {
      const core = await loadCore({ modules: { simd } });
      expect(core.variant, what).toBe('simd');
      expectWorks(core);
      expect(await loadCore({ modules: { simd } }), `${what}: loaded once`).toBe(core);
    }
  });

  it('hands out its compiled module, which another realm can instantiate without a fetch', async () => {
    const core = await loadCore('simd');
    const again = await loadCore({ modules: { simd: core.module! } });
    expect(again).not.toBe(core); // a fresh instance, with its own memory
    expect(again.module).toBe(core.module);
    expectWorks(again);
  });

  it('says which build failed and why: HTTP status, a page instead of the module, an unusable source', async () => {
    await expect(loadCore({ variant: 'scalar', modules: { scalar: new URL('missing.wasm', base) } }))
      .rejects.toThrow(/^the scalar build: cannot fetch http:.*\/missing\.wasm: HTTP 404$/);
    await expect(loadCore({ modules: { simd: new URL('page.wasm', base) } }))
      .rejects.toThrow(/^the SIMD build: .*page\.wasm is not a WebAssembly module \(it starts with "<!doctype html><": a server answered with a page instead of the file\)$/);
    await expect(loadCore({ modules: { simd: 'not a url' } })).rejects.toThrow(/^the SIMD build: "not a url" is not a URL/);
    await expect(loadCore({ modules: { simd: 42 as never } })).rejects.toThrow(/^the SIMD build: expected a URL, bytes, a Response or a WebAssembly.Module \(got number\)$/);
  });

  it('forgets a failed load, so that a later call tries again', async () => {
    const flaky = { calls: 0 };
    const source = { then: (ok: (r: Response) => void) => ok(flaky.calls++ === 0 ? new Response(null, { status: 503 }) : new Response(bytesOf('simd'))) };
    await expect(loadCore({ modules: { simd: source } })).rejects.toThrow(/HTTP 503/);
    expectWorks(await loadCore({ modules: { simd: source } }));
    expect(flaky.calls).toBe(2);
  });

  it('refuses a variant it does not know and a build the options do not supply, naming the field', async () => {
    await expect(loadCore('avx' as never)).rejects.toThrow(ConfigError);
    await expect(loadCore('avx' as never)).rejects.toMatchObject({ field: 'variant' });
    await expect(loadCore({ variant: 'simd', modules: { scalar: bytesOf('scalar') } })).rejects.toMatchObject({ field: 'modules.simd' });
  });
});
