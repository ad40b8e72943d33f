// Cold start of the command line: the first solve of a fresh `timescales run` process against a
// warm solve, side by side in interleaved rounds. The solve's own time is the result's
// stats.wallMs (solveMeanfield alone: no process start, module loading, config or Hermite
// projections). Three kinds of process per round: the CLI as shipped (bin/timescales.mjs, which
// sets V8's Wasm compilation flags for the solving commands), the same CLI code under the engine's
// defaults, and a process that runs the config 8 times through the API and reports its warm solves.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, median, table, type Row } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(root, 'examples', 'fig2-eps1e-6.json');
const ROUNDS = 21;
const WARM_RUNS = 8;
const WARM_SKIP = 3;

const mainUrl = pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href;
const runUrl = pathToFileURL(join(root, 'dist', 'run.js')).href;
const kinds = {
  shipped: [join(root, 'bin', 'timescales.mjs'), 'run', CONFIG, '--quiet'],
  defaults: ['--input-type=module', '-e',
    `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(['run', ${JSON.stringify(CONFIG)}, '--quiet']);`],
  warm: ['--input-type=module', '-e',
    `import { readFileSync } from 'node:fs'; const { run } = await import(${JSON.stringify(runUrl)});
     const config = JSON.parse(readFileSync(${JSON.stringify(CONFIG)}, 'utf8')); const ms = []; let last;
     for (let i = 0; i < ${WARM_RUNS}; i++) { last = await run(config); ms.push(last.stats.wallMs); }
     const warm = ms.slice(${WARM_SKIP}).sort((x, y) => x - y);
     process.stdout.write(JSON.stringify({ ms: warm[warm.length >> 1], risk: Array.from(last.risk) }));`],
};
type Kind = keyof typeof kinds;
/** Preloaded into every process: its CPU time (all threads, user + system) on the last line of stderr at exit. */
const CPU_AT_EXIT = `data:text/javascript,process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('\\ncpu ' + (c.user + c.system) / 1e3); });`;

interface Sample { solveMs: number; processMs: number; cpuMs: number; risk: number[] }

function sample(kind: Kind): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...kinds[kind]], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${kind} process failed: ${r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { ms?: number; stats?: { wallMs: number }; risk: number[] };
  const cpuMs = Number(/cpu ([\d.]+)\s*$/.exec(r.stderr)?.[1] ?? NaN);
  return { solveMs: out.ms ?? out.stats!.wallMs, processMs, cpuMs, risk: out.risk };
}


export async function run(): Promise<string> {
  const samples: Record<Kind, Sample[]> = { shipped: [], defaults: [], warm: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of Object.keys(kinds) as Kind[]) samples[kind].push(sample(kind));
  }
  const warm = median(samples.warm.map((s) => s.solveMs));
  const reference = samples.warm[0].risk;
  const same = (k: Kind) => samples[k].every((s) => s.risk.length === reference.length && s.risk.every((x, i) => Object.is(x, reference[i])));
  const ratios = (k: Kind) => samples[k].map((s, i) => s.solveMs / samples.warm[i].solveMs);
  const rows: Row[] = [
    {
      process: '`timescales run` as shipped: first solve', 'solve ms (median)': median(samples.shipped.map((s) => s.solveMs)),
      'cold / warm (median of rounds)': median(ratios('shipped')), 'process ms (median)': median(samples.shipped.map((s) => s.processMs)),
      'process CPU ms (median)': median(samples.shipped.map((s) => s.cpuMs)),
      'R_mf(t) bit-identical to warm': same('shipped') ? 'yes' : 'NO',
    },
    {
      process: 'same CLI code, engine defaults: first solve', 'solve ms (median)': median(samples.defaults.map((s) => s.solveMs)),
      'cold / warm (median of rounds)': median(ratios('defaults')), 'process ms (median)': median(samples.defaults.map((s) => s.processMs)),
      'process CPU ms (median)': median(samples.defaults.map((s) => s.cpuMs)),
      'R_mf(t) bit-identical to warm': same('defaults') ? 'yes' : 'NO',
    },
    {
      process: `warm: API, runs ${WARM_SKIP + 1}–${WARM_RUNS} of one process`, 'solve ms (median)': warm,
      'cold / warm (median of rounds)': 1, 'process ms (median)': '—', 'process CPU ms (median)': '—', 'R_mf(t) bit-identical to warm': '—',
    },
  ];
  return `## Cold start of the command line

\`timescales run examples/fig2-eps1e-6.json\` (m = 10, ε = 1e-6, ${fmt(reference.length)} output times): the first solve of a fresh process against warm solves, ${ROUNDS} interleaved rounds of three fresh processes each. "solve ms" is the result's \`stats.wallMs\` (the solve alone); "process ms" is spawn to exit, start-up included, and "process CPU ms" the CPU time of all its threads (\`process.cpuUsage()\` at exit), which load on the machine disturbs less. Shipped: bin/timescales.mjs sets \`--no-liftoff --no-wasm-lazy-compilation\` for the solving commands and starts compiling the module before the CLI's own modules load (why: the comment in bin/timescales.mjs). Engine defaults: the same CLI code (\`main\` of dist/cli/main.js) with V8's lazy Liftoff compilation and dynamic tier-up. The goal is cold / warm ≤ 1.5.

${table(rows)}`;
}
