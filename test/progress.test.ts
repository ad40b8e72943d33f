import { describe, expect, it } from 'vitest';
import { progressReporter } from '../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progress line', () => {
  it('writes whole lines to a log and the final line once', () => {
    const { out, stream } = fakeStream(false);
    const report = progressReporter(stream, 0);
    report(0.5, 5);
    report(1, 10);
    report(1, 10);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^t = 5\.000 {2}50\.0% {2}\d+\.\d s\n$/);
    expect(out[1]).toMatch(/^t = 10\.00 {2}100\.0%/);
  });

  it('rewrites one line on a terminal, ending it at completion', () => {
    const { out, stream } = fakeStream(true);
    const report = progressReporter(stream, 0);
    report(0.25, 1);
    report(1, 4);
    expect(out[0].startsWith('\r')).toBe(true);
    expect(out[0].endsWith('\n')).toBe(false);
    expect(out[1].endsWith('\n')).toBe(true);
  });

  it('stays silent for runs shorter than its interval', () => {
    const { out, stream } = fakeStream(false);
    const report = progressReporter(stream, 60_000);
    report(0.5, 1);
    report(1, 2);
    expect(out).toEqual([]);
  });
});
