#!/usr/bin/env python3
"""Held-out reference for the d→∞ neuron flow of MODEL.md §4, written apart from the library.

    python3 scripts/reference/meanfield_radau.py --out test/fixtures/heldout-meanfield.json

integrates, for every case in CASES, the flow of the pairs (a_i, s_i) with learning-rate ratio ε,

    ε ȧ_i = V(s_i) − (1/m) Σ_j a_j U(s_i s_j)
      ṡ_i = (1 − s_i²) a_i [V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j)],

with scipy's Radau IIA(5) at rtol 1e-13 and an analytic Jacobian, restarted at every output time so
that each reported state is a step end (Radau's dense output is only of the stage order). It checks
itself before writing anything: the same integration at rtol 1e-12 and 3e-14 and with DOP853 (an
explicit method of order 8) at rtol 1e-13 where ε ≥ 1e-3, and the analytic Jacobian against differences.
`--check-only` runs the checks and prints the table without writing.

The kernel is the closed form of the activation, never the library's code:
  ReLU: U(ρ) = (√(1−ρ²) + (π − arccos ρ) ρ)/(2π),  σ_0 = 1/√(2π), σ_1 = ½, σ_2 = 1/√(4π);
  erf (σ(z) = erf(z/√2)): U(ρ) = (2/π) arcsin(ρ/2),   σ_0 = σ_2 = 0, σ_1 = 1/√π.
The targets have degree ≤ 2. Summing the closed form over j whole would cancel against V(s_i) once
the second-layer weights grow (|a|·ulp/ε lost per evaluation), so the right-hand side is written as
the part of degree ≤ 2 through the residuals r_k = φ_k − σ_k M_k, M_k = (1/m) Σ_i a_i s_i^k, plus
the remainder E(ρ) = U(ρ) − Σ_{k≤2} σ_k² ρ^k, itself rearranged so that nothing cancels:
  ReLU: 2π E(ρ) = [√(1−ρ²) − 1 + ρ²/2] + ρ (arcsin ρ − ρ),  √(1−x) − 1 + x/2 = −x² / (2 (1 + √(1−x))²);
        2π E'(ρ) = arcsin ρ − ρ;
  erf:  E(ρ) = (2/π) (arcsin(ρ/2) − ρ/2),   E'(ρ) = (1/π) (1/√(1−x) − 1) = (1/π) x / (√(1−x) (1 + √(1−x))),
        x = ρ²/4;
with arcsin z − z summed from its Taylor series for |z| ≤ ½ (no cancellation there, ratio ≤ ¼).
Then ε ȧ_i = P(s_i) − (1/m) Σ_j a_j E(s_i s_j), P(s) = Σ_{k≤2} σ_k r_k s^k, and the bracket of ṡ_i is
P'(s_i) − (1/m) Σ_j a_j s_j E'(s_i s_j); the risk is R_mf = ½ Σ_{k≤2} r_k² + (1/2m²) Σ_ij a_i a_j E(s_i s_j).

Held-out: a(0) is drawn here with numpy's PCG64 (numpy.random.default_rng(seed)), seeds 90001…
used by nothing else in the repository, and written into the fixture; s(0) is 0 or a draw g/√d.
"""
import argparse
import json
import math
import os
import platform
import sys
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp

RTOL = 1e-13
# The self-checks: Radau a decade looser and as tight as scipy allows (100 ulp), DOP853 at RTOL.
RTOL_LOOSE = 1e-12
RTOL_TIGHT = 3e-14
DOP853_RTOL = 1e-13
# atol on every component: a and s are O(1) … O(100) and O(0.1) … O(1) once they move; s starts at 0.
ATOL = 1e-16
# DOP853 pays ~1/ε steps per unit time on this system: run it where that is affordable (~1 min at ε = 1e-3).
# The whole file takes ~25 min on one core.
DOP853_MIN_EPSILON = 1e-3

