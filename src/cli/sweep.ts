// `timescales sweep <config.json> --epsilon 1e-2,1e-3,... [--decades N] [--out sweep.json]`:
// runs a config at several ε and prints the learning times and how they scale with ε.
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../io/atomic.js';
import { fmt } from '../format.js';
import { sweepEpsilon } from '../analysis/sweep.js';
import type { RunConfigInput } from '../config.js';
import { CliUsageError, type Command } from './command.js';
import { readConfig } from './config-file.js';
import { runLine, timeScaleTables } from './tables.js';

export const sweepCommand: Command = {
  summary: 'run a config over several ε and fit how learning times scale',
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { epsilon: { type: 'string' }, decades: { type: 'string', default: '2' }, out: { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' } },
    });
    if (positionals.length !== 1 || !values.epsilon) throw new CliUsageError('usage: timescales sweep <config.json | -> --epsilon E1,E2,... [--decades N] [--out sweep.json] [--quiet]');
    const epsilon = values.epsilon.split(',').map(Number);
    const decades = Number(values.decades);
    if (!(decades > 0)) throw new CliUsageError(`--decades: must be a number > 0 (got ${values.decades})`);
    const result = await sweepEpsilon(readConfig(positionals[0]) as RunConfigInput, epsilon, {
      decades,
      onRun: (e, r) => values.quiet || process.stderr.write(`ε = ${fmt(e)}: ${runLine(r)}\n`),
    });
    process.stdout.write(`${timeScaleTables(result.epsilon, result.table, decades).join('\n')}\n`);
    if (values.out) {
      const json = {
        epsilon: result.epsilon, table: result.table,
        runs: result.runs.map((r) => ({ retcode: r.retcode, message: r.message, learningTimes: r.learningTimes, stats: r.stats })),
      };
      writeFileAtomic(values.out, `${JSON.stringify(json)}\n`);
    }
    return result.runs.every((r) => r.retcode === 'success') ? 0 : 1;
  },
};
