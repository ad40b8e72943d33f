// The packed package as its users meet it: `npm pack` installed into a fresh app (one for
// the whole file), then imported from Node (ESM and require), type-checked with strict
// TypeScript, and run by the Vite dev server and a Vite production build in Chromium and
// Firefox, on the page and in a module worker. Every consumer must compute the same
// result, to the bit, as Node does from the same tarball.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Driver, launchChromium, launchFirefox } from './browsers.js';
import { type PackedApp, packedApp } from './pack.js';
import { type Served, viteBuild, viteDev } from './vite.js';

const exec = promisify(execFile);

interface Check { variant: string; sameCore: boolean; retcode: string; risk: number[]; scalarRisk: number[]; wasm: string[] }
type Outcome = { result: Check; error?: undefined } | { error: string; result?: undefined };

let app: PackedApp;
let node: Check; // the reference: Node importing the packed tarball

async function nodeCheck(script: string): Promise<Check> {
  const { stdout } = await exec(process.execPath, [script], { cwd: app.dir });
  return JSON.parse(stdout) as Check;
}

beforeAll(async () => {
  app = await packedApp();
  node = await nodeCheck('esm.mjs');
});
afterAll(() => app?.remove());

describe('the packed tarball', () => {
  it('ships the compiled library, its types, both builds, the CLI, README and LICENSE, and no sources or maps', () => {
    expect(app.files).toContain('LICENSE');
    expect(app.files).toContain('README.md');
    expect(app.files).toContain('dist/index.js');
    expect(app.files).toContain('dist/index.d.ts');
    expect(app.files).toContain('dist/cli/main.js');
    expect(app.files).toContain('bin/timescales.mjs');
    expect(app.files).toContain('build/timescales.simd.wasm');
    expect(app.files).toContain('build/timescales.scalar.wasm');
    expect(app.files.filter((f) => /^(src|assembly|test|web|bench|scripts)\/|\.map$|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('has no Node builtin anywhere in the import graph of its entry point', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const seen = new Set<string>();
    const found: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
        else if (builtins.has(spec) || spec.startsWith('node:')) found.push(`${file}: ${spec}`);
      }
    };
    walk(join(app.dir, 'node_modules/timescales/dist/index.js'));
    expect(seen.size).toBeGreaterThan(20); // the walk followed the graph
    expect(found).toEqual([]);
  });

  it('ships <timescales-sim> as one module with no imports, exported as timescales/element', () => {
    const pkg = JSON.parse(readFileSync(join(app.dir, 'node_modules/timescales/package.json'), 'utf8'));
    expect(pkg.exports['./element'].default).toBe('./dist/element.js');
    const source = readFileSync(join(app.dir, 'node_modules/timescales/dist/element.js'), 'utf8');
    expect(source).toContain('customElements.define("timescales-sim"');
    expect([...source.matchAll(/(?:^|[;}\s])(?:import\s*[\w{*]|import\s*['"(]|export\s*\*\s*from)/g)].map((m) => m[0])).toEqual([]);
  });

  it('has a browser entry without the Node-only study runner and its worker pool', () => {
    const pkg = JSON.parse(readFileSync(join(app.dir, 'node_modules/timescales/package.json'), 'utf8'));
    expect(pkg.exports['.'].browser.default).toBe('./dist/browser.js');
    const seen = new Set<string>();
    const bare: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
        else bare.push(spec);
      }
    };
    walk(join(app.dir, 'node_modules/timescales/dist/browser.js'));
    expect([...seen].some((f) => f.endsWith('study/node.js'))).toBe(false);
    expect([...new Set(bare)].sort()).toEqual(['@assemblyscript/loader', 'zod']);
  });
});

describe('Node', () => {
  it('imports it as ESM: SIMD, each build loaded once, both builds run to the end', () => {
    expect(node.variant).toBe('simd');
    expect(node.sameCore).toBe(true);
    expect(node.retcode).toBe('success');
    expect(node.risk).toHaveLength(5); // one per output time
    // The builds agree closely but need not agree to the bit.
    node.risk.forEach((r, j) => expect(Math.abs(r - node.scalarRisk[j])).toBeLessThan(1e-12));
  });

  it('require()s it from CommonJS, with the same result', async () => {
    expect(await nodeCheck('require.cjs')).toEqual(node);
  });
});

describe('TypeScript (tsc --strict against the packed declarations)', () => {
  // api.ts must compile (run, sweepEpsilon, loadCore's sources, the study API, the element); each line of
  // misspelt.ts from line 4 on must fail.
  const api = `import { ConfigError, loadCore, run, study, studyInBrowser, sweepEpsilon, type RunConfigInput, type RunResult, type StudyInput } from 'timescales';
import { type ElementResult, TimescalesSim } from 'timescales/element';

const config: RunConfigInput = { m: 10, epsilon: 1e-3, time: { end: 10, points: 50 }, solver: { method: 'stiff', rtol: 1e-6 } };
const bytes = new Uint8Array(0);
const core = await loadCore({ variant: 'scalar', modules: { scalar: bytes } });
const other = await loadCore({ modules: { simd: new URL('https://example.org/timescales.simd.wasm'), scalar: fetch('/scalar.wasm') } });
const result: RunResult = await run({ ...config, model: 'network', d: 100, eta: 1e-3 }, { core, onFrame: (f) => f.risk.toFixed(2) });
const times: (number | null)[] = result.learningTimes;
const sweep = await sweepEpsilon(config, [1e-2, 1e-4], { decades: 1, core: other });
const slope: number | undefined = sweep.table[0]?.fit?.slope;
const grid: StudyInput = { base: { epsilon: 1e-2, time: { end: 10, points: 20 } }, grid: { m: [3, 5], seed: { range: [0, 2] } } };
const studies = [() => study(grid, { outDir: 'out', workers: 2 }), () => studyInBrowser(grid)];
const sim: TimescalesSim = document.createElement('timescales-sim');
sim.config = config;
const ran: Promise<ElementResult> = sim.run();
export { times, slope, studies, ConfigError, ran };
`;
  const misspelt = `import { run, study, sweepEpsilon } from 'timescales';

// Each line below has one mistake.
await run({ m: 10, epsilion: 1e-3, time: { end: 10, points: 50 } });
await run({ m: '10', time: { end: 10, points: 50 } });
await run({ m: 10, time: { end: 10, points: 50, spacing: 'exp' } });
await sweepEpsilon({ m: 10, time: { end: 10, pionts: 50 } }, [1e-2, 1e-3]);
await run({ m: 10, time: { end: 10, points: 50 } }, { onFrame: (f) => f.rsik });
await study({ base: { m: 4, epsilion: 1e-2 }, grid: { seed: [0, 1] } }, { outDir: 'out' });
`;

  it('compiles correct use, and refuses a misspelt or mistyped field, naming it', async () => {
    const dir = join(app.dir, 'types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api.ts'), api);
    writeFileSync(join(dir, 'misspelt.ts'), misspelt);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'],
        // As Vite's TypeScript templates set it: declaration files are read, not checked.
        types: [], noEmit: true, skipLibCheck: true,
      },
      files: ['api.ts', 'misspelt.ts'],
    }));
    const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc');
    const out = await exec(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir })
      .then(({ stdout }) => ({ code: 0, stdout }), (e: { code: number; stdout: string }) => e);
    const errors = out.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    const lines = errors.map((l) => /^(.*?)\((\d+),\d+\)/.exec(l)?.slice(1).join(':'));
    expect(out.code, out.stdout).not.toBe(0);
    expect(out.stdout).not.toMatch(/node_modules|api\.ts/);
    expect(lines, out.stdout).toEqual(['misspelt.ts:4', 'misspelt.ts:5', 'misspelt.ts:6', 'misspelt.ts:7', 'misspelt.ts:8', 'misspelt.ts:9']);
    expect(errors[0]).toMatch(/'epsilion' does not exist in type/);
    expect(errors[1]).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(errors[2]).toMatch(/Type '"exp"' is not assignable to type '("linear" \| "log"|"log" \| "linear") \| undefined'/);
    expect(errors[3]).toMatch(/'pionts' does not exist in type/);
    expect(errors[4]).toMatch(/Property 'rsik' does not exist on type 'Frame'/);
    expect(errors[5]).toMatch(/'epsilion' does not exist in type/);
  }, 180_000);
});

