// Study files: axes, grid expansion and its order, zip groups, cell keys (golden values:
// a change of order or hashing would orphan every result folder), and the one-line
// errors for bad studies, from the API and from the command line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { canonicalJSON } from '../src/io/checkpoint.js';
import { cellKey } from '../src/study/folder.js';
import { planStudy } from '../src/study/plan.js';
import { studyJsonSchema } from '../src/study/spec.js';
import { type Core, loadCore } from '../src/wasm/loader.js';
import { progressLine } from '../src/cli/study.js';
import { cli, repo, scratch, smallBase, smallStudy } from './support/study.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });

const cells = (study: unknown) => {
  const plan = planStudy(study, core);
  return Array.from({ length: plan.size }, (_, i) => plan.cell(i));
};

describe('axes', () => {
  it('generates log, linear and range values, rounded to 12 (log) and 15 (linear) digits', () => {
    const plan = planStudy({ base: smallBase, grid: { epsilon: { log: [1e-1, 1e-8, 8] }, noise: { linear: [0, 1, 11] }, seed: { range: [5, 3] } } }, core);
    expect(plan.axes[0].values).toEqual([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]);
    expect(plan.axes[1].values).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(plan.axes[2].values).toEqual([5, 6, 7]);
    expect(plan.size).toBe(8 * 11 * 3);
    // Not decades: the geometric mean, to 12 digits.
    expect(planStudy({ base: smallBase, grid: { epsilon: { log: [1, 2, 3] } } }, core).axes[0].values).toEqual([1, 1.41421356237, 2]);
  });
});

describe('grid expansion', () => {
  it('is the product of the axes, the first axis slowest, applied at dotted paths', () => {
    const list = cells({ base: smallBase, grid: { epsilon: [0.1, 0.01], 'solver.rtol': [1e-6, 1e-9], 'init.a.scale': [2] } });
    expect(list.map((c) => c.values)).toEqual([[0.1, 1e-6, 2], [0.1, 1e-9, 2], [0.01, 1e-6, 2], [0.01, 1e-9, 2]]);
    expect(list.map((c) => [c.config.epsilon, c.config.solver.rtol, (c.config.init.a as { scale: number }).scale])).toEqual(list.map((c) => c.values));
    // Defaults filled in, the base untouched elsewhere.
    expect(list[3].config.solver.atol).toBe(1e-10);
    expect(list[3].config.time).toEqual({ start: 1e-6, end: 10, points: 20, spacing: 'log' });
  });

  it('advances the axes of a zip group together, placed at its first axis', () => {
    const list = cells({ base: smallBase, grid: { m: [3, 4], epsilon: [0.1, 0.01, 0.001], seed: [7, 8], 'time.end': [1, 10, 100] }, zip: [['time.end', 'epsilon']] });
    expect(list.map((c) => c.values)).toEqual([
      [3, 0.1, 7, 1], [3, 0.1, 8, 1], [3, 0.01, 7, 10], [3, 0.01, 8, 10], [3, 0.001, 7, 100], [3, 0.001, 8, 100],
      [4, 0.1, 7, 1], [4, 0.1, 8, 1], [4, 0.01, 7, 10], [4, 0.01, 8, 10], [4, 0.001, 7, 100], [4, 0.001, 8, 100],
    ]);
  });

  it('sets array elements and whole objects', () => {
    const list = cells({ base: { ...smallBase, target: { hermite: [1, 1, 1] } }, grid: { 'target.hermite.2': [0, 0.5], activation: ['relu', { name: 'tanh', scale: 2 }] } });
    expect(list.map((c) => [c.config.target, c.config.activation])).toEqual([
      [{ hermite: [1, 1, 0] }, 'relu'], [{ hermite: [1, 1, 0] }, { name: 'tanh', scale: 2 }],
      [{ hermite: [1, 1, 0.5] }, 'relu'], [{ hermite: [1, 1, 0.5] }, { name: 'tanh', scale: 2 }],
    ]);
  });
});

