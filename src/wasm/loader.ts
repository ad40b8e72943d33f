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

/** Wasm32 memory holds at most 65536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/** A reservation the 32-bit Wasm memory cannot hold; `bytes` is the size asked for. */
export class WasmMemoryError extends RangeError {
  override name = 'WasmMemoryError';
  constructor(readonly bytes: number, inUse: number) {
    super(`cannot reserve ${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB) of Wasm memory: `
      + `32-bit Wasm memory holds at most 4 GiB, and ${(inUse / 2 ** 30).toFixed(2)} GiB are in use`);
  }
}

/**
 * A loaded core: typed exports plus memory helpers that respect `memory.grow`. The raw
 * bindings return usize as a signed i32, so every pointer they return is read with `>>> 0`
 * here; the arena's pointers above 2 GiB are then positive, as typed-array offsets need.
 */
export class Core {
  constructor(readonly exports: CoreExports, readonly variant: Variant) {}

  /**
   * A Float64Array view of `n` doubles at `ptr`, sharing Wasm memory (no copy).
   * Any later call that allocates may grow memory and detach it: take views after
   * the last allocation, or call this again.
   */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, ptr >>> 0, n);
  }

  /** Reserves `bytes` bytes (16-byte aligned) and returns the pointer; WasmMemoryError if they do not fit. */
  alloc(bytes: number): number {
    // a size ≥ 2^32 would be wrapped by the i32 parameter: refuse it here
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes >= WASM_MEMORY_LIMIT) throw new WasmMemoryError(bytes, this.mark());
    try {
      return this.exports.alloc(bytes) >>> 0;
    } catch (e) {
      // assembly/memory.ts aborts when the end would pass 2^32 or memory.grow fails
      if ((this.exports.allocFailed() >>> 0) === bytes) throw new WasmMemoryError(bytes, this.mark());
      throw e;
    }
  }

  /** Reserves n doubles and returns the pointer. */
  allocF64(n: number): number {
    return this.alloc(8 * Math.max(n, 1));
  }

  /** Reserves space for `values` and copies them in; returns the pointer. */
  put(values: ArrayLike<number>): number {
    const ptr = this.allocF64(values.length);
    this.f64(ptr, values.length).set(values);
    return ptr;
  }

  /** The arena's top: everything reserved since a mark is freed by release(mark). */
  mark(): number {
    return this.exports.mark() >>> 0;
  }

  release(mark: number): void {
    this.exports.release(mark);
  }

  /** Runs `fn` and then frees everything it reserved in the arena, even if it throws. */
  scoped<T>(fn: () => T): T {
    const m = this.mark();
    try {
      return fn();
    } finally {
      this.release(m);
    }
  }

  /**
   * scoped() for work that awaits between Wasm calls. The arena is a stack: nothing else may
   * reserve memory on this core until the promise settles (run() takes turns per core).
   */
  async scopedAsync<T>(fn: () => Promise<T>): Promise<T> {
    const m = this.mark();
    try {
      return await fn();
    } finally {
      this.release(m);
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
