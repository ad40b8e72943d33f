// Whole-or-nothing file writes (Node only): write to a temporary name beside the
// target, then rename over it, so a reader never sees a half-written file.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
