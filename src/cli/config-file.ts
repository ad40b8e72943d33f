// Reading a run config from a file (or stdin as '-') for the commands.
import { readFileSync } from 'node:fs';
import type { RunConfigInput } from '../config.js';
import { ConfigError } from '../errors.js';
import { CliUsageError } from './command.js';

/**
 * The parsed JSON of `path` (a leading UTF-8 byte-order mark is skipped); CliUsageError if unreadable, ConfigError if not JSON,
 * naming the line and column of the first character that breaks the syntax.
 * Typed as a config input (or T, e.g. a study file) but not yet checked: run(), sweepEpsilon()
 * and study() validate it, field by field.
 */
export function readConfig<T = RunConfigInput>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    // the engine's words without its position or echo of the text: ours follows, as line and column
    const what = (e as Error).message.replace(/ in JSON at position \d+.*$|, ".*" is not valid JSON$| \(line \d+ column \d+\)$/s, '').slice(0, 200);
    const at = syntaxErrorAt(text);
    throw new ConfigError('(config)', `${path} is not valid JSON: ${at < 0 ? '' : `${where(text, at)}: `}${what}`);
  }
}

/** "line 3, column 7" of the character at `at` (1-based, columns in UTF-16 units), or "the end". */
function where(text: string, at: number): string {
  if (at >= text.length) return `the end (line ${text.split('\n').length})`;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return `line ${line}, column ${at - lineStart + 1}`;
}

const WHITESPACE = ' \t\n\r';
const ESCAPES = '"\\/bfnrt';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Index of the first character where `text` stops being JSON (RFC 8259), text.length when it
 * ends too early; −1 if it is JSON. Iterative (a stack of open containers), so any depth of
 * nesting is fine.
 */
export function syntaxErrorAt(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: string[] = [];
  const skip = () => {
    while (i < n && WHITESPACE.includes(text[i])) i++;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < n; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        return true;
      }
      if (c < ' ') return false;
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) if (!isHex(text[++i])) return false;
        } else if (i >= n || !ESCAPES.includes(text[i])) return false;
      }
    }
    return false;
  };
  const digits = (): boolean => {
    if (!isDigit(text[i])) return false;
    while (isDigit(text[i])) i++;
    return true;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const literal = (word: string): boolean => {
    for (const c of word) {
      if (text[i] !== c) return false;
      i++;
    }
    return true;
  };
  /** A key and its colon, at the start of an object's member. */
  const key = (): boolean => {
    skip();
    if (!string()) return false;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    skip();
    const c = text[i];
    let ok: boolean;
    if (c === '{' || c === '[') {
      i++;
      skip();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        ok = true;
      } else {
        stack.push(c);
        if (c === '{' && !key()) return i;
        continue;
      }
    } else if (c === '"') ok = string();
    else if (c === '-' || isDigit(c)) ok = number();
    else if (c === 't') ok = literal('true');
    else if (c === 'f') ok = literal('false');
    else if (c === 'n') ok = literal('null');
    else ok = false;
    if (!ok) return i;
    // after a value: close what it ends, or go on to the next member
    let next = false;
    while (!next) {
      skip();
      if (stack.length === 0) return i < n ? i : -1;
      const open = stack[stack.length - 1];
      if (text[i] === ',') {
        i++;
        if (open === '{' && !key()) return i;
        next = true;
      } else if (text[i] === (open === '{' ? '}' : ']')) {
        i++;
        stack.pop();
      } else return i;
    }
  }
}
