// Shared benchmark harness: time a function fairly and print side-by-side tables.
// Each case is run until `minMs` of wall time has passed (after a warm-up), and the
// median of the per-batch rates is reported, so one slow batch does not skew it.
import { spawnSync } from 'node:child_process';
import { fmt } from '../src/format.js';

export { fmt };

export interface Timing {
  /** Median seconds per call. */
  seconds: number;
  calls: number;
}

/** Times `fn` (one call = one unit of work): warm-up, then batches until minMs elapsed. */
export function time(fn: () => unknown, minMs = 300): Timing {
  for (let i = 0; i < 3; i++) fn();
  const rates: number[] = [];
  let calls = 0;
  const start = performance.now();
  let batch = 1;
  while (performance.now() - start < minMs || rates.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    calls += batch;
    if (dt < 5) batch *= 2;
    else rates.push(dt / 1000 / batch);
  }
  rates.sort((x, y) => x - y);
  return { seconds: rates[rates.length >> 1], calls };
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export type Row = Record<string, string | number>;

/** A Markdown table from rows sharing the same keys. */
export function table(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const keys = Object.keys(rows[0]);
  const cell = (v: string | number) => (typeof v === 'number' ? fmt(v) : v);
  return [
    `| ${keys.join(' | ')} |`,
    `| ${keys.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${keys.map((k) => cell(r[k] ?? '')).join(' | ')} |`),
  ].join('\n') + '\n';
}

/** Runs `python3 -c code` and parses its last stdout line as JSON; null (with a reason) when python3, numpy or scipy is absent. */
export function python(code: string, input?: unknown): { value: unknown } | { skipped: string } {
  const r = spawnSync('python3', ['-c', code], {
    input: input === undefined ? undefined : JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error) return { skipped: `python3 not available (${r.error.message})` };
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? 'failed';
    return { skipped: `python3 peer failed: ${why}` };
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { value: JSON.parse(last) };
}
