// User-written activations (ACT_EXPR): a postfix program compiled by src/hermite/expression.ts,
// opcodes and constants in one f64 array (OP_CONST is followed by its value). The
// interpreter carries dual numbers (f, f′) on its stack, so one pass gives σ and, by the
// chain rule applied operation by operation, σ′ exactly as the formulas below say, with
// no truncation error and no second program to keep in step (forward-mode differentiation).
// A malformed program (unknown opcode, stack under- or overflow) evaluates to NaN; it
// never reads or writes outside its stack.
import { erf, erfc } from './erf';
import { sigmoid, softplus } from './activations';

export const OP_CONST: i32 = 0;
export const OP_Z: i32 = 1;
// binary: pop b, pop a, push a ∘ b
export const OP_ADD: i32 = 2;
export const OP_SUB: i32 = 3;
export const OP_MUL: i32 = 4;
export const OP_DIV: i32 = 5;
export const OP_POW: i32 = 6;
export const OP_MAX: i32 = 7;
export const OP_MIN: i32 = 8;
// unary: replace the top x by f(x)
export const OP_NEG: i32 = 9;
export const OP_EXP: i32 = 10;
export const OP_LOG: i32 = 11;
export const OP_LOG1P: i32 = 12;
export const OP_SQRT: i32 = 13;
export const OP_ABS: i32 = 14;
export const OP_SIGN: i32 = 15;
export const OP_RELU: i32 = 16;
export const OP_TANH: i32 = 17;
export const OP_SINH: i32 = 18;
export const OP_COSH: i32 = 19;
export const OP_SIN: i32 = 20;
export const OP_COS: i32 = 21;
export const OP_ATAN: i32 = 22;
export const OP_ERF: i32 = 23;
export const OP_ERFC: i32 = 24;
export const OP_SIGMOID: i32 = 25;
export const OP_SOFTPLUS: i32 = 26;

/** Stack slots: the compiler's program limit, which no program's stack can exceed. */
export const EXPR_STACK_SLOTS: i32 = 256;
/** Slot k holds f at STACK + 16k and f′ at STACK + 16k + 8. */
const STACK: usize = memory.data(EXPR_STACK_SLOTS << 4, 16);

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126; // d/dx erf(x) at x = 0

/** f′(x)·dx, and 0 when dx = 0 so that a constant argument never turns 0·∞ into NaN. */
@inline function chain(fprime: f64, dx: f64): f64 {
  return dx == 0 ? 0.0 : fprime * dx;
}

/** f(z) of the program (code, n), or f′(z) when `deriv`; NaN for a malformed program. */
export function exprEval(code: usize, n: i32, z: f64, deriv: bool): f64 {
  let sp: i32 = 0; // slots in use
  let pc: i32 = 0;
  while (pc < n) {
    const op = <i32>load<f64>(code + (<usize>pc << 3));
    pc++;
    if (op == OP_CONST || op == OP_Z) {
      if (sp == EXPR_STACK_SLOTS || (op == OP_CONST && pc == n)) return NaN;
      const slot = STACK + (<usize>sp << 4);
      if (op == OP_CONST) {
        store<f64>(slot, load<f64>(code + (<usize>pc << 3)));
        store<f64>(slot, 0.0, 8);
        pc++;
      } else {
        store<f64>(slot, z);
        store<f64>(slot, 1.0, 8);
      }
      sp++;
      continue;
    }
    if (op >= OP_ADD && op <= OP_MIN) {
      if (sp < 2) return NaN;
      sp--;
      const top = STACK + (<usize>(sp - 1) << 4);
      const a = load<f64>(top);
      const da = load<f64>(top, 8);
      const b = load<f64>(top, 16);
      const db = load<f64>(top, 24);
      let v: f64;
      let dv: f64;
      switch (op) {
        case OP_ADD: v = a + b; dv = da + db; break;
        case OP_SUB: v = a - b; dv = da - db; break;
        case OP_MUL: v = a * b; dv = chain(b, da) + chain(a, db); break;
        case OP_DIV: v = a / b; dv = (da - chain(v, db)) / b; break;
        case OP_POW: {
          v = Math.pow(a, b);
          // d(a^b) = b a^{b−1} da + a^b log(a) db; with db = 0 the log (NaN for a < 0) is not needed
          dv = chain(b * Math.pow(a, b - 1.0), da) + chain(v * Math.log(a), db);
          break;
        }
        case OP_MAX: v = Math.max(a, b); dv = a >= b ? da : db; break;
        default: v = Math.min(a, b); dv = a <= b ? da : db; break; // OP_MIN
      }
      store<f64>(top, v);
      store<f64>(top, dv, 8);
      continue;
    }
    if (sp == 0) return NaN;
    const top = STACK + (<usize>(sp - 1) << 4);
    const x = load<f64>(top);
    const dx = load<f64>(top, 8);
    let v: f64;
    let dv: f64;
    switch (op) {
      case OP_NEG: v = -x; dv = -dx; break;
      case OP_EXP: v = Math.exp(x); dv = chain(v, dx); break;
      case OP_LOG: v = Math.log(x); dv = chain(1.0 / x, dx); break;
      case OP_LOG1P: v = Math.log1p(x); dv = chain(1.0 / (1.0 + x), dx); break;
      case OP_SQRT: v = Math.sqrt(x); dv = chain(0.5 / v, dx); break;
      case OP_ABS: v = Math.abs(x); dv = x > 0 ? dx : x < 0 ? -dx : 0.0; break;
      case OP_SIGN: v = x > 0 ? 1.0 : x < 0 ? -1.0 : x; dv = 0.0; break; // sign(±0) = ±0, sign(NaN) = NaN
      case OP_RELU: v = Math.max(x, 0.0); dv = x > 0 ? dx : 0.0; break;
      case OP_TANH: {
        v = Math.tanh(x);
        dv = chain(1.0 - v * v, dx);
        break;
      }
      case OP_SINH: v = Math.sinh(x); dv = chain(Math.cosh(x), dx); break;
      case OP_COSH: v = Math.cosh(x); dv = chain(Math.sinh(x), dx); break;
      case OP_SIN: v = Math.sin(x); dv = chain(Math.cos(x), dx); break;
      case OP_COS: v = Math.cos(x); dv = chain(-Math.sin(x), dx); break;
      case OP_ATAN: v = Math.atan(x); dv = chain(1.0 / (1.0 + x * x), dx); break;
      case OP_ERF: v = erf(x); dv = chain(TWO_OVER_SQRT_PI * Math.exp(-x * x), dx); break;
      case OP_ERFC: v = erfc(x); dv = chain(-TWO_OVER_SQRT_PI * Math.exp(-x * x), dx); break;
      case OP_SIGMOID: {
        v = sigmoid(x);
        dv = chain(v * (1.0 - v), dx);
        break;
      }
      case OP_SOFTPLUS: v = softplus(x); dv = chain(sigmoid(x), dx); break;
      default: return NaN;
    }
    store<f64>(top, v);
    store<f64>(top, dv, 8);
  }
  if (sp != 1) return NaN;
  return deriv ? load<f64>(STACK, 8) : load<f64>(STACK);
}