describe('cell validation', () => {
  // Each cell as parseConfig sees it: the base with the axis values written in.
  const whole = (study: { base: Record<string, unknown> }, cell: { values: unknown[] }, paths: string[]) => {
    const input = structuredClone(study.base);
    cell.values.forEach((v, a) => {
      const parts = paths[a].split('.');
      let node = input as Record<string, unknown>;
      for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[parts[parts.length - 1]] = structuredClone(v);
    });
    return parseConfig(input);
  };

  it('gives parseConfig\'s config, field for field and in its order, and its canonical JSON', () => {
    const studies = [
      smallStudy,
      { base: smallBase, grid: { epsilon: [0.1, 0.01], 'solver.rtol': [1e-6, 1e-9], 'init.a.scale': [2], 'time.points': [5, 9] } },
      { base: { ...smallBase, target: { hermite: [1, 1, 1] } }, grid: { 'target.hermite.2': [0, 0.5], activation: ['relu', { name: 'tanh', scale: 2 }] } },
      { base: { ...smallBase, model: 'network', eta: 0.01 }, grid: { d: [5, 50], seed: { range: [3, 2] } } },
      { base: { model: 'sgd', time: { end: 1, points: 3 }, eta: 0.1, d: 4 }, grid: { m: [2, 3], batch: [1, 4], 'time.end': [1, 2] }, zip: [['m', 'time.end']] },
    ];
    for (const study of studies) {
      const plan = planStudy(study, core);
      const paths = plan.axes.map((a) => a.path);
      for (let i = 0; i < plan.size; i++) {
        const cell = plan.cell(i);
        const expected = whole(study as { base: Record<string, unknown> }, cell, paths);
        expect(JSON.stringify(cell.config)).toBe(JSON.stringify(expected));
        expect(Object.keys(cell.config)).toEqual(Object.keys(expected));
        expect(cell.canonical).toBe(canonicalJSON(expected));
      }
    }
  });

  it('gives each cell its own config: changing one changes no other, nor the study file', () => {
    const input = { base: { ...smallBase, target: { hermite: [1, 1, 1] } }, grid: { seed: [0, 1], 'init.a': [[1, 2, 3, 4]] } };
    const plan = planStudy(input, core);
    const [a, b] = [plan.cell(0), plan.cell(1)];
    (a.config.target as { hermite: number[] }).hermite[0] = 5;
    (a.config.init.a as number[])[0] = 5;
    expect(b.config.target).toEqual({ hermite: [1, 1, 1] });
    expect(b.config.init.a).toEqual([1, 2, 3, 4]);
    expect(plan.cell(0).config.target).toEqual({ hermite: [1, 1, 1] });
    expect(input.grid['init.a']).toEqual([[1, 2, 3, 4]]);
  });
});

