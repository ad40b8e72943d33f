// User-written activations {"expr": "..."}: the parser (precedence, error positions, limits),
// the Wasm interpreter against plain JavaScript formulas, σ′ by dual numbers against finite
// differences, projections against closed forms and the named activations, non-finite
// refusal, and the config schema's refusals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { ACTIVATION_NAMES, resolveActivation, type Activation, type ActivationSpec } from '../src/hermite/activation.js';
import {
  compileExpression, EXPRESSION_MAX_DEPTH, EXPRESSION_MAX_LENGTH, EXPRESSION_MAX_NODES, OPCODES, type CompiledExpression,
} from '../src/hermite/expression.js';
import { project } from '../src/hermite/projection.js';
import { run } from '../src/run.js';
import { loadCore, type Core } from '../src/wasm/loader.js';
import { erfRef } from './support/gaussian.js';

const [simd, scalar] = await Promise.all([loadCore('simd'), loadCore('scalar')]);

function values(core: Core, a: Activation, x: ArrayLike<number>, deriv = false): Float64Array {
  return core.scoped(() => {
    const out = core.allocF64(x.length);
    core.exports.activationBulk(a.code, a.shift, a.scale, core.put(a.params), a.params.length, core.put(x), out, x.length, deriv);
    return core.f64(out, x.length).slice();
  });
}

const compiled = (text: string): CompiledExpression => {
  const r = compileExpression(text);
  if (!r.ok) throw new Error(`${text}: ${r.message} at ${r.index}`);
  return r;
};
const expr = (text: string): Activation => resolveActivation({ expr: text });
const evaluate = (text: string, z: ArrayLike<number>, deriv = false) => values(simd, expr(text), z, deriv);

/** An error of compileExpression, as [index, message]. */
function refusal(text: string): [number, string] {
  const r = compileExpression(text);
  if (r.ok) throw new Error(`${text} was accepted`);
  return [r.index, r.message];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const grid = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1 + 0.0037);

// Each expression with the same function written in plain JavaScript (JS Math: equal to a few ulps, not bits).
const CASES: [string, (z: number) => number][] = [
  ['tanh(z) + 0.1*z^3', (z) => Math.tanh(z) + 0.1 * z ** 3],
  ['-z^2', (z) => -(z * z)],
  ['2^3^2 + z', (z) => 512 + z],
  ['2^-1*z', (z) => z / 2],
  ['z/2/4', (z) => z / 8],
  ['1 - 2 - 3*z', (z) => -1 - 3 * z],
  ['−z × 2 ÷ 4', (z) => -z / 2],
  ['--z + +z', (z) => 2 * z],
  ['max(z, 0.5) - min(z, -1)', (z) => Math.max(z, 0.5) - Math.min(z, -1)],
  ['exp(-z^2/2) * cos(3*z) + sin(z)', (z) => Math.exp(-z * z / 2) * Math.cos(3 * z) + Math.sin(z)],
  ['sqrt(abs(z)) + sign(z) + relu(z - 1)', (z) => Math.sqrt(Math.abs(z)) + Math.sign(z) + Math.max(z - 1, 0)],
  ['log(1 + z^2) + log1p(z^2)', (z) => 2 * Math.log1p(z * z)],
  ['sinh(z/3) + cosh(z/3) - exp(z/3)', (z) => Math.sinh(z / 3) + Math.cosh(z / 3) - Math.exp(z / 3)],
  ['atan(z) + erf(z) + erfc(z)', (z) => Math.atan(z) + 1],
  ['sigmoid(z) + softplus(z) - pi*e', (z) => sigmoid(z) + Math.log1p(Math.exp(z)) - Math.PI * Math.E],
  ['1.5e-1 * .5 * 2. * z', (z) => 0.15 * z],
  ['erf(z/sqrt(2))', (z) => erfRef(z / Math.SQRT2)],
];

