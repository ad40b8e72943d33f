// `timescales sweep <config.json> --epsilon 1e-2,1e-3,... [--decades N] [--out sweep.json]`:
// runs a config at several ε and prints the learning times and how they scale with ε.
import { fmt } from '../format.js';
import { sweepEpsilon } from '../analysis/sweep.js';
import { CliUsageError, type Command, parseOptions } from './command.js';
import { readConfig } from './config-file.js';
import { checkOutputs, writeOutput } from './output.js';
import { timeScaleTables } from '../analysis/markdown.js';
import { runLine } from './tables.js';

const USAGE = 'usage: timescales sweep <config.json | -> --epsilon E1,E2,... [--decades N] [--out sweep.json] [--quiet]';

export const sweepCommand: Command = {
  summary: 'run a config over several ε and fit how learning times scale',
  help: `${USAGE}
Runs the config at each ε and prints the learning times t_k(ε) and the exponents fitted
over the smallest decades of ε.
  --epsilon E1,E2,...  at least two distinct values > 0
  --decades N          fit over the N smallest decades of ε (default 2)
  -o, --out FILE       the sweep as JSON (ε, table, each run's retcode and learning times)
  -q, --quiet          no line per run on stderr`,
  async run(args) {
    const { values, positionals } = parseOptions('sweep', {
      args, allowPositionals: true,
      options: { epsilon: { type: 'string' }, decades: { type: 'string', default: '2' }, out: { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' } },
    });
    if (positionals.length !== 1 || !values.epsilon) throw new CliUsageError(USAGE);
    const epsilon = values.epsilon.split(',').map((e) => (e.trim() === '' ? NaN : Number(e)));
    const bad = epsilon.findIndex((e) => !(e > 0 && Number.isFinite(e)));
    if (bad >= 0) throw new CliUsageError(`--epsilon: each value must be a finite number > 0 (got ${JSON.stringify(values.epsilon.split(',')[bad].slice(0, 40))})`);
    const decades = Number(values.decades);
    if (!(decades > 0)) throw new CliUsageError(`--decades: must be a number > 0 (got ${values.decades.slice(0, 40)})`);
    checkOutputs({ out: values.out });
    const result = await sweepEpsilon(readConfig(positionals[0]), epsilon, {
      decades,
      onRun: (e, r) => values.quiet || process.stderr.write(`ε = ${fmt(e)}: ${runLine(r)}\n`),
    });
    process.stdout.write(`${timeScaleTables(result.epsilon, result.table, decades).join('\n')}\n`);
    if (values.out) {
      const json = {
        epsilon: result.epsilon, table: result.table,
        runs: result.runs.map((r) => ({ retcode: r.retcode, message: r.message, learningTimes: r.learningTimes, stats: r.stats })),
      };
      await writeOutput(values.out, (write) => write(`${JSON.stringify(json)}\n`));
    }
    return result.runs.every((r) => r.retcode === 'success') ? 0 : 1;
  },
};