describe('cell keys', () => {
  it('are the first 16 hex digits of the SHA-256 of the canonical config (golden values)', () => {
    const list = cells(smallStudy);
    expect(list.map((c) => cellKey(c.canonical))).toMatchInlineSnapshot(`
      [
        "ebbed8aced97bfc6",
        "55b2f735b190700c",
        "21aab0fb55f9e36a",
        "3afb89dce42405fc",
        "1916e0a75f1cf47a",
        "39f8fb8201941e65",
        "14a347e30c6411a4",
        "34ab91141413b3f5",
        "48df13c72245073b",
        "848c4c92621b55cd",
        "70371ef3cc435f39",
        "c7e9245262932b3c",
      ]
    `);
    for (const c of list) expect(cellKey(c.canonical)).toBe(createHash('sha256').update(canonicalJSON(c.config)).digest('hex').slice(0, 16));
  });

  it('do not depend on the order fields are written in, nor on defaults being spelled out', () => {
    const a = cells({ base: { m: 4, time: { end: 10, points: 20, start: 1e-6 } }, grid: { epsilon: [0.1] } })[0];
    const b = cells({ grid: { epsilon: [0.1] }, base: { time: { points: 20, start: 1e-6, end: 10, spacing: 'log' }, m: 4, seed: 0, solver: { rtol: 1e-8 } } })[0];
    expect(b.canonical).toBe(a.canonical);
    expect(canonicalJSON({ b: [1, { d: 2, c: -0 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":0,"d":2}]}');
  });
});

describe('bad study files', () => {
  const bad = (study: unknown) => {
    try {
      planStudy(study, core);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('name the axis, the value and the field\'s rule', () => {
    expect(bad({ base: smallBase, grid: { epsilon: [0.1, -1] } })).toBe('grid["epsilon"] = -1: makes an invalid config: epsilon: must be > 0 (got -1)');
    expect(bad({ base: smallBase, grid: { 'solver.rtol': [1e-8, 'tight'] } })).toBe('grid["solver.rtol"] = "tight": makes an invalid config: solver.rtol: must be a finite number (got "tight")');
    expect(bad({ base: smallBase, grid: { m: { range: [0, 3] } } })).toBe('grid["m"] = 0: makes an invalid config: m: must be ≥ 1 (got 0)');
    expect(bad({ base: { ...smallBase, init: { a: [1, 2, 3, 4] } }, grid: { m: [4, 5] } })).toBe('cell 1 (m = 5): makes an invalid config: init.a: must have m = 5 values');
    expect(bad({ base: smallBase, grid: { epsilon: [0.1], nosuch: [1] } })).toMatch(/^grid\["nosuch"\] = 1: makes an invalid config: \(config\): unknown field "nosuch"/);
  });

  it('refuse a cell that breaks only a rule between fields, every field being valid alone', () => {
    expect(bad({ base: smallBase, grid: { 'time.start': [1e-6, 20] } })).toBe('grid["time.start"] = 20: makes an invalid config: time.start: must be < end = 10');
    expect(bad({ base: { ...smallBase, model: 'sgd', d: 3, eta: 0.01, samples: 8 }, grid: { batch: [8, 9] } })).toBe('grid["batch"] = 9: makes an invalid config: batch: must be ≤ samples = 8');
    expect(bad({ base: { ...smallBase, model: 'network', eta: 0.01, direction: [1, 0, 0] }, grid: { d: [3, 4] } })).toBe('cell 1 (d = 4): makes an invalid config: direction: must have d = 4 values');
    // a field value already parsed for a valid cell still meets the rules in the next
    expect(bad({ base: smallBase, grid: { m: [4, 5], 'init.a': [[1, 2, 3, 4]] } })).toBe('grid["init.a"] = [1,2,3,4]: makes an invalid config: init.a: must have m = 5 values');
    expect(bad({ base: { ...smallBase, model: 'network', d: 3, eta: 0.01 }, grid: { 'solver.maxSteps': [1000, 999] } }))
      .toBe('cell 1 (solver.maxSteps = 999): makes an invalid config: time.end: reaching t = 10 takes 1000 steps of eta = 0.01, more than solver.maxSteps = 999; shorten the time span or raise eta or solver.maxSteps');
  });

  it('refuse a cell whose run would not fit in WebAssembly memory, before any cell runs', () => {
    const sgd = { ...smallBase, model: 'sgd', eta: 0.01, d: 3 };
    expect(bad({ base: sgd, grid: { d: [3, 2e8] } }))
      .toMatch(/^cell 1 \(d = 200000000\): makes an invalid config: m: with d = 200000000, batch = 1, samples = 0, this run needs about [\d.]+ GiB .* of WebAssembly memory, more than the 4\.0 GiB/);
  });

  it('refuse an unknown activation name up front, naming the axis and its value', () => {
    expect(bad({ base: smallBase, grid: { activation: ['relu', 'nosuch'] } })).toMatch(/^grid\["activation"\] = "nosuch": makes an invalid config: activation: must be one of .*relu.* \(got "nosuch"\)$/);
  });

  it('name the study field for a malformed grid', () => {
    expect(bad({ base: smallBase, grid: { epsilon: { log: [1e-1, 0, 3] } } })).toBe('grid["epsilon"].log[1]: must be > 0 (got 0)');
    expect(bad({ base: smallBase, grid: { epsilon: { logg: [1e-1, 1e-2, 3] } } })).toMatch(/^grid\["epsilon"\]: must be a list of values, \{log: \[from, to, n\]\}/);
    expect(bad({ base: smallBase, grid: { epsilon: [] } })).toMatch(/^grid\["epsilon"\]/);
    expect(bad({ base: smallBase, grid: {} })).toBe('grid: needs at least one axis');
    expect(bad({ base: smallBase, grid: { 'solver..rtol': [1] } })).toMatch(/^grid.solver..rtol|^grid\["solver..rtol"\]/);
    expect(bad({ base: smallBase, grid: { m: [3, 4, 3] } })).toBe('grid["m"]: repeats a value (values 0 and 2 are both 3); each cell must be distinct');
    expect(bad({ base: smallBase, grid: { m: [3, 4], epsilon: [1] }, zip: [['m', 'epsilon']] })).toBe('zip: axes in one group must have equal lengths ("m" has 2, "epsilon" has 1)');
    expect(bad({ base: smallBase, grid: { m: [3, 4] }, zip: [['m', 'seed']] })).toBe('zip[0][1]: must name an axis of the grid ("m") (got "seed")');
    expect(bad({ base: smallBase, grid: { init: [{}], 'init.a': [[1]] } })).toBe('grid["init"]: overlaps another axis that sets a field inside it');
    expect(bad({ base: smallBase, grid: { m: [3] }, extra: 1 })).toBe('(study): unknown field(s) "extra"');
    expect(bad({ base: { ...smallBase, init: 3 }, grid: { 'init.a.scale': [1] } })).toBe('grid["init.a.scale"]: cannot set a field inside base.init = 3 (not an object)');
  });

  it('exit 2 from the command line with one line, before any cell runs', () => {
    const s = scratch('study-bad');
    try {
      const r = cli(['study', s.write('bad.json', { base: smallBase, grid: { epsilon: [0.1, 0.01, 0] } }), '--out', s.path('out')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('timescales study: grid["epsilon"] = 0: makes an invalid config: epsilon: must be > 0 (got 0)\n');
      expect(cli(['study', s.write('ok.json', smallStudy), '--out', s.path('out'), '--shard', '3/3']).stderr).toBe('timescales study: --shard: needs an index I with 0 ≤ I < N = 3 (got "3")\n');
    } finally {
      s.remove();
    }
  });
});

describe('study schema', () => {
  it('is exported as JSON Schema and printed by timescales study --schema', () => {
    const schema = studyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['base', 'grid', 'zip']);
    expect(schema.required).toEqual(['base', 'grid']);
    const r = cli(['study', '--schema']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(schema);
  });
});

describe('the example study files', () => {
  it('validate, with the grids docs/studies.md describes', () => {
    const read = (name: string) => JSON.parse(readFileSync(`${repo}/examples/${name}`, 'utf8'));
    const table = planStudy(read('timescales-study.json'), core);
    expect(table.axes.map((a) => [a.path, a.values])).toEqual([['epsilon', [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]], ['m', [10, 20, 50]]]);
    const sgd = planStudy(read('sgd-seeds-study.json'), core);
    expect(sgd.size).toBe(200);
    expect([sgd.cell(0).config.model, sgd.cell(199).config.model, sgd.cell(199).config.seed]).toEqual(['network', 'sgd', 99]);
  });
});

describe('the progress line', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, s: { isTTY, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream };
  };

  it('is rewritten in place on a terminal, with done/total, cells/s and ETA, and ends with a newline', () => {
    const { writes, s } = stream(true);
    const line = progressLine(s);
    line.update({ done: 0, total: 10, computed: 0, elapsedMs: 0 }); // too early to show
    line.update({ done: 4, total: 10, computed: 3, elapsedMs: 2000 }); // 1 skipped, 3 computed in 2 s: 1.5 cells/s
    line.end();
    expect(writes).toEqual(['\r\x1b[K4/10 cells  1.5 cells/s  ETA 4 s', '\r\x1b[K4/10 cells  1.5 cells/s  ETA 4 s', '\n']);
  });

  it('prints whole lines, now and then, in a log', () => {
    const { writes, s } = stream(false);
    const line = progressLine(s);
    line.update({ done: 1, total: 10, computed: 1, elapsedMs: 500 }); // a log gets a line every 10 s at most
    line.update({ done: 9, total: 10, computed: 9, elapsedMs: 12_000 });
    line.end();
    expect(writes).toEqual(['9/10 cells  0.75 cells/s  ETA 2 s\n', '9/10 cells  0.75 cells/s  ETA 2 s\n']);
  });
});
