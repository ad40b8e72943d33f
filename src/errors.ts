// The error the library throws for bad input. A run that goes wrong numerically does not
// throw: it returns its partial trajectory with a retcode and a message (src/solvers/solution.ts).

/** Characters of an offending value echoed in a message; longer values are cut with a note of their size. */
export const ECHO_LIMIT = 120;

/** Bad input: names the field (a dotted path such as `solver.rtol`) and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly field: string, readonly allowed: string, received?: unknown) {
    super(`${cut(field, ECHO_LIMIT)}: ${cut(allowed, 4 * ECHO_LIMIT)}${received === undefined ? '' : ` (got ${preview(received)})`}`);
  }
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/**
 * The start of a value's JSON, at most `limit` characters, followed by "…" when cut.
 * Iterative (an explicit stack, no recursion) and stops as soon as it has enough text, so
 * a value nested 10 000 deep or megabytes long costs a few microseconds and never overflows
 * the call stack. Numbers print as themselves (NaN, Infinity included).
 */
export function preview(value: unknown, limit = ECHO_LIMIT): string {
  let out = '';
  const stack: unknown[] = [value];
  while (stack.length && out.length <= limit) {
    const v = stack.pop();
    if (v instanceof Text) {
      out += v.text;
    } else if (typeof v === 'number') {
      out += String(v);
    } else if (typeof v === 'string') {
      out += JSON.stringify(v.length > limit ? v.slice(0, limit + 1) : v);
    } else if (Array.isArray(v) || (v !== null && typeof v === 'object')) {
      const entries: [string | null, unknown][] = Array.isArray(v) ? Array.from(v.slice(0, limit), (x): [null, unknown] => [null, x]) : Object.entries(v).slice(0, limit);
      out += Array.isArray(v) ? '[' : '{';
      stack.push(new Text(Array.isArray(v) ? ']' : '}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        stack.push(x);
        const prefix = `${i ? ',' : ''}${k === null ? '' : `${JSON.stringify(k.slice(0, limit))}:`}`;
        if (prefix) stack.push(new Text(prefix));
      }
    } else {
      out += v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : String(JSON.stringify(v) ?? v);
    }
  }
  return out.length > limit || stack.length ? `${out.slice(0, limit)}…` : out;
}

/** Literal text in preview's work stack. */
class Text {
  constructor(readonly text: string) {}
}

/**
 * The candidate a misspelt `word` most likely meant: the nearest by edit distance (ignoring
 * case; a swap of two neighbours is one edit), if at most a third of the word's length away
 * (at least one edit); else undefined.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const most = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = most + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A " (did you mean "x"?)" note for a misspelt word, or ''. */
export function didYouMean(word: string, candidates: Iterable<string>, quote = (s: string) => `"${s}"`): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean ${quote(c)}?)`;
}

/**
 * Edit distance of a and b counting insertions, deletions, substitutions and swaps of two
 * neighbours (optimal string alignment), or `cap` once it is known to be at least that.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
      low = Math.min(low, row[j]);
    }
    if (low >= cap) return cap;
    before = prev;
    prev = row;
  }
  return prev[b.length];
}