# The held-out cases: (name, activation, φ_0..φ_2, ε, m, seed for a(0), s(0) (0 or d for g/√d), T).
CASES = [
    ('relu-m5-eps1e-1', 'relu', [1, 1, 1], 1e-1, 5, 90001, 0, 100.0),
    ('relu-m10-eps1e-1', 'relu', [1, 1, 1], 1e-1, 10, 90002, 0, 100.0),
    ('relu-m10-eps1e-2', 'relu', [1, 1, 1], 1e-2, 10, 90003, 0, 100.0),
    ('relu-m10-eps1e-3', 'relu', [1, 1, 1], 1e-3, 10, 90004, 0, 100.0),
    ('relu-m30-eps1e-3', 'relu', [1, 1, 1], 1e-3, 30, 90005, 0, 100.0),
    ('relu-m5-eps1e-3-target', 'relu', [0.5, -1.0, 0.8], 1e-3, 5, 90006, 0, 100.0),
    ('relu-m10-eps1e-2-s0', 'relu', [1, 1, 1], 1e-2, 10, 90007, 50, 100.0),
    ('erf-m10-eps1e-2', 'erf', [0.0, 1.0, 0.0], 1e-2, 10, 90008, 50, 100.0),
    # In the stiff range: a grows to ~500 and float64 conditioning limits the weights to ~1e-11
    # (the self-checks say so); the risk keeps ~1e-14.
    ('relu-m10-eps1e-6', 'relu', [1, 1, 1], 1e-6, 10, 90009, 0, 100.0),
]
# Output times: log-spaced over the learning times (t_0 ≍ ε, t_1, t_2 up to a few units at ε = 1e-3).
OUTPUT_TIMES = [1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]


def asin_minus(z):
    """arcsin z − z without cancellation: the Taylor series z Σ_{n≥1} c_n z^{2n} for |z| ≤ ½."""
    shape = np.shape(z)
    z = np.atleast_1d(np.asarray(z, dtype=float))
    out = np.arcsin(z) - z
    small = np.abs(z) <= 0.5
    if np.any(small):
        x = z[small] * z[small]
        # c_n = (2n)! / (4^n (n!)² (2n+1)), c_{n+1}/c_n = (2n+1)² / ((2n+2)(2n+3)); 0.25^60 ≪ ulp
        c = [1.0]
        for n in range(60):
            c.append(c[-1] * (2 * n + 1) ** 2 / ((2 * n + 2) * (2 * n + 3)))
        acc = np.zeros_like(x)
        for n in range(60, 0, -1):
            acc = acc * x + c[n]
        out[small] = z[small] * x * acc
    return out.reshape(shape)


class Relu:
    name = 'relu'
    sigma = np.array([1 / math.sqrt(2 * math.pi), 0.5, 1 / math.sqrt(4 * math.pi)])

    @staticmethod
    def U(r):
        return (np.sqrt(1 - r * r) + (math.pi - np.arccos(r)) * r) / (2 * math.pi)

    @staticmethod
    def U1(r):
        return (math.pi - np.arccos(r)) / (2 * math.pi)

    @staticmethod
    def U2(r):
        return 1 / (2 * math.pi * np.sqrt(1 - r * r))

    @staticmethod
    def E(r):
        x = r * r
        q = np.sqrt(1 - x)
        return (-x * x / (2 * (1 + q) ** 2) + r * asin_minus(r)) / (2 * math.pi)

    @staticmethod
    def E1(r):
        return asin_minus(r) / (2 * math.pi)


class Erf:
    name = 'erf'
    sigma = np.array([0.0, 1 / math.sqrt(math.pi), 0.0])

    @staticmethod
    def U(r):
        return (2 / math.pi) * np.arcsin(r / 2)

    @staticmethod
    def U1(r):
        return 1 / (math.pi * np.sqrt(1 - r * r / 4))

    @staticmethod
    def U2(r):
        return (r / 4) / (math.pi * (1 - r * r / 4) ** 1.5)

    @staticmethod
    def E(r):
        return (2 / math.pi) * asin_minus(r / 2)

    @staticmethod
    def E1(r):
        x = r * r / 4
        q = np.sqrt(1 - x)
        return x / (q * (1 + q)) / math.pi


ACTIVATIONS = {'relu': Relu, 'erf': Erf}


def poly(c, s):
    """Σ_k c_k s^k (c of length 3)."""
    return c[0] + s * (c[1] + s * c[2])


def dpoly(c, s):
    return c[1] + 2 * c[2] * s


