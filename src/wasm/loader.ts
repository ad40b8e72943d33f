// Loads the compiled core and hands out views into its memory.
//
// Why @assemblyscript/loader: it instantiates from bytes, a Response or a compiled
// module alike (Node, browsers, workers) and supplies the `abort` import that turns an
// AssemblyScript abort into an Error carrying its message and source position. The
// exports' types come from the declaration file that asc emits beside each build
// (build/timescales.simd.d.ts), so the signatures are written down in one place only.
import { instantiate as instantiateWasm } from '@assemblyscript/loader';
import type { instantiate } from '../../build/timescales.simd.js';

export type CoreExports = Awaited<ReturnType<typeof instantiate>>;
/**
 * 'simd' and 'scalar' give the same bits in every engine; 'relaxed' (opt-in, never picked by
 * 'auto') fuses the SIMD multiply-adds with f64x2.relaxed_madd, whose rounding depends on the
 * engine and hardware, and needs an engine with relaxed SIMD (Node ≥ 22, Chromium, Deno, Bun).
 */
export type Variant = 'simd' | 'scalar' | 'relaxed';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

function moduleUrl(variant: Variant): URL {
  return new URL(`../../build/timescales.${variant}.wasm`, import.meta.url);
}

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A loaded core: typed exports plus memory helpers that respect `memory.grow`. */
export class Core {
  constructor(readonly exports: CoreExports, readonly variant: Variant) {}

  /**
   * A Float64Array view of `n` doubles at `ptr`, sharing Wasm memory (no copy).
   * Any later call that allocates may grow memory and detach it: take views after
   * the last allocation, or call this again.
   */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, ptr, n);
  }

  /** Reserves n doubles and returns the pointer. */
  allocF64(n: number): number {
    return this.exports.alloc(8 * Math.max(n, 1));
  }

  /** Reserves space for `values` and copies them in; returns the pointer. */
  put(values: ArrayLike<number>): number {
    const ptr = this.allocF64(values.length);
    this.f64(ptr, values.length).set(values);
    return ptr;
  }

  /** Runs `fn` and then frees everything it reserved in the arena, even if it throws. */
  scoped<T>(fn: () => T): T {
    const m = this.exports.mark();
    try {
      return fn();
    } finally {
      this.exports.release(m);
    }
  }
}

const cache = new Map<Variant, Promise<Core>>();

async function instantiateVariant(variant: Variant): Promise<Core> {
  const bytes = await readBytes(moduleUrl(variant));
  if (variant === 'relaxed' && !WebAssembly.validate(bytes)) {
    throw new Error("loadCore('relaxed'): this engine does not support relaxed SIMD (Node >= 22, Chromium, Deno or Bun do); use 'simd' or 'auto'");
  }
  const { exports } = await instantiateWasm<CoreExports>(bytes, {});
  return new Core(exports as unknown as CoreExports, variant);
}

let simdCheck: Promise<boolean> | undefined;

/** True when this engine accepts the SIMD build (checked once per realm). */
export function simdSupported(): Promise<boolean> {
  simdCheck ??= readBytes(moduleUrl('simd')).then((bytes) => WebAssembly.validate(bytes));
  return simdCheck;
}

/**
 * The core for `variant`; 'auto' (default) is SIMD when WebAssembly.validate accepts
 * the SIMD build, scalar otherwise. Each variant is instantiated once per realm.
 */
export function loadCore(variant: Variant | 'auto' = 'auto'): Promise<Core> {
  if (variant === 'auto') {
    return simdSupported().then((ok) => loadCore(ok ? 'simd' : 'scalar'));
  }
  let p = cache.get(variant);
  if (!p) {
    p = instantiateVariant(variant);
    cache.set(variant, p);
  }
  return p;
}
