// User-written activations: `{"expr": "tanh(z) + 0.1*z^3"}`. A small recursive-descent
// parser turns the text into a tree, and the tree into a postfix program (opcodes and
// constants in one Float64Array) that assembly/expression.ts runs at any z, with the
// core's own math, so a seed gives the same bits in every engine. Nothing here evaluates
// anything: constants are parsed by Number() (correctly rounded everywhere) and never folded.
//
// Grammar (loosest first), with − × ÷ accepted for - * /:
//   sum     = product (("+" | "-") product)*
//   product = unary (("*" | "/") unary)*
//   unary   = ("-" | "+") unary | power
//   power   = atom ("^" unary)?            right-associative: 2^3^2 = 2^9, −z^2 = −(z^2)
//   atom    = number | "z" | "pi" | "e" | name "(" sum ("," sum)* ")" | "(" sum ")"
// The text is untrusted (it travels in shared links): its length, nesting and size are
// bounded, so parsing and each evaluation cost at most a fixed amount.

import { didYouMean } from '../errors.js';

/** Longest expression text accepted, in characters. */
export const EXPRESSION_MAX_LENGTH = 1000;
/** Deepest nesting of parentheses, calls, signs and powers. */
export const EXPRESSION_MAX_DEPTH = 32;
/** Most instructions of the compiled program: the cost of one evaluation. */
export const EXPRESSION_MAX_NODES = 256;
/** Highest degree recognized as a polynomial (the largest truncation a config allows). */
const MAX_POLY_DEGREE = 400;

/** Opcodes of assembly/expression.ts (OP_*); test/expression.test.ts checks they match the module. */
export const OPCODES = {
  const: 0, z: 1, add: 2, sub: 3, mul: 4, div: 5, pow: 6, max: 7, min: 8, neg: 9,
  exp: 10, log: 11, log1p: 12, sqrt: 13, abs: 14, sign: 15, relu: 16, tanh: 17, sinh: 18, cosh: 19,
  sin: 20, cos: 21, atan: 22, erf: 23, erfc: 24, sigmoid: 25, softplus: 26,
} as const;

/** The functions an expression may call, with their number of arguments. */
export const EXPRESSION_FUNCTIONS = {
  exp: 1, log: 1, log1p: 1, sqrt: 1, abs: 1, sign: 1, relu: 1, tanh: 1, sinh: 1, cosh: 1,
  sin: 1, cos: 1, atan: 1, erf: 1, erfc: 1, sigmoid: 1, softplus: 1, max: 2, min: 2,
} as const;
type FunctionName = keyof typeof EXPRESSION_FUNCTIONS;

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** Functions whose derivative jumps where their argument (for max/min: a − b) is zero. */
const KINKED = new Set<string>(['abs', 'sign', 'relu', 'max', 'min']);

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'z' }
  | { kind: 'op'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node }
  | { kind: 'neg'; arg: Node }
  | { kind: 'call'; name: FunctionName; args: Node[] };

/** A parsed, checked expression. */
export interface CompiledExpression {
  ok: true;
  /** The text as given. */
  text: string;
  /** The postfix program: opcodes, each OP_CONST followed by its value. */
  code: Float64Array;
  /** Degree when the expression is a polynomial in z (≤ 400), else null. */
  degree: number | null;
  /** Where an abs, sign, relu, max or min of an affine argument has its kink, ascending. */
  kinks: number[];
}

/** Why an expression was refused: `index` is the 0-based position in the text (column index + 1). */
export interface ExpressionError {
  ok: false;
  message: string;
  index: number;
}

class ParseError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
  }
}