class Flow:
    def __init__(self, act, phi, eps, m):
        self.act = act
        self.sigma = act.sigma
        self.phi = np.asarray(phi, dtype=float)
        self.eps = eps
        self.m = m

    def residuals(self, a, s):
        M = np.array([np.mean(a * s ** k) for k in range(3)])
        return self.phi - self.sigma * M

    def rhs(self, t, y):
        m, act = self.m, self.act
        a, s = y[:m], y[m:]
        c = self.sigma * self.residuals(a, s)  # P(s) = Σ_k c_k s^k
        rho = np.outer(s, s)
        da = (poly(c, s) - act.E(rho) @ a / m) / self.eps
        ds = (1 - s) * (1 + s) * a * (dpoly(c, s) - act.E1(rho) @ (a * s) / m)
        return np.concatenate([da, ds])

    def jac(self, t, y):
        """The exact Jacobian (closed forms of U, U', U''; its accuracy only steers Newton)."""
        m, act = self.m, self.act
        a, s = y[:m], y[m:]
        rho = np.outer(s, s)
        U, U1, U2 = act.U(rho), act.U1(rho), act.U2(rho)
        v = self.phi * self.sigma
        D = dpoly(v, s) - U1 @ (a * s) / m  # V'(s_i) − (1/m) Σ_j a_j s_j U'(s_i s_j)
        w = (1 - s) * (1 + s)
        J = np.empty((2 * m, 2 * m))
        J[:m, :m] = -U / (m * self.eps)
        J[:m, m:] = (-(s[:, None] * a[None, :]) * U1 / m + np.diag(D)) / self.eps
        dDa = -U1 * s[None, :] / m
        dDs = -a[None, :] * (U1 + rho * U2) / m + np.diag(2 * v[2] - U2 @ (a * s * s) / m)
        J[m:, :m] = (w * a)[:, None] * dDa + np.diag(w * D)
        J[m:, m:] = (w * a)[:, None] * dDs + np.diag(-2 * s * a * D)
        return J

    def risk(self, y):
        m = self.m
        a, s = y[:m], y[m:]
        r = self.residuals(a, s)
        comps = 0.5 * r * r
        tail = a @ self.act.E(np.outer(s, s)) @ a / (2 * m * m)
        return float(comps.sum() + tail), comps


def integrate(flow, y0, times, method, rtol, atol):
    """States at `times`, each the end of a solve_ivp run from the previous output time."""
    out, steps, t0, y = [], 0, 0.0, np.array(y0, dtype=float)
    for t1 in times:
        kw = {'jac': flow.jac} if method == 'Radau' else {}
        sol = solve_ivp(flow.rhs, (t0, t1), y, method=method, rtol=rtol, atol=atol, **kw)
        if sol.status != 0:
            raise RuntimeError(f'{method} failed at t = {t0}: {sol.message}')
        y = sol.y[:, -1].copy()
        steps += len(sol.t) - 1
        out.append(y)
        t0 = t1
    return np.array(out), steps


def initial_state(m, seed, s_d):
    rng = np.random.default_rng(seed)
    a0 = rng.standard_normal(m)
    s0 = rng.standard_normal(m) / math.sqrt(s_d) if s_d else np.zeros(m)
    return a0, s0


def scaled_error(x, ref):
    """max |x − ref| / max(1, |ref|), the measure the fixture's test applies."""
    return float(np.max(np.abs(x - ref) / np.maximum(1.0, np.abs(ref))))


def check_jacobian(flow, y):
    h = 1e-6
    J = flow.jac(0.0, y)
    F = np.empty_like(J)
    for k in range(len(y)):
        e = np.zeros_like(y)
        e[k] = h * max(1.0, abs(y[k]))
        F[:, k] = (flow.rhs(0.0, y + e) - flow.rhs(0.0, y - e)) / (2 * e[k])
    return float(np.max(np.abs(J - F)) / np.max(np.abs(J)))


def check_remainders():
    """E and E' against the plain closed form minus the series, where the latter has no cancellation."""
    worst = 0.0
    for act in ACTIVATIONS.values():
        for r in (0.6, 0.75, 0.9, -0.7, 0.99):
            c = act.sigma ** 2
            worst = max(worst, abs(act.E(np.array(r)) - (act.U(r) - poly(c, r))) / abs(act.E(np.array(r))),
                        abs(act.E1(np.array(r)) - (act.U1(r) - dpoly(c, r))) / abs(act.E1(np.array(r))))
    return worst


