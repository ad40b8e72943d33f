// Whole-or-nothing file writes (Node only), without replacing what a path points to.
//
// - A symlink is followed to its final target; the target is written, the link is kept.
// - A regular file (or a missing one) is written to a temporary file beside it, fsync'ed,
//   renamed over the target, and the folder is fsync'ed: a reader sees the old file or
//   the new one, never half of either, and after a crash the rename is on disk with its
//   data. An existing file's permission bits are kept.
// - Anything else (/dev/stdout, /dev/null, a FIFO, a character device) is written
//   through: opened and written in place, never replaced by a regular file.
//
// Data arrives in pieces (writeStreamAtomic) and goes to the file descriptor in chunks,
// so no output is limited by the engine's maximum string length. node:fs comes from
// ./node-fs.ts, so that browser bundles never import it.

import { nodeFs } from './node-fs.js';

type Fs = ReturnType<typeof nodeFs>;

/** Pieces are gathered up to this many characters (or bytes) before each write(2). */
export const CHUNK_CHARS = 1 << 20;

/** Symlinks followed before giving up (as the kernel's ELOOP limit). */
const MAX_LINKS = 40;

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The path that writing `path` really writes: symlinks followed to their final target,
 * also when that target does not exist yet (a dangling link is written through).
 */
export function resolveTarget(path: string): string {
  const fs = nodeFs();
  try {
    return fs.realpathSync(path);
  } catch {
    // missing, or a dangling link: follow the links by hand below
  }
  let p = path;
  for (let i = 0; i < MAX_LINKS; i++) {
    let st: import('node:fs').Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return p; // missing (or unreachable: the write reports why)
    }
    if (!st.isSymbolicLink()) return p;
    const link = fs.readlinkSync(p);
    p = link.startsWith('/') ? link : `${dirOf(p)}/${link}`;
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP', syscall: 'open', path });
}

/**
 * Why `path` cannot be written, or null if it can: checked before a long computation,
 * so that a bad output path is refused before any work. For a regular (or new) file it
 * creates and removes a probe file beside the target, which is the only check that
 * also sees read-only mounts, immutable folders and root's exceptions.
 */
export function outputProblem(path: string): string | null {
  const fs = nodeFs();
  if (path === '') return 'is empty';
  let st: import('node:fs').Stats | undefined;
  try {
    st = fs.statSync(path); // follows every link, also the kernel's (/dev/stdout → pipe:[…])
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return `${path}: a parent of it is a file, not a folder`;
    if (code !== 'ENOENT') return `${path}: ${(e as Error).message}`;
  }
  if (st?.isDirectory()) return `${path} is a folder`;
  if (st && !st.isFile()) {
    try {
      fs.accessSync(path, fs.constants.W_OK);
      return null;
    } catch (e) {
      return `${path} is not writable (${(e as NodeJS.ErrnoException).code})`;
    }
  }
  let target: string;
  try {
    target = resolveTarget(path);
  } catch (e) {
    return (e as Error).message;
  }
  const dir = dirOf(target);
  let dst: import('node:fs').Stats;
  try {
    dst = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `folder ${dir} does not exist`;
    if (code === 'ENOTDIR') return `${dir} is not a folder (a parent of it is a file)`;
    return `folder ${dir}: ${(e as Error).message}`;
  }
  if (!dst.isDirectory()) return `${dir} is a file, not a folder`;
  const probe = tempName(target, 'probe');
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe, { force: true });
  } catch (e) {
    return `cannot write in folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  return null;
}

let counter = 0;
function tempName(target: string, kind: string): string {
  return `${dirOf(target)}/.${baseOf(target)}.${process.pid}.${++counter}.${kind}.tmp`;
}

/** Writes all of `bytes` at the descriptor's position (write(2) may write less than asked). */
function writeAll(fs: Fs, fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

/** A sink that gathers pieces and hands them to `flush` in chunks of about CHUNK_CHARS. */
export function chunked(flush: (bytes: Uint8Array) => void, chunkChars = CHUNK_CHARS): { write(piece: string | Uint8Array): void; end(): void } {
  const encoder = new TextEncoder();
  let parts: string[] = [];
  let size = 0;
  const drain = () => {
    if (parts.length) flush(encoder.encode(parts.join('')));
    parts = [];
    size = 0;
  };
  return {
    write(piece) {
      if (typeof piece !== 'string') {
        drain();
        flush(piece);
        return;
      }
      if (piece.length >= chunkChars) {
        drain();
        flush(encoder.encode(piece));
        return;
      }
      parts.push(piece);
      size += piece.length;
      if (size >= chunkChars) drain();
    },
    end: drain,
  };
}

/**
 * Writes `path` whole or not at all from the pieces `fill` passes to `write` (strings
 * are UTF-8 encoded). If `fill` throws, the target is untouched (a regular file) and
 * the error is rethrown. See the top of this file for symlinks and non-regular files.
 */
export function writeStreamAtomic(path: string, fill: (write: (piece: string | Uint8Array) => void) => void): void {
  const fs = nodeFs();
  let existing: import('node:fs').Stats | undefined;
  try {
    existing = fs.statSync(path); // follows every link, also the kernel's (/dev/stdout → pipe:[…])
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    // A device, FIFO or socket: write through (O_TRUNC is ignored by devices and FIFOs).
    const fd = fs.openSync(path, 'w');
    try {
      const sink = chunked((b) => writeAll(fs, fd, b));
      fill(sink.write);
      sink.end();
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const target = resolveTarget(path);
  const tmp = tempName(target, 'part');
  const fd = fs.openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
  let closed = false;
  try {
    const sink = chunked((b) => writeAll(fs, fd, b));
    fill(sink.write);
    sink.end();
    if (existing) fs.fchmodSync(fd, existing.mode & 0o7777); // the mode asked at open is masked by umask
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    closed = true;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (!closed) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(fs, dirOf(target));
}

/** fsync of a folder, so that a rename in it is on disk; skipped where folders cannot be synced. */
function syncFolder(fs: Fs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `data` to `path` whole or not at all (writeStreamAtomic with one piece). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeStreamAtomic(path, (write) => write(data));
}
