// `timescales figures [--out DIR] [--only fig2,fig4]`: runs the paper's figures
// (src/analysis/figures.ts), writes one SVG per figure, the result JSON of every run, and a
// summary of learning times and fitted exponents (summary.md, also printed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomic.js';
import { fmt } from '../format.js';
import { paperFigures, SWEEP_EPSILONS, sweepTable } from '../analysis/figures.js';
import { writeResultJSON } from '../io/result.js';
import { run, type RunResult } from '../run.js';
import { loadCore } from '../wasm/loader.js';
import { CliUsageError, type Command, parseOptions } from './command.js';
import { checkOutputs } from './output.js';
import { fmtTime, timeScaleTables } from '../analysis/markdown.js';
import { runLine } from './tables.js';

const USAGE = 'usage: timescales figures [--out DIR] [--only NAME,...] [--quiet]';

export const figuresCommand: Command = {
  summary: "reproduce the paper's figures (SVG, result JSON, summary)",
  help: `${USAGE}
Runs the paper's settings and writes one SVG per figure, the result JSON of every run
(runs/) and summary.md (also printed) to the folder.
  -o, --out DIR      the folder (default out/figures; created if missing)
  --only NAME,...    only these figures: ${paperFigures.map((f) => f.name).join(', ')}
  -q, --quiet        no line per run on stderr`,
  async run(args) {
    const { values, positionals } = parseOptions('figures', {
      args, allowPositionals: true,
      options: { out: { type: 'string', short: 'o', default: 'out/figures' }, only: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    });
    if (positionals.length) throw new CliUsageError(USAGE);
    const names = values.only?.split(',');
    const unknown = names?.filter((n) => !paperFigures.some((f) => f.name === n));
    if (unknown?.length) throw new CliUsageError(`--only: unknown figure(s) ${unknown.join(', ')}; choose from ${paperFigures.map((f) => f.name).join(', ')}`);
    const jobs = paperFigures.filter((f) => !names || names.includes(f.name));
    const out = values.out;
    try {
      mkdirSync(join(out, 'runs'), { recursive: true });
    } catch (e) {
      throw new CliUsageError(`--out: cannot create the folder ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    checkOutputs({ out: join(out, 'summary.md') });
    const core = await loadCore();
    const cache = new Map<string, RunResult>(); // figures share runs (Fig. 3 is Fig. 2's ε = 1e-6)
    const summary: string[] = ['# Reproduced figures', '', 'Written by `npx timescales figures` (what `npm start` runs): one SVG per figure, and the result JSON of every run in `runs/`.', ''];
    let failures = 0;
    for (const job of jobs) {
      const results: Record<string, RunResult> = {};
      for (const [key, config] of Object.entries(job.configs)) {
        const id = JSON.stringify(config);
        let r = cache.get(id);
        if (!r) {
          r = await run(config, { core });
          cache.set(id, r);
          const done = r;
          writeStreamAtomic(join(out, 'runs', `${job.name}-${key}.json`), (write) => writeResultJSON(done, write));
          if (!values.quiet) process.stderr.write(`${job.name} ${key}: ${runLine(r)}\n`);
        }
        if (r.retcode !== 'success') failures++;
        results[key] = r;
      }
      writeFileAtomic(join(out, `${job.name}.svg`), job.render(results));
      summary.push(`## ${job.title}`, '', ...summaryLines(job.name, results), '');
    }
    const text = summary.join('\n');
    writeFileAtomic(join(out, 'summary.md'), text);
    process.stdout.write(`${text}\nwritten to ${out}/\n`);
    return failures ? 1 : 0;
  },
};

function summaryLines(name: string, results: Record<string, RunResult>): string[] {
  if (name === 'timescales') return timeScaleTables(SWEEP_EPSILONS, sweepTable(results));
  return [
    '| run | R(0) | R(end) | learning times t_k | method, steps |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(results).map(([key, r]) =>
      `| ${key} | ${fmt(r.initial.risk)} | ${fmt(r.risk[r.risk.length - 1])} | ${r.learningTimes.map(fmtTime).join(', ')} | ${r.stats.method}, ${r.stats.steps} |`),
  ];
}
