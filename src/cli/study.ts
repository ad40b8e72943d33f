// `timescales study <study.json> --out DIR [--workers N] [--shard I/N | slurm | k8s --shards N] [--quiet]`
// runs a grid of configs on every core, resumably (src/study/); `--schema` prints the
// study file's JSON Schema. Ctrl-C (or SIGTERM) stops the workers, keeps every whole
// result file, and exits 130 (143); running the command again resumes.
import { fmt } from '../format.js';
import { study, type StudyProgress } from '../study/node.js';
import { type StudyInput, studyJsonSchema } from '../study/spec.js';
import { CliUsageError, type Command, parseOptions } from './command.js';
import { readConfig } from './config-file.js';
import { parseShard } from './shard.js';

const usage = 'usage: timescales study <study.json> --out DIR [--workers N] [--shard I/N | slurm | k8s --shards N] [--quiet]; timescales study --schema';

export const studyCommand: Command = {
  summary: 'run a grid of configs on every core or as shards of a job array',
  help: `${usage}
Runs every cell of a study file ({"base": config, "grid": {path: axis}, "zip"?: [[path, ...]]})
on worker threads, each result written whole to DIR/runs/<key>.json; cells already done
are skipped, so the same command resumes. Then writes DIR/table.csv, summary.json,
summary.md and t_k.svg.
  -o, --out DIR          the study folder (made if missing)
  -j, --workers N        worker threads (default: the available cores)
  --shard I/N            run only the cells with index ≡ I (mod N); no tables
  --shard slurm          I, N from SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT (--array=0-…)
  --shard k8s --shards N I from JOB_COMPLETION_INDEX (an Indexed Job of N completions)
  -q, --quiet            no progress line and no summary line on stderr
  --schema               print the JSON Schema of study files
Exit 0 when every cell of this process is done (failed cells are recorded in the table,
not an error), 2 for a bad study (refused before any cell runs), 130 after Ctrl-C
(143 after SIGTERM): the result files are whole; run the same command to resume.`,
  async run(args) {
    const { values, positionals } = parseOptions('study', {
      args, allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' }, workers: { type: 'string', short: 'j' }, shard: { type: 'string' }, shards: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' }, schema: { type: 'boolean' },
      },
    });
    if (values.schema) {
      if (positionals.length) throw new CliUsageError(usage);
      process.stdout.write(`${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
      return 0;
    }
    if (positionals.length !== 1 || !values.out) throw new CliUsageError(usage);
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new CliUsageError(`--workers: must be an integer ≥ 1 (got ${values.workers})`);
    if (values.shards !== undefined && values.shard !== 'k8s') throw new CliUsageError('--shards N goes with --shard k8s');
    const shard = values.shard === undefined ? undefined : parseShard(values.shard, process.env, values.shards);
    const input = readConfig<StudyInput>(positionals[0]);

    const controller = new AbortController();
    let signal: NodeJS.Signals | undefined;
    const onSignal = (s: NodeJS.Signals) => {
      if (signal) process.exit(s === 'SIGINT' ? 130 : 143); // a second signal: stop at once
      signal = s;
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const line = values.quiet ? undefined : progressLine(process.stderr);
    try {
      const outcome = await study(input, { outDir: values.out, workers, shard, signal: controller.signal, onProgress: line?.update });
      line?.end();
      if (outcome.interrupted) {
        process.stderr.write(`timescales study: stopped by ${signal}: ${outcome.computed + outcome.skipped} of ${outcome.total} cells done, all result files whole; run the same command to resume\n`);
        return signal === 'SIGTERM' ? 143 : 130;
      }
      if (!values.quiet) {
        const where = shard ? `shard ${shard.index}/${shard.count}: ` : '';
        const next = shard ? 'run the command without --shard once every shard is done to write the tables' : `tables in ${values.out}/table.csv, summary.md`;
        // how much of the run the workers computed: well below 100%, the cells are too small for their files and rows, or the pool too large for the cells
        const busy = outcome.workers ? `; ${outcome.workers} workers busy ${fmt(100 * outcome.workerMs / (outcome.workers * outcome.elapsedMs))}% of ${duration(outcome.elapsedMs / 1000)}` : '';
        process.stderr.write(`timescales study: ${where}${outcome.total} cells (${outcome.computed} computed, ${outcome.skipped} found done), ${outcome.failed} not successful (see retcode)${busy}; ${next}\n`);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/**
 * One progress line on stderr: rewritten in place on a terminal (at most 5 times a
 * second), a plain line every 10 s otherwise (logs of batch jobs).
 */
export function progressLine(stream: NodeJS.WriteStream): { update(p: StudyProgress): void; end(): void } {
  const every = stream.isTTY ? 200 : 10_000;
  let last = 0;
  let shown = false;
  let latest: StudyProgress | undefined;
  const write = (p: StudyProgress) => {
    const rate = p.computed / Math.max(p.elapsedMs / 1000, 1e-3);
    const left = p.total - p.done;
    const eta = rate > 0 ? duration(left / rate) : '—';
    const text = `${p.done}/${p.total} cells  ${fmt(rate)} cells/s  ETA ${left === 0 ? '0 s' : eta}`;
    stream.write(stream.isTTY ? `\r\x1b[K${text}` : `${text}\n`);
    shown = true;
  };
  return {
    update(p) {
      latest = p;
      const now = Date.now();
      if (now - last < every || p.elapsedMs < (stream.isTTY ? 200 : every)) return;
      last = now;
      write(p);
    },
    end() {
      if (shown && latest) write(latest);
      if (shown && stream.isTTY) stream.write('\n');
    },
  };
}

function duration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
