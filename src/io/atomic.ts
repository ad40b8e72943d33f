// Whole-or-nothing file writes (Node only): write to a temporary name beside the
// target, then rename over it, so a reader never sees a half-written file and a crash
// mid-write leaves the previous file intact. node:fs is reached through
// process.getBuiltinModule so that browser bundles of the library never import it.

/** node:fs, or an error saying that this needs Node.js. */
export function nodeFs(): typeof import('node:fs') {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new Error('file output needs Node.js ≥ 20.16 (node:fs)');
  return fs;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const fs = nodeFs();
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