const BINARY: Record<string, '+' | '-' | '*' | '/'> = { '+': '+', '-': '-', '−': '-', '*': '*', '×': '*', '/': '/', '÷': '/' };

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const node = this.sum();
    this.space();
    if (this.i < this.s.length) {
      const c = this.s[this.i];
      throw new ParseError(c === ')' ? 'unmatched ")"' : /[\w.(]/.test(c) ? `missing operator before "${this.word()}" (write 2*z, not 2z)` : `unexpected "${c}"`, this.i);
    }
    return node;
  }

  private space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private peek(): string {
    this.space();
    return this.s[this.i] ?? '';
  }

  /** The token-ish text at the cursor, for messages. */
  private word(): string {
    const m = /^(\d+\.?\d*(e[+-]?\d+)?|[A-Za-z_]\w*|\S)/i.exec(this.s.slice(this.i, this.i + 40));
    return m ? m[0] : '';
  }

  private enter(at: number): void {
    if (++this.depth > EXPRESSION_MAX_DEPTH) throw new ParseError(`nested more than ${EXPRESSION_MAX_DEPTH} deep`, at);
  }

  private sum(): Node {
    let left = this.product();
    for (;;) {
      const op = BINARY[this.peek()];
      if (op !== '+' && op !== '-') return left;
      this.i++;
      left = { kind: 'op', op, left, right: this.product() };
    }
  }

  private product(): Node {
    let left = this.unary();
    for (;;) {
      const c = this.peek();
      const op = BINARY[c];
      if (op !== '*' && op !== '/') return left;
      if (c === '*' && this.s[this.i + 1] === '*') throw new ParseError('write powers with ^ (z^2), not **', this.i);
      this.i++;
      left = { kind: 'op', op, left, right: this.unary() };
    }
  }

  private unary(): Node {
    const c = this.peek();
    const op = BINARY[c];
    if (op !== '-' && op !== '+') return this.power();
    const at = this.i++;
    this.enter(at);
    const arg = this.unary();
    this.depth--;
    return op === '-' ? { kind: 'neg', arg } : arg;
  }

  private power(): Node {
    const base = this.atom();
    if (this.peek() !== '^') return base;
    const at = this.i++;
    this.enter(at);
    const exponent = this.unary();
    this.depth--;
    return { kind: 'op', op: '^', left: base, right: exponent };
  }

  private atom(): Node {
    const c = this.peek();
    const at = this.i;
    if (c === '') throw new ParseError('expected a number, z, a function or "(" but the expression ends', at);
    if (c === '(') {
      this.i++;
      this.enter(at);
      const inner = this.sum();
      this.close(at);
      this.depth--;
      return inner;
    }
    const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(this.s.slice(at, at + 400));
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) throw new ParseError(`the number ${number[0]} is too large`, at);
      this.i += number[0].length;
      return { kind: 'num', value };
    }
    const name = /^[A-Za-z_]\w*/.exec(this.s.slice(at, at + 100))?.[0];
    if (!name) throw new ParseError(`unexpected "${c}"`, at);
    this.i += name.length;
    if (name === 'z') return { kind: 'z' };
    if (Object.hasOwn(CONSTANTS, name)) return { kind: 'num', value: CONSTANTS[name] };
    if (!Object.hasOwn(EXPRESSION_FUNCTIONS, name)) {
      const hint = this.peek() === '(' ? `unknown function "${name}"${didYouMean(name, Object.keys(EXPRESSION_FUNCTIONS))}` : `unknown name "${name}"${didYouMean(name, ['z', ...Object.keys(CONSTANTS)])} (the variable is z; constants pi, e)`;
      throw new ParseError(`${hint}; functions: ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')}`, at);
    }
    const fn = name as FunctionName;
    const open = this.i;
    if (this.peek() !== '(') throw new ParseError(`${fn} needs its argument in parentheses: ${fn}(…)`, this.i);
    this.i++;
    this.enter(open);
    const args = [this.sum()];
    while (this.peek() === ',') {
      this.i++;
      args.push(this.sum());
    }
    this.close(open);
    this.depth--;
    const arity = EXPRESSION_FUNCTIONS[fn];
    if (args.length !== arity) throw new ParseError(`${fn} takes ${arity} argument${arity > 1 ? 's' : ''}, not ${args.length}`, at);
    return { kind: 'call', name: fn, args };
  }

  private close(open: number): void {
    const c = this.peek();
    if (c === ')') {
      this.i++;
      return;
    }
    if (c === '') throw new ParseError('"(" is never closed', open);
    throw new ParseError(c === ',' ? 'unexpected ","' : `missing operator before "${this.word()}"`, this.i);
  }
}

/** Postfix program of `node`, appended to `out`. */
function emit(node: Node, out: number[]): void {
  switch (node.kind) {
    case 'num': out.push(OPCODES.const, node.value); return;
    case 'z': out.push(OPCODES.z); return;
    case 'neg': emit(node.arg, out); out.push(OPCODES.neg); return;
    case 'op': {
      emit(node.left, out);
      emit(node.right, out);
      out.push({ '+': OPCODES.add, '-': OPCODES.sub, '*': OPCODES.mul, '/': OPCODES.div, '^': OPCODES.pow }[node.op]);
      return;
    }
    case 'call':
      for (const a of node.args) emit(a, out);
      out.push(OPCODES[node.name]);
  }
}

