// Checkpoint files (Node only): a one-line JSON header, then the raw bytes of a model's
// state block in Wasm memory, written whole-or-nothing (src/io/atomic.ts).
import { nodeFs, writeFileAtomic } from './atomic.js';

export type CheckpointHeader = Record<string, string | number>;

/** Writes header and state to `path` atomically. */
export function writeCheckpoint(path: string, header: CheckpointHeader, state: Uint8Array): void {
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const bytes = new Uint8Array(head.length + state.length);
  bytes.set(head);
  bytes.set(state, head.length);
  writeFileAtomic(path, bytes);
}

/** Reads a checkpoint written by writeCheckpoint. */
export function readCheckpoint(path: string): { header: CheckpointHeader; state: Uint8Array } {
  const bytes = new Uint8Array(nodeFs().readFileSync(path));
  const end = bytes.indexOf(10); // JSON.stringify never emits a raw newline
  if (end < 0) throw new Error(`${path}: not a checkpoint (no header line)`);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as CheckpointHeader, state: bytes.subarray(end + 1) };
}
