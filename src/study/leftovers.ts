// The temporary files a study makes in its folder — a result file before its rename
// (runs/.<key>.json~<host>~<pid>.part.tmp) and the table's rows before the table is made
// (.table.csv~<host>~<pid>.rows.tmp) — name the process that made them. A process that was
// killed (SIGKILL, a power cut, a job past its time limit) leaves them behind: the rows
// file holds ~100 bytes per cell. A study removes those of processes that no longer run
// on its own host as it starts. It never touches one of another host (a shard of the same
// study on another node of a cluster, writing into a shared folder, may be using it) or of
// a process that is alive (another shard on this host).
import { nodeFs } from '../io/node-fs.js';

/** Kinds of temporary file a study makes. */
export type LeftoverKind = 'part' | 'rows';

/** `<name>~<host>~<pid>` and the kind: the temporary file of `name` (a file name, no folder) for this process. */
export function temporaryName(name: string, kind: LeftoverKind): string {
  return `.${name}~${thisHost()}~${process.pid}.${kind}.tmp`;
}

const TEMPORARY = /^\..*~([^~]*)~(\d+)\.(?:part|rows)\.tmp$/;

/** Removes from `folder` the temporary files of study processes of this host that have ended. */
export function removeLeftovers(folder: string): void {
  const fs = nodeFs();
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return; // not made yet
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (m && m[1] === thisHost() && !alive(Number(m[2]))) fs.rmSync(`${folder}/${name}`, { force: true });
  }
}

let host: string | undefined;
function thisHost(): string {
  return host ??= globalThis.process.getBuiltinModule('node:os').hostname().replace(/[~/]/g, '_');
}

/** Whether process `pid` runs on this host (one that is not ours to signal runs too). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