/** Instructions of `node`'s program (constants count once). */
function size(node: Node): number {
  switch (node.kind) {
    case 'num': case 'z': return 1;
    case 'neg': return 1 + size(node.arg);
    case 'op': return 1 + size(node.left) + size(node.right);
    case 'call': return 1 + node.args.reduce((s, a) => s + size(a), 0);
  }
}

/** Degree of `node` as a polynomial in z, or null: sums, products, quotients by constants and non-negative integer powers. */
function degree(node: Node): number | null {
  switch (node.kind) {
    case 'num': return 0;
    case 'z': return 1;
    case 'neg': return degree(node.arg);
    case 'call': return node.args.every((a) => degree(a) === 0) ? 0 : null;
    case 'op': {
      const l = degree(node.left);
      const r = degree(node.right);
      if (l === null || r === null) return null;
      if (node.op === '+' || node.op === '-') return Math.max(l, r);
      if (node.op === '*') return l + r;
      if (node.op === '/') return r === 0 ? l : null;
      if (r !== 0) return null;
      if (l === 0) return 0;
      const n = node.right.kind === 'num' ? node.right.value : null; // a constant exponent that is a plain number
      return n !== null && Number.isInteger(n) && n >= 0 && l * n <= MAX_POLY_DEGREE ? l * n : null;
    }
  }
}

/** [slope, intercept] when `node` is affine in z and built from numbers, z, +, −, ×, ÷ only; else null. */
function affine(node: Node): [number, number] | null {
  switch (node.kind) {
    case 'num': return [0, node.value];
    case 'z': return [1, 0];
    case 'neg': {
      const a = affine(node.arg);
      return a && [-a[0], -a[1]];
    }
    case 'call': return null;
    case 'op': {
      const l = affine(node.left);
      const r = affine(node.right);
      if (!l || !r) return null;
      if (node.op === '+') return [l[0] + r[0], l[1] + r[1]];
      if (node.op === '-') return [l[0] - r[0], l[1] - r[1]];
      if (node.op === '*' && l[0] === 0) return [l[1] * r[0], l[1] * r[1]];
      if (node.op === '*' && r[0] === 0) return [l[0] * r[1], l[1] * r[1]];
      if (node.op === '/' && r[0] === 0 && r[1] !== 0) return [l[0] / r[1], l[1] / r[1]];
      return null;
    }
  }
}

/** Zeros of the affine arguments of kinked functions; an argument that is not affine adds none. */
function kinks(node: Node, out: Set<number>): void {
  if (node.kind === 'neg') kinks(node.arg, out);
  if (node.kind === 'op') {
    kinks(node.left, out);
    kinks(node.right, out);
  }
  if (node.kind !== 'call') return;
  for (const a of node.args) kinks(a, out);
  if (!KINKED.has(node.name)) return;
  const arg: Node = node.args.length === 2 ? { kind: 'op', op: '-', left: node.args[0], right: node.args[1] } : node.args[0];
  const a = affine(arg);
  if (a && a[0] !== 0 && Number.isFinite(-a[1] / a[0])) out.add(-a[1] / a[0] + 0); // + 0 turns −0 into 0
}

/**
 * Parses and compiles an expression in z. Returns the compiled form, or the first
 * problem with its 0-based position in the text. Never throws, never evaluates.
 */
export function compileExpression(text: string): CompiledExpression | ExpressionError {
  if (typeof text !== 'string') return { ok: false, message: 'must be a string', index: 0 };
  if (text.length > EXPRESSION_MAX_LENGTH) {
    return { ok: false, message: `is longer than ${EXPRESSION_MAX_LENGTH} characters`, index: EXPRESSION_MAX_LENGTH };
  }
  let tree: Node;
  try {
    tree = new Parser(text).parse();
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, message: e.message, index: e.index };
    throw e;
  }
  const n = size(tree);
  if (n > EXPRESSION_MAX_NODES) return { ok: false, message: `has ${n} terms, more than ${EXPRESSION_MAX_NODES}`, index: 0 };
  const code: number[] = [];
  emit(tree, code);
  const points = new Set<number>();
  kinks(tree, points);
  return { ok: true, text, code: Float64Array.from(code), degree: degree(tree), kinks: [...points].sort((a, b) => a - b) };
}

/** The message a ConfigError carries for a refused expression: the column and the reason. */
export function expressionErrorMessage(e: ExpressionError): string {
  return `column ${e.index + 1}: ${e.message}`;
}
