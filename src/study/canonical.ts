// A cell's identity: the canonical JSON of its validated config (object keys sorted,
// numbers in JavaScript's shortest round-trip form) and a short hash of it, the name of
// its result file. Two configs that validate to the same thing get the same key
// whatever order their fields were written in.

/** JSON with object keys sorted at every depth; undefined fields dropped as JSON.stringify does. */
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

/** Hex digits of the SHA-256 kept in a key: 64 bits, so a million cells collide with odds below 1e-7. */
export const KEY_LENGTH = 16;

/** The key of a canonical config: the first 16 hex digits of its SHA-256 (Node; result files are a Node feature). */
export function cellKey(canonical: string): string {
  const crypto = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (!crypto) throw new Error('cell keys need Node.js ≥ 20.16 (node:crypto); in a browser, studies run in memory');
  return crypto.hash('sha256', canonical, 'hex').slice(0, KEY_LENGTH);
}