describe('expressions: parsing and evaluation', () => {
  it('have opcodes matching the Wasm module', () => {
    for (const [name, code] of Object.entries(OPCODES)) {
      const key = `OP_${name.toUpperCase()}` as keyof typeof simd.exports;
      expect((simd.exports[key] as { value: number }).value, name).toBe(code);
    }
    expect((simd.exports.EXPR_STACK_SLOTS as unknown as { value: number }).value).toBe(EXPRESSION_MAX_NODES);
  });

  it('evaluate like the same formulas in JavaScript, with the usual precedence (−z^2 = −(z²), 2^3^2 = 2^9)', () => {
    for (const [text, f] of CASES) {
      const got = evaluate(text, grid);
      grid.forEach((z, i) => expect(Math.abs(got[i] - f(z)), `${text} at z = ${z}`).toBeLessThanOrEqual(4e-15 * Math.max(1, Math.abs(f(z)))));
    }
  });

  it('give the same bits in the SIMD and scalar builds', () => {
    for (const [text] of CASES) expect(values(scalar, expr(text), grid)).toEqual(evaluate(text, grid));
  });

  it('give σ′ by dual numbers that matches central differences (Richardson, error O(h⁴))', () => {
    const h = 1e-3;
    for (const [text] of CASES) {
      const points = grid.filter((z) => Math.abs(z) > 0.05 && Math.abs(z - 0.5) > 0.05 && Math.abs(z + 1) > 0.05 && Math.abs(z - 1) > 0.05); // away from kinks
      const d = evaluate(text, points, true);
      const at = (dz: number) => evaluate(text, points.map((z) => z + dz));
      const [p1, m1, p2, m2] = [at(h), at(-h), at(2 * h), at(-2 * h)];
      points.forEach((z, i) => {
        const fd = (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h);
        expect(Math.abs(d[i] - fd), `${text}' at z = ${z}: ${d[i]} vs ${fd}`).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(fd)));
      });
    }
  });

  it('give the kinks of abs, relu, max and min derivative 0 at the kink, like the named relu and abs, and a constant derivative 0', () => {
    expect(Array.from(evaluate('abs(z) + relu(z)', [0, -1, 2], true))).toEqual([0, -1, 2]);
    expect(Array.from(evaluate('max(z, 0) + min(z, 0)', [-1, 2], true))).toEqual([1, 1]);
    expect(Array.from(evaluate('sqrt(1 - 1) + log(1) + 0*z', [0.3], true))).toEqual([0]); // no 0·∞ = NaN from constants
    expect(Array.from(evaluate('z^3', [0, 2], true))).toEqual([0, 12]);
  });

  it('record polynomial degrees and affine kinks', () => {
    expect(compiled('z^2 - 1').degree).toBe(2);
    expect(compiled('(z + 1)^3 * z / 4 - exp(1)').degree).toBe(4);
    expect(compiled('tanh(z)').degree).toBeNull();
    expect(compiled('z^0.5').degree).toBeNull();
    expect(compiled('1/z').degree).toBeNull();
    expect(compiled('relu(z) + abs(2*z - 1) + max(z, -3) + min(z/2, 1) + abs(z^2)').kinks).toEqual([-3, 0, 0.5, 2]);
  });

  it('refuse bad text with the position of the problem', () => {
    expect(refusal('tanh(z')).toEqual([4, '"(" is never closed']);
    expect(refusal('2z')[0]).toBe(1);
    expect(refusal('2z')[1]).toMatch(/missing operator before "z" \(write 2\*z/);
    expect(refusal('z + ')).toEqual([4, 'expected a number, z, a function or "(" but the expression ends']);
    expect(refusal('z + tan(z)')[0]).toBe(4);
    expect(refusal('z + tan(z)')[1]).toMatch(/^unknown function "tan" \(did you mean "tanh"\?\); functions: exp, log/);
    expect(refusal('x + 1')[1]).toMatch(/^unknown name "x" \(did you mean "z"\?\) \(the variable is z/);
    expect(refusal('z ** 2')).toEqual([2, 'write powers with ^ (z^2), not **']);
    expect(refusal('(z))')).toEqual([3, 'unmatched ")"']);
    expect(refusal('max(z)')).toEqual([0, 'max takes 2 arguments, not 1']);
    expect(refusal('exp z')[0]).toBe(4);
    expect(refusal('z + 1e999')).toEqual([4, 'the number 1e999 is too large']);
    expect(refusal('z # 2')).toEqual([2, 'unexpected "#"']);
    expect(refusal('constructor(z)')[1]).toMatch(/^unknown function/);
    expect(refusal('')[0]).toBe(0);
  });

  it('bound length, nesting and size', () => {
    expect(refusal('z'.padEnd(EXPRESSION_MAX_LENGTH + 1, ' '))[1]).toBe(`is longer than ${EXPRESSION_MAX_LENGTH} characters`);
    compiled('z'.padEnd(EXPRESSION_MAX_LENGTH, ' '));
    const nest = (k: number) => `${'('.repeat(k)}z${')'.repeat(k)}`;
    compiled(nest(EXPRESSION_MAX_DEPTH));
    expect(refusal(nest(EXPRESSION_MAX_DEPTH + 1))).toEqual([EXPRESSION_MAX_DEPTH, `nested more than ${EXPRESSION_MAX_DEPTH} deep`]);
    expect(refusal(`${'-'.repeat(EXPRESSION_MAX_DEPTH + 1)}z`)[1]).toMatch(/nested more than/);
    expect(refusal(`z${'^z'.repeat(EXPRESSION_MAX_DEPTH + 1)}`)[1]).toMatch(/nested more than/);
    const sum = (k: number) => Array(k).fill('z').join('+'); // k terms: 2k − 1 instructions
    compiled(sum((EXPRESSION_MAX_NODES + 1) / 2 | 0));
    expect(refusal(sum(EXPRESSION_MAX_NODES / 2 + 1))[1]).toBe(`has ${EXPRESSION_MAX_NODES + 1} terms, more than ${EXPRESSION_MAX_NODES}`);
  });

  it('make the Wasm interpreter return NaN, never read or write outside its stack, for a malformed program', () => {
    const runCode = (code: number[]) => values(simd, { ...expr('z'), params: Float64Array.from(code) }, [0.5])[0];
    expect(runCode([OPCODES.z, OPCODES.z, OPCODES.add])).toBe(1);
    expect(runCode([OPCODES.add])).toBeNaN(); // underflow
    expect(runCode([OPCODES.z, OPCODES.tanh, OPCODES.z])).toBeNaN(); // two values left
    expect(runCode([OPCODES.z, 99])).toBeNaN(); // unknown opcode
    expect(runCode([OPCODES.const])).toBeNaN(); // constant missing
    expect(runCode(Array(EXPRESSION_MAX_NODES + 1).fill(OPCODES.z))).toBeNaN(); // overflow
    expect(runCode([...Array(EXPRESSION_MAX_NODES).fill(OPCODES.z), ...Array(EXPRESSION_MAX_NODES - 1).fill(OPCODES.add)])).toBe(128);
  });

  it('never throw, and compile to programs within the limits, on random text (fast-check)', () => {
    const alphabet = [...'z0123456789.e+-*/^(), ', 'tanh', 'exp', 'log', 'max', 'sqrt', 'pi', '−', '×', '\u0000', '"', '\\', 'constructor', '__proto__'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (parts) => {
      const text = parts.join('');
      const r = compileExpression(text);
      if (r.ok) {
        expect(r.code.length).toBeLessThanOrEqual(2 * EXPRESSION_MAX_NODES);
        const v = evaluate(text, [0.25])[0];
        expect(typeof v).toBe('number');
      } else {
        expect(r.index).toBeGreaterThanOrEqual(0);
        expect(r.index).toBeLessThanOrEqual(text.length);
      }
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      const r = compileExpression(text);
      if (!r.ok) expect(r.index).toBeLessThanOrEqual(text.length);
    }), { numRuns: 2000 });
  });
});

