// Checkpoint files (Node only): a one-line JSON header, then the raw bytes of a model's
// state block in Wasm memory. Written whole-or-nothing (temporary file, then rename), so
// a crash mid-write leaves the previous checkpoint intact. node:fs is reached through
// process.getBuiltinModule so that browser bundles of the library never import it.

export type CheckpointHeader = Record<string, string | number>;

function nodeFs(): typeof import('node:fs') {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new Error('checkpoints need Node.js ≥ 20.16 (node:fs)');
  return fs;
}

/** Writes header and state to `path` atomically. */
export function writeCheckpoint(path: string, header: CheckpointHeader, state: Uint8Array): void {
  const fs = nodeFs();
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const bytes = new Uint8Array(head.length + state.length);
  bytes.set(head);
  bytes.set(state, head.length);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a checkpoint written by writeCheckpoint. */
export function readCheckpoint(path: string): { header: CheckpointHeader; state: Uint8Array } {
  const bytes = new Uint8Array(nodeFs().readFileSync(path));
  const end = bytes.indexOf(10); // JSON.stringify never emits a raw newline
  if (end < 0) throw new Error(`${path}: not a checkpoint (no header line)`);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as CheckpointHeader, state: bytes.subarray(end + 1) };
}
