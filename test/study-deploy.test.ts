// The batch-system recipes in deploy/: the Kubernetes Indexed Job's manifest is parsed
// and its command run for every completion index (paths on the shared volume mapped to
// a scratch folder), and the Slurm job-array script is submitted for real to the
// single-node cluster that .ci/setup.d/50-slurm.sh starts. Both merged tables must equal
// a local run's table bit for bit (wall times aside).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '../src/cli/main.js';
import { study } from '../src/study/node.js';
import { CHILD_MS } from './support/budgets.js';
import { bin, cli, repo, scratch, smallBase, tableWithoutWallTime } from './support/study.js';

/** 8 cells. */
const deployStudy = { base: smallBase, grid: { epsilon: [1e-1, 1e-2], m: [3, 4], seed: [0, 1] } };

const s = scratch('study-deploy');
afterAll(() => s.remove());
beforeAll(async () => {
  s.write('study.json', deployStudy);
  await study(deployStudy, { outDir: s.path('local'), workers: 2 });
});

interface Container { command: string[]; volumeMounts: { name: string; mountPath: string }[] }
interface JobSpec {
  completionMode: string; completions: number; parallelism: number;
  template: { spec: { restartPolicy: string; containers: Container[]; volumes: { name: string; persistentVolumeClaim: { claimName: string } }[] } };
}

describe('deploy/k8s', () => {
  const docs = parseAllDocuments(readFileSync(join(repo, 'deploy/k8s/study-job.yaml'), 'utf8')).map((d) => d.toJS());
  const job = docs.find((d) => d.kind === 'Job');
  const claim = docs.find((d) => d.kind === 'PersistentVolumeClaim');

  it('is an Indexed Job whose pods share one ReadWriteMany volume', () => {
    expect(docs.every((d) => d.apiVersion && d.kind)).toBe(true);
    const spec = job.spec as JobSpec;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.template.spec.restartPolicy).toBe('Never');
    const [container] = spec.template.spec.containers;
    const [volume] = spec.template.spec.volumes;
    expect(container.volumeMounts[0].name).toBe(volume.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
  }, 300_000);

  it('runs `timescales study --shard k8s --shards N` with N = completions, reading JOB_COMPLETION_INDEX; the shards merge to the local table', async () => {
    const spec = job.spec as JobSpec;
    const [container] = spec.template.spec.containers;
    const command = container.command;
    const at = command.indexOf('timescales');
    expect(command.slice(0, at)).toEqual(['npx', '--yes']);
    const args = command.slice(at + 1);
    expect(args[0]).toBe('study');
    expect(args[args.indexOf('--shard') + 1]).toBe('k8s');
    expect(Number(args[args.indexOf('--shards') + 1])).toBe(spec.completions);
    // Every pod's command, with the volume's mount path mapped to a scratch folder.
    const mount = container.volumeMounts[0].mountPath;
    const local = args.map((a) => (a.startsWith(`${mount}/`) ? s.path(a.slice(mount.length + 1)) : a));
    const stderr = process.stderr.write;
    try {
      process.stderr.write = () => true;
      for (let i = 0; i < spec.completions; i++) {
        process.env.JOB_COMPLETION_INDEX = String(i);
        expect(await main(local), `index ${i}`).toBe(0);
      }
    } finally {
      delete process.env.JOB_COMPLETION_INDEX;
      process.stderr.write = stderr;
    }
    const outDir = local[local.indexOf('--out') + 1];
    const merge = cli(['study', local[1], '--out', outDir]);
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stderr).toMatch(/8 cells \(0 computed, 8 found done\)/);
    expect(tableWithoutWallTime(outDir)).toEqual(tableWithoutWallTime(s.path('local')));
  }, 300_000);
});

/** A job array from submission to its last task's end: Slurm starts tasks at its own pace. */
const SBATCH_MS = 300_000;

/** Why Slurm cannot be used here, or null when its node is idle. */
function slurmMissing(): string | null {
  const r = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `sinfo not found (${r.error.message}); .ci/setup.d/50-slurm.sh installs and starts a single-node cluster`;
  if (r.status !== 0) return `sinfo failed: ${r.stderr.trim()}; is slurmctld running? (.ci/setup.d/50-slurm.sh starts it)`;
  if (!/^(idle|mixed|allocated)/m.test(r.stdout)) return `no usable Slurm node (sinfo: ${r.stdout.trim() || 'no nodes'})`;
  return null;
}

const missing = slurmMissing();
const inCI = process.env.CI === 'true';
if (missing && !inCI) console.log(`study-deploy: skipping the Slurm job array: ${missing}`);

describe.skipIf(missing !== null && !inCI)('deploy/slurm', () => {
  it('runs the study as a job array (sbatch --wait --array=0-3) whose merged table equals a local run', () => {
    expect(missing, 'CI must have a running Slurm cluster (.ci/setup.d/50-slurm.sh)').toBeNull();
    const out = s.path('slurm');
    const r = spawnSync('sbatch', ['--wait', '--array=0-3', `--output=${s.path('slurm-%a.log')}`, `--chdir=${repo}`,
      join(repo, 'deploy/slurm/study.sbatch'), s.path('study.json'), out], {
      encoding: 'utf8', timeout: SBATCH_MS, env: { ...process.env, TIMESCALES: `${process.execPath} ${bin}` },
    });
    const logs = [0, 1, 2, 3].map((i) => { try { return readFileSync(s.path(`slurm-${i}.log`), 'utf8'); } catch { return '(no log)'; } });
    expect(r.status, `${r.stdout}${r.stderr}\n${logs.join('\n')}`).toBe(0);
    logs.forEach((log, i) => expect(log).toMatch(new RegExp(`shard ${i}/4: 2 cells \\(2 computed, 0 found done\\)`)));
    const merge = cli(['study', s.path('study.json'), '--out', out]);
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stderr).toMatch(/8 cells \(0 computed, 8 found done\)/);
    expect(tableWithoutWallTime(out)).toEqual(tableWithoutWallTime(s.path('local')));
  }, SBATCH_MS + 2 * CHILD_MS); // above sbatch's and the merge's deadlines, so that a hang is reported as theirs
});