describe('expressions in configs', () => {
  const base = { m: 4, time: { end: 1, points: 3 } };
  const refusedBy = (config: unknown): ConfigError => {
    try {
      parseConfig(config);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('accepted');
  };

  it('are refused by the schema with the field and the column', () => {
    const e = refusedBy({ ...base, activation: { expr: 'tanh(z' } });
    expect(e.field).toBe('activation.expr');
    expect(e.message).toMatch(/^activation\.expr: column 5: "\(" is never closed/);
    expect(refusedBy({ ...base, target: { expr: 'z + foo' } }).message).toMatch(/^target\.expr: column 5: unknown name "foo"/);
    expect(refusedBy({ ...base, target: { expr: 'z'.repeat(EXPRESSION_MAX_LENGTH + 1) } }).message).toMatch(/^target\.expr: must be at most 1000 characters/);
    expect(refusedBy({ ...base, target: { expr: 3 } }).field).toBe('target.expr'); // the {expr} form is the one the value fits
    expect(refusedBy({ ...base, target: { expr: 'z', scale: 2 } }).field).toBe('target');
  });

  it('refuse unknown activation names in the schema, listing the allowed ones', () => {
    const e = refusedBy({ ...base, activation: 'nosuch' });
    expect(e.field).toBe('activation');
    expect(e.message).toBe(`activation: must be one of ${ACTIVATION_NAMES.join(', ')} (got "nosuch")`);
    expect(refusedBy({ ...base, activation: 'Relu' }).message).toBe(`activation: must be one of ${ACTIVATION_NAMES.join(', ')} (did you mean "relu"?) (got "Relu")`);
    expect(refusedBy({ ...base, target: { name: 'Tanh', scale: 2 } }).field).toBe('target.name');
    expect(parseConfig({ ...base, activation: 'tanh', target: { expr: 'z^2' } }).target).toEqual({ expr: 'z^2' });
  });

  it('never make parseConfig throw anything but a ConfigError (fast-check)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.boolean(), (text, asTarget) => {
      try {
        parseConfig({ ...base, [asTarget ? 'target' : 'activation']: { expr: text } });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).field).toBe(asTarget ? 'target.expr' : 'activation.expr');
      }
    }), { numRuns: 500 });
  });
});

