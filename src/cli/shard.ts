// `timescales study --shard`: which shard of a study this process runs (src/study/node.ts),
// from the command line or from the batch system that started the process.
import { ConfigError } from '../errors.js';
import type { Shard } from '../study/node.js';

/**
 * `--shard I/N`, `--shard slurm` (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT; arrays
 * must start at 0, e.g. --array=0-15) or `--shard k8s` (JOB_COMPLETION_INDEX of
 * `shards`, an Indexed Job's completions).
 */
export function parseShard(spec: string, env: Record<string, string | undefined>, shards?: string): Shard {
  let index: string | undefined;
  let count: string | undefined;
  if (spec === 'slurm') {
    index = env.SLURM_ARRAY_TASK_ID;
    count = env.SLURM_ARRAY_TASK_COUNT;
    if (index === undefined || count === undefined) throw new ConfigError('--shard slurm', 'needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (run it in a job array: sbatch --array=0-N)');
    if (env.SLURM_ARRAY_TASK_MIN !== undefined && env.SLURM_ARRAY_TASK_MIN !== '0') throw new ConfigError('--shard slurm', 'needs an array that starts at 0 (--array=0-N)', Number(env.SLURM_ARRAY_TASK_MIN));
  } else if (spec === 'k8s') {
    index = env.JOB_COMPLETION_INDEX;
    count = shards;
    if (index === undefined) throw new ConfigError('--shard k8s', 'needs JOB_COMPLETION_INDEX (run it in an Indexed Job)');
    if (count === undefined) throw new ConfigError('--shard k8s', 'needs --shards N (the Job\'s completions)');
  } else {
    const m = /^(\d+)\/(\d+)$/.exec(spec);
    if (!m) throw new ConfigError('--shard', 'must be I/N (0 ≤ I < N), slurm or k8s', spec);
    [, index, count] = m;
  }
  const shard = { index: Number(index), count: Number(count) };
  if (!Number.isInteger(shard.count) || shard.count < 1) throw new ConfigError('--shard', 'needs a shard count N ≥ 1', count);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) throw new ConfigError('--shard', `needs an index I with 0 ≤ I < N = ${shard.count}`, index);
  return shard;
}