def run_case(case, log):
    name, act_name, phi, eps, m, seed, s_d, T = case
    act = ACTIVATIONS[act_name]
    flow = Flow(act, phi, eps, m)
    a0, s0 = initial_state(m, seed, s_d)
    y0 = np.concatenate([a0, s0])
    times = [t for t in OUTPUT_TIMES if t <= T]
    ref, steps = integrate(flow, y0, times, 'Radau', RTOL, ATOL)
    loose, steps_loose = integrate(flow, y0, times, 'Radau', RTOL_LOOSE, ATOL)
    tight, _ = integrate(flow, y0, times, 'Radau', RTOL_TIGHT, ATOL)
    checks = {'radau_rtol1e-12': scaled_error(loose, ref), 'radau_rtol3e-14': scaled_error(tight, ref)}
    if eps >= DOP853_MIN_EPSILON:
        dop, _ = integrate(flow, y0, times, 'DOP853', DOP853_RTOL, ATOL)
        checks['dop853_rtol1e-13'] = scaled_error(dop, ref)
    risks = [flow.risk(y) for y in ref]
    loose_risks = [flow.risk(y)[0] for y in loose]
    checks['risk_radau_rtol1e-12'] = max(abs(x - r[0]) for x, r in zip(loose_risks, risks))
    checks['jacobian_vs_differences'] = check_jacobian(flow, ref[len(ref) // 2])
    log(f'{name:26s} steps {steps:6d} (rtol 1e-12: {steps_loose:6d})  max|a| {np.max(np.abs(ref[:, :m])):8.3g}'
        f'  max|s| {np.max(np.abs(ref[:, m:])):.3g}  R(T) {risks[-1][0]:.3e}  '
        + '  '.join(f'{k} {v:.1e}' for k, v in checks.items()))
    return {
        'name': name,
        'activation': act_name,
        'sigma': act.sigma.tolist(),
        'phi': list(map(float, phi)),
        'epsilon': eps,
        'm': m,
        'seed': seed,
        'init': 'a(0) = default_rng(seed).standard_normal(m)'
                + (f', s(0) = default_rng(seed).standard_normal(m) / sqrt({s_d}) drawn after a(0)' if s_d else ', s(0) = 0'),
        'a0': a0.tolist(),
        's0': s0.tolist(),
        'times': times,
        'a': ref[:, :m].tolist(),
        's': ref[:, m:].tolist(),
        'risk': [r[0] for r in risks],
        'components': [r[1].tolist() for r in risks],
        'radauSteps': steps,
        'selfCheck': checks,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', help='fixture path (JSON, written whole)')
    p.add_argument('--check-only', action='store_true', help='run the cases and checks, write nothing')
    p.add_argument('--only', help='run only the case of this name')
    args = p.parse_args()
    if not args.out and not args.check_only:
        p.error('give --out PATH or --check-only')
    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    log(f'remainder forms against closed form − series (|ρ| ≥ 0.6): {check_remainders():.1e} relative')
    cases = [run_case(c, log) for c in CASES if args.only in (None, c[0])]
    if args.check_only:
        return
    doc = {
        'about': 'Held-out reference for the d→∞ mean-field flow (MODEL.md §4): scipy Radau at rtol 1e-13, '
                 'atol 1e-16, analytic Jacobian, restarted at each output time; closed-form kernels with the '
                 'remainder beyond degree 2 rearranged to avoid cancellation (see the script). selfCheck: '
                 'max |x − ref| / max(1, |ref|) over a and s of the same solve at rtol 1e-12 and 3e-14 and of DOP853 '
                 'at rtol 1e-13 (where ε ≥ 1e-3), max |ΔR| at rtol 1e-12, and the Jacobian against central differences (relative).',
        'command': 'python3 scripts/reference/meanfield_radau.py --out test/fixtures/heldout-meanfield.json',
        'versions': {'python': platform.python_version(), 'numpy': np.__version__, 'scipy': scipy.__version__},
        'rtol': RTOL,
        'atol': ATOL,
        'cases': cases,
    }
    text = json.dumps(doc, indent=1) + '\n'
    folder = os.path.dirname(os.path.abspath(args.out))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.heldout-', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, args.out)
    except BaseException:
        os.unlink(tmp)
        raise
    log(f'wrote {args.out} ({len(text)} bytes)')


if __name__ == '__main__':
    main()
