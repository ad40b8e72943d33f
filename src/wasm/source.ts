// Compiling a build of the core from whatever the caller holds: a URL, the bytes, a
// fetch Response or an already compiled WebAssembly.Module. Bundlers, CDNs and pages
// whose Content-Security-Policy restricts where code comes from pass one of these to
// loadCore; by default the loader passes the URL of the file beside the package.
//
// No module here imports a Node builtin, so browser bundles never see one: file: URLs
// are read through process.getBuiltinModule where the engine has it (Node, Bun) and
// fetched otherwise (Deno fetches file: URLs itself).

/** A build of the core as the caller holds it. A string is a URL, relative to the page where there is one. */
export type ModuleSource = string | URL | ArrayBuffer | ArrayBufferView | Response | PromiseLike<Response> | WebAssembly.Module;

/** The first four bytes of every WebAssembly module: "\0asm". */
const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Compiles `source`; `what` names the build in errors (e.g. 'the SIMD build'). */
export async function compileSource(source: ModuleSource, what: string): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) return compileBytes(await readUrl(toUrl(source, what), what), what, String(source));
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return compileBytes(asBytes(source), what, 'the bytes passed');
  const res = await source;
  if (!isResponse(res)) throw unsupported(res, what);
  return compileBytes(await responseBytes(res, what), what, res.url || 'the Response passed');
}

function toUrl(source: string | URL, what: string): URL {
  if (source instanceof URL) return source;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(source, base);
  } catch {
    throw new TypeError(`${what}: "${source}" is not a URL${base ? '' : ' (with no page to resolve it against, pass an absolute URL or the bytes)'}`);
  }
}

interface FsPromises { readFile(url: URL): Promise<Uint8Array> }

async function readUrl(url: URL, what: string): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const fs = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
    if (fs) {
      try {
        return await fs.readFile(url);
      } catch (e) {
        throw new Error(`${what}: cannot read ${url.href}: ${(e as Error).message}`, { cause: e });
      }
    }
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${what}: cannot fetch ${url.href}: ${(e as Error).message}`, { cause: e });
  }
  return responseBytes(res, what);
}

async function responseBytes(res: Response, what: string): Promise<Uint8Array> {
  if (!res.ok) throw new Error(`${what}: cannot fetch ${res.url || 'the Response passed'}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function compileBytes(bytes: Uint8Array, what: string, from: string): Promise<WebAssembly.Module> {
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.');
    throw new Error(`${what}: ${from} is not a WebAssembly module (it starts with "${head}"${head.startsWith('<') ? ': a server answered with a page instead of the file' : ''})`);
  }
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

function asBytes(source: ArrayBuffer | ArrayBufferView): Uint8Array {
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

function isResponse(x: unknown): x is Response {
  return typeof x === 'object' && x !== null && typeof (x as Response).arrayBuffer === 'function' && typeof (x as Response).ok === 'boolean';
}

/** The error for a source of no kind that compileSource takes. */
export function unsupported(x: unknown, what: string): TypeError {
  const kind = x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
  return new TypeError(`${what}: expected a URL, bytes, a Response or a WebAssembly.Module (got ${kind})`);
}
