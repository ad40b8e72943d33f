// A consumer app in a temporary folder: this package packed with `npm pack` (the files a
// user downloads, nothing else) and installed with `npm ci` beside the files of
// test/consumers/app/. The tarball's own dependencies come from the project's lockfile,
// so npm takes them from its cache (already filled by installing this project) instead of
// the network; only an empty cache makes it download them.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedApp {
  dir: string;
  /** The tarball's file list, as `npm pack` reported it. */
  files: string[];
  remove(): void;
}

interface LockEntry { version: string; dependencies?: Record<string, string> }

/** Lockfile entries for `names` and everything they depend on, from the project's package-lock.json. */
function lockEntries(names: string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const out: Record<string, LockEntry> = {};
  const queue = [...names];
  for (let name = queue.shift(); name; name = queue.shift()) {
    const key = `node_modules/${name}`;
    if (out[key]) continue;
    const entry = lock.packages[key];
    if (!entry) throw new Error(`${name} is not in package-lock.json: run npm install`);
    out[key] = entry;
    queue.push(...Object.keys(entry.dependencies ?? {}));
  }
  return out;
}

/** Packs this package (already built) and installs it into a new app under os.tmpdir(). */
export async function packedApp(): Promise<PackedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'timescales-consumer-'));
  try {
    const { stdout } = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
    const [packed] = JSON.parse(stdout) as { filename: string; version: string; files: { path: string }[] }[];
    const self = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    cpSync(fileURLToPath(new URL('app', import.meta.url)), dir, { recursive: true });
    const dependencies = { timescales: `file:${packed.filename}` };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({
      name: 'consumer', lockfileVersion: 3, requires: true,
      packages: {
        '': { name: 'consumer', dependencies },
        'node_modules/timescales': { version: packed.version, resolved: `file:${packed.filename}`, dependencies: self.dependencies },
        ...lockEntries(Object.keys(self.dependencies)),
      },
    }, null, 2));
    const ci = (mode: string) => run(npm, ['ci', mode, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir });
    await ci('--offline').catch(() => ci('--prefer-offline'));
    return { dir, files: packed.files.map((f) => f.path).sort(), remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
