# scipy peer for bench/meanfield.bench.ts: the d→∞ neuron flow (MODEL.md §4) in kernel form with
# the closed-form ReLU kernel, integrated by solve_ivp. Reads one JSON job from stdin:
#   {sigma, phi, epsilon, a0, s0, T, rtol, atol, methods, limit}
# and prints one JSON line: per method {seconds, steps, nfev, njev, nlu, risk} or {error}.
# The Jacobian is left to solve_ivp's finite differences (n = 2m is small).
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

job = json.load(sys.stdin)
sigma = np.array(job['sigma'])
phi = np.array(job['phi'])
eps = job['epsilon']
a0 = np.array(job['a0'])
s0 = np.array(job['s0'])
m = len(a0)
v = (phi * sigma)[::-1]  # V(s) = Σ φ_k σ_k s^k, highest degree first for polyval
vd = np.polyder(v)


def relu_u(rho):
    rho = np.clip(rho, -1.0, 1.0)
    return (np.sqrt(1.0 - rho * rho) + (np.pi - np.arccos(rho)) * rho) / (2 * np.pi)


def relu_ud(rho):
    return (np.pi - np.arccos(np.clip(rho, -1.0, 1.0))) / (2 * np.pi)


class TooSlow(Exception):
    pass


def rhs_factory(deadline):
    def rhs(t, y):
        if time.perf_counter() > deadline:
            raise TooSlow()
        a, s = y[:m], y[m:]
        rho = np.outer(s, s)
        da = (np.polyval(v, s) - relu_u(rho) @ a / m) / eps
        ds = (1 - s * s) * a * (np.polyval(vd, s) - relu_ud(rho) @ (a * s) / m)
        return np.concatenate([da, ds])
    return rhs


def risk(y):
    a, s = y[:m], y[m:]
    return 0.5 * phi @ phi - a @ np.polyval(v, s) / m + a @ relu_u(np.outer(s, s)) @ a / (2 * m * m)


out = {}
y0 = np.concatenate([a0, s0])
for method in job['methods']:
    start = time.perf_counter()
    try:
        sol = solve_ivp(rhs_factory(start + job['limit']), (0.0, job['T']), y0, method=method,
                        rtol=job['rtol'], atol=job['atol'])
        seconds = time.perf_counter() - start
        out[method] = {'seconds': seconds, 'steps': len(sol.t) - 1, 'nfev': int(sol.nfev), 'njev': int(sol.njev),
                       'nlu': int(sol.nlu), 'risk': float(risk(sol.y[:, -1])), 'status': int(sol.status)}
    except TooSlow:
        out[method] = {'error': f"did not finish in {job['limit']} s"}
print(json.dumps(out))
