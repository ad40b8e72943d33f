// Config files that are not JSON: the refusal names the line and column of the first
// character that breaks the syntax, found by our own scanner and checked against the
// position the engine reports where it reports one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig, syntaxErrorAt } from '../src/cli/config-file.js';
import { ConfigError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'timescales-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(text: string): ConfigError {
  const path = join(dir, 'c.json');
  writeFileSync(path, text);
  try {
    readConfig(path);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted ${text}`);
}

const broken = [
  '{"m": }', '{"m": tru}', '{"m": 1.}', '{"m": "ab\ncd"}', '{"m" 1}', '{"a": [1, 2,, 3]}', '{"m": 1} x', "{'m': 1}",
  '{"m": -}', '{"m": 01}', '{"m": 1e}', '{"a": "\\x"}', '{"a": "\\u12g4"}', '[1, 2', '{"a": {"b": [true, nul]}}', '{"a": 1,}', '',
];

describe('config files that are not JSON', () => {
  it('scanner: accepts what JSON.parse accepts, and finds the position the engine reports', () => {
    for (const ok of ['{}', '[]', ' {"a": [1, -2.5e+3, 0, "x\\"\\u00e9", true, false, null, {}]} ', '"s"', '0']) expect(syntaxErrorAt(ok), ok).toBe(-1);
    let compared = 0;
    for (const text of broken) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, text).not.toBe('');
      const at = syntaxErrorAt(text);
      expect(at, text).toBeGreaterThanOrEqual(0);
      const engine = /at position (\d+)/.exec(message);
      if (engine) {
        expect(at, `${JSON.stringify(text)}: ${message}`).toBe(Number(engine[1]));
        compared++;
      } else if (/end of JSON input/.test(message)) {
        expect(at, text).toBe(text.length);
      }
    }
    expect(compared).toBeGreaterThan(8);
    expect(syntaxErrorAt('{"m": tru}')).toBe(9); // the '}' where "true" breaks off, as the engine's "Unexpected token '}'"
    expect(syntaxErrorAt('{"a": [1, 2,, 3]}')).toBe(12);
    expect(syntaxErrorAt(`${'['.repeat(100_000)}1${']'.repeat(99_999)}`)).toBe(200_000); // deep nesting, no recursion
  });

  it('names the line and column', () => {
    const e = refusal('{\n  "m": 10,\n  "time": {"end": 1, "points": 5,}\n}\n');
    expect(e.field).toBe('(config)');
    expect(e.message).toMatch(/c\.json is not valid JSON: line 3, column 34: Expected double-quoted property name$/);
    expect(refusal('{"m": 4,').message).toMatch(/is not valid JSON: the end \(line 1\): /);
    expect(refusal('\ufeff{"m": }').message).toMatch(/is not valid JSON: line 1, column 7: Unexpected token '}'$/);
  });
});
