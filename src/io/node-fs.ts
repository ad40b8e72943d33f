// node:fs for the Node-only file code, reached through process.getBuiltinModule so that
// browser bundles of the library never import it. In a file of its own so that the public
// declarations (atomic.d.ts and the index) never name Node's types: a consumer without
// @types/node compiles against them.

type Fs = typeof import('node:fs');

let fs: Fs | undefined;

/** node:fs, or an error saying that this needs Node.js. (Found once: a study asks for it per cell, and getBuiltinModule took ~5 µs a call.) */
export function nodeFs(): Fs {
  fs ??= globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new Error('file output needs Node.js ≥ 20.16 (node:fs)');
  return fs;
}
