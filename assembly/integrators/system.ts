// The ODE system an integrator runs, y' = f(y) in R^n (after SUNDIALS' CVRhsFn, CVLsJacFn and
// SUNLinearSolver: the integrator knows nothing of the problem). A model lays a System header at
// the start of its own block and fills in its functions; the integrators reach the model only
// through them, so a test problem and the mean-field flow plug in the same way. Every function
// gets the block's address `sys` first (the model's parameters and scratch live after the header):
//   rhs(sys, y, dy)          dy = f(y);
//   invalid(sys, y): i32     index of the first variable of y that is non-finite or outside the
//                            model's domain, or −1;
//   jacobian(sys, y)         takes J = ∂f/∂y at y, for the factorizations that follow;
//   factor(sys, x): bool     factors x I − J for the Jacobian last taken; false when it is
//                            numerically singular (the integrator retries with another step);
//   solve(sys, x, b)         solves (x I − J) u = b in place on b with the last factorization.
// The explicit methods use rhs and invalid only. A non-autonomous problem appends t as a variable
// with t' = 1 (its column of J is ∂f/∂t), which is how Rosenbrock methods treat it anyway.

export type RhsFn = (sys: usize, y: usize, dy: usize) => void;
export type InvalidFn = (sys: usize, y: usize) => i32;
export type JacobianFn = (sys: usize, y: usize) => void;
export type FactorFn = (sys: usize, x: f64) => bool;
export type SolveFn = (sys: usize, x: f64, b: usize) => void;

@unmanaged export class System {
  /** Unknowns. */
  n: i32;
  rhs: RhsFn;
  invalid: InvalidFn;
  jacobian: JacobianFn;
  factor: FactorFn;
  solve: SolveFn;
}

@inline export function system(sys: usize): System {
  return changetype<System>(sys);
}

/** Bytes of the header, rounded to 16: where the model's own part of the block starts. */
@inline export function systemBytes(): usize {
  return (offsetof<System>() + 15) & ~15;
}

/** Fills in the header at the start of the block `sys`. */
export function systemInit(sys: usize, n: i32, rhs: RhsFn, invalid: InvalidFn, jacobian: JacobianFn,
  factor: FactorFn, solve: SolveFn): void {
  const S = system(sys);
  S.n = n;
  S.rhs = rhs;
  S.invalid = invalid;
  S.jacobian = jacobian;
  S.factor = factor;
  S.solve = solve;
}

/** Unknowns of the system at `sys`. */
export function systemSize(sys: usize): i32 {
  return system(sys).n;
}

/** dy = f(y) for the system at `sys` (for hosts and tests; integrators count their calls in state.ts). */
export function systemRhs(sys: usize, y: usize, dy: usize): void {
  system(sys).rhs(sys, y, dy);
}

export function systemInvalid(sys: usize, y: usize): i32 {
  return system(sys).invalid(sys, y);
}

export function systemJacobian(sys: usize, y: usize): void {
  system(sys).jacobian(sys, y);
}

export function systemFactor(sys: usize, x: f64): bool {
  return system(sys).factor(sys, x);
}

export function systemSolve(sys: usize, x: f64, b: usize): void {
  system(sys).solve(sys, x, b);
}
