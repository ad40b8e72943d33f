#!/usr/bin/env node
// The table behind test/heldout-accuracy.test.ts: for every held-out case, method and rtol, the
// worst deviation of our run from the Radau reference — weights as max |x − ref| / max(1, |ref|)
// over a and s at every output time (where), risk as max |R − R_ref| — and the steps taken.
//   npm run build && node scripts/reference/heldout-errors.mjs [methods] [rtols]
//   e.g. node scripts/reference/heldout-errors.mjs bdf,stiff,dopri5 1e-10,1e-12,1e-14
// DOP5 runs only where ε ≥ 0.1 (below, the flow is stiff for it).
import { readFileSync } from 'node:fs';
import { loadCore, run } from '../../dist/index.js';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/heldout-meanfield.json', import.meta.url), 'utf8'));
const methods = (process.argv[2] ?? 'bdf,stiff,dopri5').split(',');
const rtols = (process.argv[3] ?? '1e-12,1e-14').split(',').map(Number);
const ATOL = 1e-14;
const core = await loadCore();

console.log('| case | method | rtol | weights | where | risk | steps |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const c of fixture.cases) {
  for (const method of methods) {
    if (method === 'dopri5' && c.epsilon < 0.1) continue;
    for (const rtol of rtols) {
      const r = await run({
        model: 'meanfield', activation: c.activation, target: { hermite: c.phi }, epsilon: c.epsilon, m: c.m,
        init: { a: c.a0, s: c.s0 }, time: { at: c.times }, degrees: 2, keepWeights: true,
        solver: { method, form: 'kernel', rtol, atol: ATOL },
      }, { core });
      if (r.retcode !== 'success') {
        console.log(`| ${c.name} | ${method} | ${rtol} | ${r.retcode} | | | ${r.stats.steps} |`);
        continue;
      }
      let weights = 0;
      let risk = 0;
      let where = '';
      c.times.forEach((t, k) => {
        for (const [name, ref, ours] of [['a', c.a[k], r.a], ['s', c.s[k], r.s]]) {
          ref.forEach((x, i) => {
            const e = Math.abs(ours[k * c.m + i] - x) / Math.max(1, Math.abs(x));
            if (e > weights) [weights, where] = [e, `${name}[${i}] at t = ${t}`];
          });
        }
        risk = Math.max(risk, Math.abs(r.risk[k] - c.risk[k]));
      });
      console.log(`| ${c.name} | ${r.stats.method} | ${rtol} | ${weights.toExponential(1)} | ${where} | ${risk.toExponential(1)} | ${r.stats.steps} |`);
    }
  }
}
