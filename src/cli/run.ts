// `timescales run <config.json> [--out result.json] [--csv result.csv] [--quiet]
//   [--checkpoint state.bin [--checkpoint-every N]] [--resume state.bin]`:
// runs a config and writes the documented result JSON (stdout without --out).
// Progress goes to stderr; files are written whole or not at all. Ctrl-C or SIGTERM stops the
// run at its next safe point, writes the partial result (and a final checkpoint) and exits 130.
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../io/atomic.js';
import { resultToCSV, resultToJSON } from '../io/result.js';
import { run } from '../run.js';
import { CliUsageError, type Command } from './command.js';
import { readConfig } from './config-file.js';
import { progressReporter } from './progress.js';

/** Steps between checkpoints when --checkpoint-every is not given. */
const DEFAULT_CHECKPOINT_EVERY = 100_000;

export const runCommand: Command = {
  summary: 'run a simulation from a JSON config and write its result',
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' }, csv: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
        checkpoint: { type: 'string' }, 'checkpoint-every': { type: 'string' }, resume: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError(`usage: timescales run <config.json | -> [--out result.json] [--csv result.csv] [--quiet] [--checkpoint FILE [--checkpoint-every STEPS]] [--resume FILE]`);
    const config = readConfig(positionals[0]);
    const progress = values.quiet ? undefined : progressReporter(process.stderr);
    const stop = stopOnSignals();
    const result = await run(config, { onProgress: progress, checkpoint: checkpointOption(values), resume: values.resume, signal: stop.signal })
      .finally(stop.dispose);
    progress?.(1, result.t[result.t.length - 1] ?? 0);
    const json = `${JSON.stringify(resultToJSON(result))}\n`;
    if (values.out) writeFileAtomic(values.out, json);
    else process.stdout.write(json);
    if (values.csv) writeFileAtomic(values.csv, resultToCSV(result));
    if (result.note) process.stderr.write(`timescales run: note: ${result.note}\n`);
    if (result.retcode === 'aborted') {
      process.stderr.write(`timescales run: ${result.message ?? 'aborted'}; partial result kept${values.checkpoint ? `, checkpoint in ${values.checkpoint}` : ''}\n`);
      return 130;
    }
    if (result.retcode !== 'success') {
      process.stderr.write(`timescales run: stopped early (${result.retcode}): ${result.message ?? ''}; partial result kept\n`);
      return 1;
    }
    return 0;
  },
};

/**
 * SIGINT (Ctrl-C) and SIGTERM abort the run at its next safe point: it returns its partial
 * result (and writes a final checkpoint); a second signal exits at once.
 */
function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function checkpointOption(values: { checkpoint?: string; 'checkpoint-every'?: string }): { path: string; everySteps: number } | undefined {
  const every = values['checkpoint-every'];
  if (!values.checkpoint) {
    if (every !== undefined) throw new CliUsageError('--checkpoint-every needs --checkpoint FILE');
    return undefined;
  }
  const everySteps = every === undefined ? DEFAULT_CHECKPOINT_EVERY : Number(every);
  if (!Number.isInteger(everySteps) || everySteps < 1) throw new CliUsageError(`--checkpoint-every: must be an integer ≥ 1 (got ${every})`);
  return { path: values.checkpoint, everySteps };
}
