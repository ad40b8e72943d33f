// Loads the compiled core and hands out views into its memory.
//
// The module comes from the file beside the package or from the caller (source.ts);
// @assemblyscript/loader instantiates it and supplies the `abort` import that turns an
// AssemblyScript abort into an Error carrying its message and source position. The
// exports' types come from the declaration file that asc emits beside each build
// (build/timescales.simd.d.ts), so the signatures are written down in one place only.
import { instantiate as instantiateWasm } from '@assemblyscript/loader';
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

/** A loaded core: typed exports plus memory helpers that respect `memory.grow`. */
export class Core {
  /** `module` is the compiled build: post it to a worker and loadCore it there to skip the fetch. */
  constructor(readonly exports: CoreExports, readonly variant: Variant, readonly module?: WebAssembly.Module) {}

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

/** True when this engine runs the SIMD build (checked once per realm, without fetching it). */
export function simdSupported(): Promise<boolean> {
  simd ??= WebAssembly.validate(SIMD_PROBE);
  return Promise.resolve(simd);
}

export interface LoadOptions {
  /** 'auto' (default): SIMD where the engine runs it, else scalar; among the builds in `modules` when given. */
  variant?: Variant | 'auto';
  /**
   * Where the builds come from: a URL, the bytes, a fetch Response or a compiled
   * WebAssembly.Module per build. Default: the files beside the package
   * (build/timescales.simd.wasm, build/timescales.scalar.wasm).
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
  }).then(async (module) => {
    const { exports } = await instantiateWasm<CoreExports>(module, {});
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
 * is SIMD where the engine runs it, scalar otherwise; never 'relaxed'. Each build is fetched and instantiated once per realm (and
 * source); later calls return the same Core.
 */
export function loadCore(variant?: Variant | 'auto'): Promise<Core>;
export function loadCore(options: LoadOptions): Promise<Core>;
export async function loadCore(arg: Variant | 'auto' | LoadOptions = 'auto'): Promise<Core> {
  const { variant = 'auto', modules } = typeof arg === 'string' ? { variant: arg } : arg;
  if (variant !== 'auto' && !VARIANTS.includes(variant)) {
    throw new ConfigError('variant', `must be one of 'auto', ${VARIANTS.map((v) => `'${v}'`).join(', ')}`, variant);
  }
  if (variant !== 'auto') {
    if (modules && modules[variant] === undefined) {
      throw new ConfigError(`modules.${variant}`, `is needed to load ${NAMES[variant]} (modules names ${Object.keys(modules).join(', ') || 'none'})`);
    }
    return instance(variant, modules?.[variant]);
  }
  const offered = AUTO.filter((v) => !modules || modules[v] !== undefined);
  const usable = (await simdSupported()) ? offered : offered.filter((v) => v !== 'simd');
  if (!usable.length) throw new ConfigError('modules.scalar', `is needed: this engine does not run ${NAMES.simd}`);
  return instance(usable[0], modules?.[usable[0]]);
}
