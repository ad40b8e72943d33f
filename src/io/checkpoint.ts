// Checkpoint files (Node only), written whole-or-nothing (src/io/atomic.ts):
//
//   timescales-checkpoint/2\n
//   {header JSON}\n
//   the kept output rows (float64, little-endian, column after column)
//   the run's Wasm arena range, raw
//   SHA-256 of everything above (32 bytes)
//
// The header carries the full validated config and its hash, the build variant, the arena
// range, the step count, the row columns and the SHA-256 of the rows and of the state. A file
// that is empty, truncated, not a checkpoint, or changed anywhere is refused as corrupt
// (CheckpointError, a ConfigError of the field `resume`) before anything is restored.
import { ConfigError } from '../errors.js';
import { nodeFs } from './node-fs.js';
import { writeStreamAtomic } from './atomic.js';

export const CHECKPOINT_FORMAT = 'timescales-checkpoint/2';
const MAGIC = new TextEncoder().encode(`${CHECKPOINT_FORMAT}\n`);
const DIGEST_BYTES = 32;

export interface Checkpoint {
  /** The validated config of the run (its hash is checked against `configHash` on reading). */
  config: unknown;
  /** The Wasm build that wrote the state ('simd' or 'scalar'): its static data fixes the arena's start. */
  variant: string;
  /** Where the saved arena range starts in Wasm memory, and its length in bytes. */
  arena: { start: number; bytes: number };
  /** Steps since t = 0 (integrator steps for the mean-field flow, updates for GD and SGD). */
  step: number;
  /** Output rows kept, and their columns (each rows × width numbers). */
  rows: number;
  columns: { name: string; data: Float64Array }[];
  state: Uint8Array;
}

/** A checkpoint that cannot be used: corrupt, or written for another run. */
export class CheckpointError extends ConfigError {
  override name = 'CheckpointError';
  constructor(path: string, why: string) {
    super('resume', `checkpoint ${path} ${why}`);
  }
}

function crypto(): typeof import('node:crypto') {
  const c = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (!c) throw new Error('checkpoints need Node.js ≥ 20.16 (node:crypto)');
  return c;
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = crypto().createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * JSON with object keys sorted at every depth (undefined fields dropped as JSON.stringify
 * does): the same config always gives the same text, whatever order its fields were
 * written in. Numbers are in JavaScript's shortest round-trip form.
 */
export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJSON(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of a config's canonical JSON. */
export function configHash(config: unknown): string {
  return hex(sha256(new TextEncoder().encode(canonicalJSON(config))));
}

const bytesOf = (x: Float64Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/** Writes the checkpoint to `path` whole or not at all, in pieces (the state is not copied whole). */
export function writeCheckpoint(path: string, c: Checkpoint): void {
  const rows = c.columns.map((col) => bytesOf(col.data));
  const header = {
    format: CHECKPOINT_FORMAT, configHash: configHash(c.config), variant: c.variant, arena: c.arena, step: c.step,
    rows: c.rows, columns: c.columns.map((col) => ({ name: col.name, length: col.data.length })),
    rowsSha256: hex(sha256(...rows)), stateSha256: hex(sha256(c.state)), config: c.config,
  };
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  writeStreamAtomic(path, (write) => {
    const digest = crypto().createHash('sha256');
    for (const piece of [MAGIC, head, ...rows, c.state]) {
      digest.update(piece);
      write(piece);
    }
    write(new Uint8Array(digest.digest()));
  });
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Reads and verifies a checkpoint; CheckpointError when it is corrupt. */
export function readCheckpoint(path: string): Checkpoint & { configHash: string } {
  const file = new Uint8Array(nodeFs().readFileSync(path));
  const corrupt = (why: string) => new CheckpointError(path, `is corrupt: ${why}`);
  if (file.length === 0) throw corrupt('the file is empty');
  if (file.length < MAGIC.length || !MAGIC.every((b, i) => file[i] === b)) {
    throw corrupt(`it is not a timescales checkpoint of this version (those begin with "${CHECKPOINT_FORMAT}")`);
  }
  if (file.length < MAGIC.length + DIGEST_BYTES + 2) throw corrupt('the file is truncated');
  const end = file.length - DIGEST_BYTES;
  const digest = sha256(file.subarray(0, end));
  if (!digest.every((b, i) => b === file[end + i])) throw corrupt('its SHA-256 does not match (the file is truncated or was changed)');
  const nl = file.indexOf(10, MAGIC.length); // JSON.stringify never emits a raw newline
  if (nl < 0 || nl >= end) throw corrupt('no header line');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(MAGIC.length, nl))) as Record<string, unknown>;
  } catch {
    throw corrupt('the header is not JSON');
  }
  if (!h || typeof h !== 'object') throw corrupt('the header is not an object');
  for (const k of ['step', 'rows'] as const) {
    if (!isCount(h[k])) throw corrupt(`${k} must be an integer ≥ 0 (got ${JSON.stringify(h[k]) ?? 'nothing'})`);
  }
  const arena = h.arena as { start?: unknown; bytes?: unknown } | undefined;
  if (!arena || !isCount(arena.start) || !isCount(arena.bytes)) throw corrupt('arena must hold a start and a length in bytes');
  const columns = h.columns as { name?: unknown; length?: unknown }[] | undefined;
  if (!Array.isArray(columns) || !columns.every((c) => c && typeof c.name === 'string' && isCount(c.length))) {
    throw corrupt('columns must list names and lengths');
  }
  if (typeof h.configHash !== 'string' || typeof h.variant !== 'string' || h.config === undefined) throw corrupt('config, configHash or variant missing');
  let at = nl + 1;
  const rowBytes = columns.reduce((n, c) => n + 8 * (c.length as number), 0);
  if (at + rowBytes + arena.bytes !== end) throw corrupt(`its sections do not add up to the file's length (${file.length} bytes)`);
  const rows = file.slice(at, at + rowBytes); // a copy: aligned for Float64Array
  const state = file.subarray(at + rowBytes, end);
  if (hex(sha256(rows)) !== h.rowsSha256) throw corrupt('the rows do not match their SHA-256');
  if (hex(sha256(state)) !== h.stateSha256) throw corrupt('the state does not match its SHA-256');
  if (configHash(h.config) !== h.configHash) throw corrupt('the config does not match its hash');
  at = 0;
  return {
    config: h.config, configHash: h.configHash, variant: h.variant, arena: { start: arena.start, bytes: arena.bytes },
    step: h.step as number, rows: h.rows as number, state,
    columns: columns.map((c) => {
      const data = new Float64Array(rows.buffer, at, c.length as number);
      at += 8 * (c.length as number);
      return { name: c.name as string, data };
    }),
  };
}

/** Dotted paths (e.g. `init.a`, `epsilon`) where two configs differ; arrays are compared whole. */
export function differingFields(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isObject(a) || !isObject(b)) return canonicalJSON(a) === canonicalJSON(b) ? [] : [prefix || '(config)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => differingFields(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}
