// Held-out accuracy of the mean-field flow (MODEL.md §4): runs through the public `run` API agree
// with an independent reference to 1e-11. The reference (test/fixtures/heldout-meanfield.json) is
// scipy's Radau IIA(5) at rtol 1e-13 on its own closed-form kernels, made by
// scripts/reference/meanfield_radau.py (the command, versions and the reference's self-checks are
// in the file; this test reads the file only). Its a(0) are numpy draws that no other test or
// tuning uses. RODAS4 and DOP5 at rtol 1e-12 agree with it to ≤ 2.9e-12, which checks the
// reference as much as them.
//
// The measure, for a and s at every output time: max_i |x_i − ref_i| / max(1, |ref_i|) ≤ 1e-11,
// i.e. relative where a weight exceeds 1 and absolute below (s ∈ [−1, 1]); for the risk R_mf,
// which starts near 1.7 and falls towards 0, |R − R_ref| ≤ 1e-11 absolute. The cases: m = 5, 10, 30,
// ε = 1e-1 … 1e-3, ReLU and erf, two targets, s(0) = 0 or drawn; and one at ε = 1e-6, where the
// reference certifies only the risk (its weights agree with themselves to 7e-12 there).
//
// BDF (what 'auto' runs for ε < 0.1) does not reach the bound at rtol 1e-12, where RODAS4 and DOP5
// do: its global error there is 20–300× rtol on the weights (2.1e-11 … 2.8e-10, the worst a_0 at
// t = 10 of relu-m10-eps1e-2; 2.4e-9 at ε = 1e-6) and up to 1.1e-11 on the risk (relu-m5-eps1e-1
// 1.005e-11, relu-m10-eps1e-6 1.10e-11). scipy's own BDF, the scheme ours follows, errs the same on
// the weights (relu-m10-eps1e-2: 4.7e-10, 8.1e-11, 3.7e-11 at rtol 1e-12, 1e-13, 3e-14), so it is the
// method's, not the reference's. BDF is therefore judged at tighter tolerances: the risk at rtol
// 1e-13 (≤ 1.5e-12), the weights at 1e-14, where two cases still miss (BDF_SHORT, 1.1e-11 and
// 2.4e-11: expected failures, it.fails; vitest fails the suite once one of them passes, so a better
// BDF shows here). `node scripts/reference/heldout-errors.mjs` prints the whole table.
//
// Teeth (last block, measured on every case): at rtol 1e-8 — the library's default — the weights
// err 5e-9 … 7e-7; with the ReLU kernel perturbed by a relative 1e-10 (activation relu(c z),
// c² = 1 + 1e-10), RODAS4 at rtol 1e-12 errs 2.7e-10 … 9.5e-10; even RODAS4 at rtol 1e-10 misses
// on most cases (9e-12 … 8.5e-11).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCore, run, type RunConfigInput, type RunResult } from '../src/index.js';

