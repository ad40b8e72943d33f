// Loads the compiled core and hands out views into its memory.
//
// The module comes from the file beside the package or from the caller (source.ts);
// @assemblyscript/loader instantiates it and supplies the `abort` import that turns an
// AssemblyScript abort into an Error carrying its message and source position. The
// exports' types come from the declaration file that asc emits beside each build
// (build/timescales.simd.d.ts), so the signatures are written down in one place only.
import { instantiateSync } from '@assemblyscript/loader';
import type { instantiate } from '../../build/timescales.simd.js';
import { ConfigError } from '../errors.js';
import { compileSource, type ModuleSource, unsupported } from './source.js';

export type { ModuleSource } from './source.js';

export type CoreExports = Awaited<ReturnType<typeof instantiate>>;
/**
 * 'simd' and 'scalar' give the same bits in every engine; 'relaxed' (opt-in, never picked by
 * 'auto') fuses the SIMD multiply-adds with f64x2.relaxed_madd, whose rounding depends on the
 * engine and hardware, and needs an engine with relaxed SIMD (Node ≥ 22, Chromium, Deno, Bun).
 */
export type Variant = 'simd' | 'scalar' | 'relaxed';

const VARIANTS: readonly Variant[] = ['simd', 'scalar', 'relaxed'];
/** The builds 'auto' chooses from, in order of preference. */
const AUTO: readonly Variant[] = ['simd', 'scalar'];
const NAMES: Record<Variant, string> = { simd: 'the SIMD build', scalar: 'the scalar build', relaxed: 'the relaxed-SIMD build' };

/**
 * Where each build lives beside this file: one literal `new URL('…', import.meta.url)`
 * per build, a pattern bundlers recognise. Vite and Rollup copy the file into the
 * output; Vite's dev server, which pre-bundles this module into node_modules/.vite/deps/,
 * rebases the literal to the package's file (a URL built from a template, `${variant}`,
 * cannot be rebased and pointed at nothing there).
 */
const DEFAULT_URLS: Record<Variant, () => URL> = {
  simd: () => new URL('../../build/timescales.simd.wasm', import.meta.url),
  scalar: () => new URL('../../build/timescales.scalar.wasm', import.meta.url),
  relaxed: () => new URL('../../build/timescales.relaxed.wasm', import.meta.url),
};

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
  /** `module` is the compiled build: post it to a worker and loadCore it there to skip the fetch. */
  constructor(readonly exports: CoreExports, readonly variant: Variant, readonly module?: WebAssembly.Module) {}

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

/**
 * A SIMD module of one function, `() -> v128 { i8x16.popcnt(i8x16.splat(0)) }`: type,
 * function and code sections around the opcodes 0xfd 0x0f (splat) and 0xfd 0x62 (popcnt,
 * among the last added to the proposal). An engine validates it exactly when it runs
 * fixed-width SIMD, which is all the SIMD build needs beyond the scalar one; checking it
 * costs no fetch of the (60 kB) SIMD build.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // code: i32.const 0, i8x16.splat, i8x16.popcnt, end
]);

let simd: boolean | undefined;

function simdValid(): boolean {
  simd ??= WebAssembly.validate(SIMD_PROBE);
  return simd;
}

/** True when this engine runs the SIMD build (checked once per realm, without fetching it). */
export function simdSupported(): Promise<boolean> {
  return Promise.resolve(simdValid());
}

export interface LoadOptions {
  /** 'auto' (default): SIMD where the engine runs it, else scalar; among the builds in `modules` when given. */
  variant?: Variant | 'auto';
  /**
   * Where the builds come from: a URL, the bytes, a fetch Response or a compiled
   * WebAssembly.Module per build. Default: the files beside the package
   * (build/timescales.<variant>.wasm).
   */
  modules?: Partial<Record<Variant, ModuleSource>>;
}

// One instance per build and source per realm: a URL by its address, anything else by
// identity. A failed load is forgotten, so that a later call can try again.
const byUrl = new Map<string, Promise<Core>>();
const byObject = new WeakMap<object, Promise<Core>>();

function instance(variant: Variant, source: ModuleSource = DEFAULT_URLS[variant]()): Promise<Core> {
  const url = typeof source === 'string' || source instanceof URL ? `${variant} ${source}` : null;
  if (!url && (typeof source !== 'object' || source === null)) return Promise.reject(unsupported(source, NAMES[variant]));
  const cached = url ? byUrl.get(url) : byObject.get(source as object);
  if (cached) return cached;
  const p = compileSource(source, NAMES[variant]).catch((e: unknown) => {
    if (variant === 'relaxed' && e instanceof WebAssembly.CompileError) {
      throw new Error("loadCore('relaxed'): this engine does not support relaxed SIMD (Node >= 22, Chromium, Deno or Bun do); use 'simd' or 'auto'", { cause: e });
    }
    throw e;
  }).then((module) => {
    // Instantiated synchronously from the compiled module: the loader's async instantiate first
    // asks `typeof Response`, which in Node loads its whole fetch stack (undici, with a Wasm HTTP
    // parser of its own) just to answer: tens of ms of start-up, more when Wasm is compiled eagerly.
    const { exports } = instantiateSync<CoreExports>(module, {});
    return new Core(exports as unknown as CoreExports, variant, module);
  });
  const forget = () => (url ? byUrl.delete(url) : byObject.delete(source as object));
  if (url) byUrl.set(url, p);
  else byObject.set(source as object, p);
  p.catch(forget);
  return p;
}

/**
 * The core: `loadCore()`, `loadCore('simd' | 'scalar' | 'relaxed')`, or
 * `loadCore({ variant, modules })` with the builds supplied by the caller. 'auto' (default)
 * is SIMD where the engine runs it, scalar otherwise; never 'relaxed'. Each build is
 * fetched and instantiated once per realm (and source); later calls return the same Core.
 */
export function loadCore(variant?: Variant | 'auto'): Promise<Core>;
export function loadCore(options: LoadOptions): Promise<Core>;
export function loadCore(arg: Variant | 'auto' | LoadOptions = 'auto'): Promise<Core> {
  // Not async: the fetch starts within this call, even while a module is still evaluating.
  try {
    const { variant, source } = chooseBuild(typeof arg === 'string' ? { variant: arg } : arg);
    return instance(variant, source);
  } catch (e) {
    return Promise.reject(e);
  }
}

function chooseBuild({ variant = 'auto', modules }: LoadOptions): { variant: Variant; source?: ModuleSource } {
  if (variant !== 'auto' && !VARIANTS.includes(variant)) {
    throw new ConfigError('variant', `must be one of 'auto', ${VARIANTS.map((v) => `'${v}'`).join(', ')}`, variant);
  }
  if (variant !== 'auto') {
    if (modules && modules[variant] === undefined) {
      throw new ConfigError(`modules.${variant}`, `is needed to load ${NAMES[variant]} (modules names ${Object.keys(modules).join(', ') || 'none'})`);
    }
    return { variant, source: modules?.[variant] };
  }
  const offered = AUTO.filter((v) => !modules || modules[v] !== undefined);
  const usable = simdValid() ? offered : offered.filter((v) => v !== 'simd');
  if (!usable.length) throw new ConfigError('modules.scalar', `is needed: this engine does not run ${NAMES.simd}`);
  return { variant: usable[0], source: modules?.[usable[0]] };
}