function expectSameAsNode(where: string, outcome: Outcome): void {
  expect(outcome.error, `${where}: ${outcome.error}`).toBeUndefined();
  const { wasm, ...rest } = outcome.result!;
  expect(rest, where).toEqual({ ...node, wasm: undefined });
  // One fetch per build in this realm: the SIMD one and the scalar one, once each.
  expect(wasm.map((u) => /timescales\.(simd|scalar)[^/]*\.wasm/.exec(u)?.[1] ?? u).sort(), `${where}: ${wasm.join(', ')}`)
    .toEqual(['scalar', 'simd']);
}

describe('Vite', () => {
  let dev: Served;
  let prod: Served;
  beforeAll(async () => {
    dev = await viteDev(app.dir);
    prod = await viteBuild(app.dir);
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  it('builds without a warning (no Node builtin externalized, every asset found)', () => {
    expect(prod.messages).toEqual([]);
  });

  describe.each([['Chromium', launchChromium], ['Firefox', launchFirefox]] as const)('in %s', (_, launch) => {
    let browser: Driver;
    beforeAll(async () => { browser = await launch(); });
    afterAll(() => browser?.close());

    for (const [server, served] of [['the dev server', () => dev], ['the production build', () => prod]] as const) {
      it(`runs from ${server}, on the page, in module workers and on <timescales-sim>, to the same bits as Node`, async () => {
        type Handed = { result: { variant: string; risk: number[]; wasm: string[] }; error?: undefined } | { error: string; result?: undefined };
        type Element = { result: { retcode: string; risk: number[] }; error?: undefined } | { error: string; result?: undefined };
        const { page, worker, handed, element } = await browser.results<{ page: Outcome; worker: Outcome; handed: Handed; element: Element }>(served().url);
        expectSameAsNode(`${browser.name}, ${server}, page`, page);
        expectSameAsNode(`${browser.name}, ${server}, worker`, worker);
        // A worker handed the page's compiled module (postMessage) fetches nothing.
        expect(handed.error, handed.error).toBeUndefined();
        expect(handed.result).toEqual({ variant: 'simd', risk: node.risk, wasm: [] });
        // <timescales-sim> from `import 'timescales/element'`, bundled by Vite.
        expect(element.error, element.error).toBeUndefined();
        expect(element.result).toEqual({ retcode: 'success', risk: node.risk });
        expect(served().messages).toEqual([]);
      });
    }
  });
});
