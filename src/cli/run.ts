// `timescales run <config.json> [--out result.json] [--csv result.csv] [--quiet]
//   [--checkpoint state.bin [--checkpoint-every N]] [--resume state.bin]`:
// runs a config and writes the documented result JSON (stdout without --out, unless stdout
// is a terminal: a person there gets a short summary, and --out FILE or a pipe gets the JSON).
// Output paths are checked before the run; progress and a one-line summary go to
// stderr; files are written whole or not at all, streamed (no size limit). Ctrl-C or SIGTERM
// stops the run at its next safe point, writes the partial result (and a final checkpoint)
// and exits 130.
import { writeResultCSV, writeResultJSON } from '../io/result.js';
import { run } from '../run.js';
import { CliUsageError, type Command, parseOptions } from './command.js';
import { readConfig } from './config-file.js';
import { checkOutputs, writeOutput } from './output.js';
import { progressReporter } from './progress.js';
import { runLine, runSummary } from './tables.js';

/** Steps between checkpoints when --checkpoint-every is not given. */
const DEFAULT_CHECKPOINT_EVERY = 100_000;

const USAGE = 'usage: timescales run <config.json | -> [--out result.json] [--csv result.csv] [--quiet] [--checkpoint FILE [--checkpoint-every STEPS]] [--resume FILE]';

export const runCommand: Command = {
  summary: 'run a simulation from a JSON config and write its result',
  help: `${USAGE}
Runs the config (a JSON file, or - for stdin; \`timescales schema\` prints its schema)
and writes the result JSON (format 1) to --out, or to stdout when it is a pipe or a
file. On a terminal without --out it prints a short summary instead.
  -o, --out FILE            the result JSON (written whole or not at all; a symlink,
                            FIFO or device such as /dev/stdout is written through)
  --csv FILE                one row per output time: t, risk, [mfRisk], [loss], R_0..R_D
  -q, --quiet               no progress and no summary line on stderr
  --checkpoint FILE         save the state as the run goes (at output times, and
                            every STEPS steps for network and sgd)
  --checkpoint-every STEPS  steps between checkpoints (default ${DEFAULT_CHECKPOINT_EVERY})
  --resume FILE             continue from a checkpoint of the same config
Exit 0 on success, 1 if the run stopped early (the partial result is still written) or
a file operation failed, 2 for bad input (refused before the run starts), 130 after
Ctrl-C or SIGTERM (the partial result and a final checkpoint are written).`,
  async run(args) {
    const { values, positionals } = parseOptions('run', {
      args, allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' }, csv: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
        checkpoint: { type: 'string' }, 'checkpoint-every': { type: 'string' }, resume: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError(USAGE);
    const checkpoint = checkpointOption(values);
    checkOutputs({ out: values.out, csv: values.csv, checkpoint: values.checkpoint });
    const config = readConfig(positionals[0]);
    const progress = values.quiet ? undefined : progressReporter(process.stderr);
    const stop = stopOnSignals();
    const result = await run(config, { onProgress: progress, checkpoint, resume: values.resume, signal: stop.signal })
      .finally(stop.dispose);
    if (result.retcode === 'success') progress?.(1, result.t[result.t.length - 1] ?? 0);
    const summaryOnly = values.out === undefined && process.stdout.isTTY === true;
    if (summaryOnly) process.stdout.write(runSummary(result));
    else await writeOutput(values.out, (write) => writeResultJSON(result, write));
    if (values.csv) await writeOutput(values.csv, (write) => writeResultCSV(result, write));
    if (result.note) process.stderr.write(`timescales run: note: ${result.note}\n`);
    if (result.retcode === 'aborted' && stop.signal.aborted) {
      process.stderr.write(`timescales run: ${result.message ?? 'aborted'}; partial result kept${values.checkpoint ? `, checkpoint in ${values.checkpoint}` : ''}\n`);
      return 130;
    }
    if (result.retcode !== 'success') {
      const kept = result.t.length ? `partial result kept (${result.t.length} output times)` : 'no output time was reached';
      process.stderr.write(`timescales run: stopped early (${result.retcode}): ${result.message ?? ''}; ${kept}\n`);
      return 1;
    }
    if (!values.quiet) {
      const where = [summaryOnly ? 'summary on the terminal (--out FILE for the JSON)' : values.out ?? 'stdout', ...(values.csv ? [values.csv] : [])].join(', ');
      process.stderr.write(`timescales run: ${runLine(result)} → ${where}\n`);
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
  if (!Number.isInteger(everySteps) || everySteps < 1) throw new CliUsageError(`--checkpoint-every: must be an integer ≥ 1 (got ${String(every).slice(0, 40)})`);
  return { path: values.checkpoint, everySteps };
}
