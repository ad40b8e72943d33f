// What the small test systems share (robertson.ts, vanderpol.ts, hires.ts, prothero-robinson.ts):
// one block of [System header | Small header | Jacobian | LU factors | pivots], the dense linear
// algebra on it, and a validity check that only asks for finite values. Each problem supplies
// its right-hand side and a Jacobian that fills J (column-major, entry (i, j) at J[j n + i]).
import { align, take } from '../block';
import { luFactorShifted, luSolve } from '../lu';
import { JacobianFn, RhsFn, systemBytes, systemInit } from '../integrators/system';

@unmanaged export class Small {
  n: i32;
  /** The problem's parameter (μ of van der Pol, λ of Prothero–Robinson; unused otherwise). */
  param: f64;
  J: usize; // n×n, column-major
  LU: usize; // n×n
  piv: usize; // n i32
}

@inline export function small(sys: usize): Small {
  return changetype<Small>(sys + systemBytes());
}

/** Lays out (write) or measures the block at p for n unknowns; returns its end (block.ts). */
function layout(write: bool, p: usize, n: i32): usize {
  const h = write ? p + systemBytes() : 0;
  let q = align(p + systemBytes() + offsetof<Small>());
  q = take(h, offsetof<Small>('J'), q, n * n);
  q = take(h, offsetof<Small>('LU'), q, n * n);
  return <usize>take(h, offsetof<Small>('piv'), q, n);
}

/** Bytes of a small test system's block with n unknowns. */
export function smallSystemBytes(n: i32): usize {
  return layout(false, 0, n);
}

/** Lays out the block at p and plugs in the problem's rhs and Jacobian with the shared solves. */
export function smallInit(p: usize, n: i32, param: f64, rhs: RhsFn, jacobian: JacobianFn): void {
  layout(true, p, n);
  const S = small(p);
  S.n = n;
  S.param = param;
  memory.fill(S.J, 0, <usize>(n * n) << 3);
  systemInit(p, n, rhs, smallInvalid, jacobian, smallFactor, smallSolve);
}

/** Entry (i, j) of J: the address to store ∂f_i/∂y_j at. */
@inline export function entry(S: Small, i: i32, j: i32): usize {
  return S.J + (<usize>(j * S.n + i) << 3);
}

@inline export function y(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

function smallInvalid(sys: usize, v: usize): i32 {
  const n = small(sys).n;
  for (let i = 0; i < n; i++) if (!isFinite(y(v, i))) return i;
  return -1;
}

function smallFactor(sys: usize, x: f64): bool {
  const S = small(sys);
  return luFactorShifted(S.J, x, S.LU, S.n, S.piv);
}

function smallSolve(sys: usize, x: f64, b: usize): void {
  const S = small(sys);
  luSolve(S.LU, S.n, S.piv, b);
}