describe('expressions projected on Hermite polynomials', () => {
  const K = 40;
  const of = (spec: ActivationSpec, core = simd) => project(core, resolveActivation(spec), K);

  it('tanh(z) gives the same coefficients, bit for bit, as the named tanh (same Wasm tanh at the same nodes)', () => {
    const a = of({ expr: 'tanh(z)' });
    const b = of('tanh');
    expect(a.coefficients).toEqual(b.coefficients);
    expect([a.norm2, a.errorBound]).toEqual([b.norm2, b.errorBound]);
  });

  it('z^2 − 1 is √2·h_2 within its bound (exact Gauss rule for polynomials)', () => {
    const p = of({ expr: 'z^2 - 1' });
    const exact = new Float64Array(K + 1);
    exact[2] = Math.SQRT2;
    p.coefficients.forEach((c, k) => expect(Math.abs(c - exact[k]), `k = ${k}`).toBeLessThanOrEqual(p.errorBound));
    expect(Math.abs(p.norm2 - 2)).toBeLessThanOrEqual(p.errorBound);
    expect(p.errorBound).toBeLessThan(1e-12); // the rounding floor: no quadrature error
    expect(p.coefficients.subarray(3).every((c) => c === 0)).toBe(true); // beyond the degree: exactly 0
  });

  it('relu(2z − 1) and abs(z) match the exact coefficients of the named forms within the bound (split rule at the kink)', () => {
    for (const [text, spec] of [['relu(2*z - 1)', { name: 'relu', scale: 2, shift: -1 }], ['abs(z)', 'abs']] as const) {
      const p = of({ expr: text });
      const exact = of(spec);
      expect(p.errorBound).toBeLessThan(1e-10);
      p.coefficients.forEach((c, k) => expect(Math.abs(c - exact.coefficients[k]), `${text}, k = ${k}`).toBeLessThanOrEqual(p.errorBound + exact.errorBound));
    }
  });

  it('sigmoid(z) + 0.1 z³ is the named sigmoid plus 0.1·(√6 h_3 + 3 h_1), by linearity', () => {
    const p = of({ expr: 'sigmoid(z) + 0.1*z^3' });
    const s = of('sigmoid');
    const expected = Float64Array.from(s.coefficients, (c, k) => c + (k === 1 ? 0.3 : k === 3 ? 0.1 * Math.sqrt(6) : 0));
    p.coefficients.forEach((c, k) => expect(Math.abs(c - expected[k]), `k = ${k}`).toBeLessThanOrEqual(p.errorBound + s.errorBound + 1e-15));
  });

  it('refuses values that are not finite where the projection evaluates them, naming the field and the point', () => {
    const refusal = (spec: ActivationSpec, field: string) => {
      try {
        project(simd, resolveActivation(spec, field), K);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ expr: 'log(z)' }, 'activation')).toMatch(/^activation\.expr: must be finite .*; at z = -16 it is NaN/);
    expect(refusal({ expr: '1/z' }, 'target')).toMatch(/^target\.expr: must be finite .*; at z = 0 it is Infinity/);
    expect(refusal({ expr: 'exp(z^2)' }, 'target')).toMatch(/^target\.expr: must be finite .*; at z = -?\d+\.\d+ it is Infinity/); // finite on [−16, 16], not at the outer Gauss–Hermite nodes
  });
});