interface HeldoutCase {
  name: string;
  activation: 'relu' | 'erf';
  phi: number[];
  epsilon: number;
  m: number;
  a0: number[];
  s0: number[];
  times: number[];
  a: number[][];
  s: number[][];
  risk: number[];
  components: number[][];
  /** The reference against itself: other tolerances, DOP853, its Jacobian against differences. */
  selfCheck: Record<string, number>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/heldout-meanfield.json', import.meta.url), 'utf8')) as { cases: HeldoutCase[] };
const core = await loadCore();

/** The bound the issue states: held-out runs agree with the reference to 1e-11. */
const BOUND = 1e-11;
/** Our tolerances for the comparison; atol well below the overlaps s that matter. */
const RTOL = 1e-12;
const ATOL = 1e-14;
/** BDF's risk is asserted at this tolerance, its weights at BDF_RTOL (see the top of the file). */
const BDF_RISK_RTOL = 1e-13;
const BDF_RTOL = 1e-14;
/** Cases where BDF misses the bound on the weights even at BDF_RTOL (measured: 1.1e-11, 2.4e-11). */
const BDF_SHORT = new Set(['relu-m10-eps1e-2', 'relu-m30-eps1e-3']);

type Method = 'auto' | 'bdf' | 'stiff' | 'dopri5';

function config(c: HeldoutCase, method: Method, rtol = RTOL, activation: RunConfigInput['activation'] = c.activation): RunConfigInput {
  return {
    model: 'meanfield', activation, target: { hermite: c.phi }, epsilon: c.epsilon, m: c.m,
    init: { a: c.a0, s: c.s0 }, time: { at: c.times }, degrees: 2, keepWeights: true,
    solver: { method, form: 'kernel', rtol, atol: ATOL },
  };
}

/** The largest deviation from the reference over the output times: weights (scaled as above) and risk (absolute). */
function deviation(c: HeldoutCase, r: RunResult): { weights: number; risk: number; where: string } {
  expect(r.retcode).toBe('success');
  expect(Array.from(r.t)).toEqual(c.times);
  let weights = 0;
  let risk = 0;
  let where = '';
  c.times.forEach((t, k) => {
    for (const [name, ref, ours] of [['a', c.a[k], r.a!], ['s', c.s[k], r.s!]] as const) {
      ref.forEach((x, i) => {
        const e = Math.abs(ours[k * c.m + i] - x) / Math.max(1, Math.abs(x));
        if (e > weights) {
          weights = e;
          where = `${name}[${i}] at t = ${t}`;
        }
      });
    }
    risk = Math.max(risk, Math.abs(r.risk[k] - c.risk[k]));
  });
  return { weights, risk, where };
}

/** The reference's weights are good to well below the bound: its other tolerances and DOP853 agree to ≤ BOUND/3. */
function weightsCertified(c: HeldoutCase): boolean {
  return ['radau_rtol1e-12', 'radau_rtol3e-14', 'dop853_rtol1e-13'].every((k) => !(c.selfCheck[k] > BOUND / 3));
}

async function solve(c: HeldoutCase, method: Method, rtol = RTOL, activation?: RunConfigInput['activation']) {
  return deviation(c, await run(config(c, method, rtol, activation), { core }));
}

describe('held-out accuracy against the Radau reference', () => {
  it('has held-out cases over m, ε, targets and both closed-form kernels', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(9);
    expect(new Set(fixture.cases.map((c) => c.m))).toEqual(new Set([5, 10, 30]));
    expect(new Set(fixture.cases.map((c) => c.epsilon))).toEqual(new Set([1e-1, 1e-2, 1e-3, 1e-6]));
    expect(new Set(fixture.cases.map((c) => c.activation))).toEqual(new Set(['relu', 'erf']));
  });

  it('has a reference that agrees with itself well below the bound', () => {
    // Radau at rtol 1e-12 and 3e-14 and DOP853 at 1e-13 (where ε allows it) against the Radau run at
    // 1e-13, in the measure above; at ε = 1e-6 only the risk is certified
    expect(fixture.cases.filter((c) => !weightsCertified(c)).map((c) => c.name)).toEqual(['relu-m10-eps1e-6']);
    for (const c of fixture.cases) {
      if (c.epsilon >= 1e-3) expect(c.selfCheck['dop853_rtol1e-13'], c.name).toBeDefined();
      expect(c.selfCheck['risk_radau_rtol1e-12'], c.name).toBeLessThanOrEqual(BOUND / 100);
      expect(c.selfCheck['jacobian_vs_differences'], c.name).toBeLessThanOrEqual(1e-8);
    }
  });

  it("'auto' is DOP5 at ε = 0.1 and BDF below, as the cases below assume", async () => {
    for (const c of fixture.cases) {
      const r = await run({ ...config(c, 'auto', 1e-6), time: { at: [c.times[0]] } }, { core });
      expect(r.stats.method).toBe(c.epsilon >= 0.1 ? 'dopri5' : 'bdf');
    }
  });

  for (const c of fixture.cases.filter(weightsCertified)) {
    // RODAS4 everywhere, DOP5 where the flow is not stiff (ε = 0.1, where 'auto' picks it)
    for (const method of c.epsilon >= 0.1 ? ['stiff', 'dopri5'] as const : ['stiff'] as const) {
      it(`${c.name}, ${method} at rtol ${RTOL}: a, s and R_mf within ${BOUND}`, async () => {
        const d = await solve(c, method);
        expect(d.weights, `worst at ${d.where}`).toBeLessThanOrEqual(BOUND);
        expect(d.risk).toBeLessThanOrEqual(BOUND);
      });
    }

    it(`${c.name}, bdf at rtol ${BDF_RISK_RTOL}: R_mf within ${BOUND}`, async () => {
      expect((await solve(c, 'bdf', BDF_RISK_RTOL)).risk).toBeLessThanOrEqual(BOUND);
    });

    const short = BDF_SHORT.has(c.name);
    (short ? it.fails : it)(`${c.name}, bdf at rtol ${BDF_RTOL}: a and s within ${BOUND}${short ? ' (known short: BDF_SHORT)' : ''}`, async () => {
      const d = await solve(c, 'bdf', BDF_RTOL);
      expect(d.risk).toBeLessThanOrEqual(BOUND);
      expect(d.weights, `worst at ${d.where}`).toBeLessThanOrEqual(BOUND);
    });
  }

  // ε = 1e-6: the reference's weights agree with themselves only to 7e-12 (a reaches ~500), so the
  // risk alone is judged (measured: RODAS4 at rtol 1e-12 3.9e-14, BDF 1.1e-11 at 1e-12 and 1.3e-12
  // at 1e-13; the weights, for the record, 1.6e-11 and 2.4e-9 at rtol 1e-12)
  for (const c of fixture.cases.filter((x) => !weightsCertified(x))) {
    for (const [method, rtol] of [['stiff', RTOL], ['bdf', BDF_RISK_RTOL]] as const) {
      it(`${c.name}, ${method} at rtol ${rtol}: R_mf within ${BOUND}`, async () => {
        expect((await solve(c, method, rtol)).risk).toBeLessThanOrEqual(BOUND);
      });
    }
  }
});

describe('the comparison has teeth', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: a run at rtol 1e-8 fails it`, async () => {
      expect((await solve(c, 'auto', 1e-8)).weights).toBeGreaterThan(BOUND);
    });
  }

  // relu(c z) = c relu(z) for c > 0: σ_k scale by c and U by c² = 1 + 1e-10
  for (const c of fixture.cases.filter((x) => x.activation === 'relu')) {
    it(`${c.name}: the ReLU kernel perturbed by a relative 1e-10 fails it`, async () => {
      expect((await solve(c, 'stiff', RTOL, { name: 'relu', scale: Math.sqrt(1 + 1e-10) })).weights).toBeGreaterThan(BOUND);
    });
  }
});