describe('runs with expressions', () => {
  const mf = { m: 6, seed: 2, epsilon: 0.1, time: { end: 3, points: 5 }, degrees: 2, target: { hermite: [0, 1, 0.5] } };
  const sgd = { ...mf, model: 'sgd' as const, d: 20, eta: 5e-3, batch: 2 };
  const network = { ...mf, model: 'network' as const, d: 20, eta: 1e-2 };

  it('tanh(z) runs the same bits as the named tanh: mean-field and network GD (same coefficients), SGD (same σ and σ′ in the core)', async () => {
    for (const config of [mf, network, sgd]) {
      const [named, written] = await Promise.all([run({ ...config, activation: 'tanh' }, { core: simd }), run({ ...config, activation: { expr: 'tanh(z)' } }, { core: simd })]);
      expect(written.retcode).toBe('success');
      for (const k of ['risk', 'components', 'a', 's', 'learningTimes'] as const) expect(written[k], `${'model' in config ? config.model : 'meanfield'} ${k}`).toEqual(named[k]);
    }
  });

  it('either run or throw a ConfigError naming the expression, whatever the text (fast-check through run())', async () => {
    const words = ['z', '1', '0.5', '+', '-', '*', '/', '^', '(', ')', ',', 'tanh(', 'exp(', 'log(', 'sqrt(', 'max(', 'abs(', 'sigmoid(', ' ', '3'];
    const tiny = { m: 2, seed: 1, time: { end: 0.1, points: 2 }, degrees: 1, solver: { truncation: 6 } };
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 10 }), async (parts) => {
      try {
        const r = await run({ ...tiny, activation: { expr: parts.join('') } }, { core: simd });
        expect(typeof r.retcode).toBe('string');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).field).toMatch(/^activation(\.expr)?$/); // .expr, or the whole activation when ‖σ‖ = 0
      }
    }), { numRuns: 60 });
  }, 60_000);

  it('refuses at run time an expression that is not finite at the nodes (target.expr named)', async () => {
    await expect(run({ ...mf, target: { expr: 'sqrt(z)' } }, { core: simd })).rejects.toThrow(/^target\.expr: must be finite/);
  });
});
