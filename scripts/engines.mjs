#!/usr/bin/env node
// The JavaScript engines the runtime benchmark and the conformance test run in, pinned.
// The extra engines (a newer Node, Deno, Bun) weigh hundreds of MB, so they are not
// devDependencies: `node scripts/engines.mjs` installs each into its own folder under
// out/engines/ (npm install --prefix; the binaries come through the packages' optional or
// install-time dependencies) and prints where each one is, or why it cannot start. Browsers are Debian's: Chromium (through playwright-core) and
// Firefox ESR (through puppeteer-core over WebDriver BiDi).
//
// `engines({ install })` returns one entry per engine, in a fixed order, each with either a
// `command` (argv that runs a module file given as the last argument) or a `browser`
// launcher description, and `error` saying why it cannot start; no engine is ever left out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, 'out', 'engines');

/** npm packages of the extra engines, pinned. */
export const PINNED = { node: '22.23.3', deno: '2.9.6', bun: '1.4.5' };

export const CHROMIUM = '/usr/bin/chromium';
export const FIREFOX = '/usr/bin/firefox-esr';

/** Runs `argv` and returns its trimmed stdout, or throws with its stderr. */
function probe(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(r.error.message);
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r.stdout.trim();
}

/**
 * Installs `pkg@version` into its own prefix unless already there; returns the prefix. The
 * install goes to a private folder renamed into place when complete, so concurrent callers
 * (test files running in parallel) never see or write a half-installed engine.
 */
function installPackage(dir, pkg, version, log) {
  const prefix = join(dir, `${pkg}-${version}`);
  if (existsSync(join(prefix, 'node_modules', pkg, 'package.json'))) return prefix;
  const tmp = `${prefix}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    log(`engines: npm install ${pkg}@${version} into ${prefix}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', tmp, '--no-save', '--no-audit', '--no-fund', '--no-package-lock',
      '--loglevel=error', `${pkg}@${version}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status !== 0) {
      throw new Error(`npm install ${pkg}@${version} failed: ${(r.error?.message ?? r.stderr).trim().split('\n').slice(-3).join(' ')}`);
    }
    try {
      renameSync(tmp, prefix);
    } catch (e) {
      if (!existsSync(prefix)) throw e; // else another process finished first: use its copy
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return prefix;
}

/** The engine's binary in an installed prefix. */
function binary(prefix, name) {
  const candidates = {
    node: [join(prefix, 'node_modules', 'node', 'bin', 'node'), join(prefix, 'node_modules', '.bin', 'node')],
    deno: [join(prefix, 'node_modules', '.bin', 'deno')],
    bun: [join(prefix, 'node_modules', '.bin', 'bun')],
  }[name];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no ${name} binary in ${prefix}`);
  return found;
}

/** How each command-line engine runs a module file (appended as the last argument). */
const runners = {
  node: (exe) => [exe],
  deno: (exe) => [exe, 'run', '-A', '--node-modules-dir=manual'],
  bun: (exe) => [exe, 'run'],
};

/**
 * Every engine, each with `name`, `version` and either `command` (argv; append the module
 * path), or `browser` ('chromium' | 'firefox') and `executablePath`; or `error`.
 * `install`: install the missing npm engines (else report them missing); `dir`: where.
 */
export function engines({ install = true, dir = cacheDir, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const list = [{ name: 'node', label: `Node ${process.version.slice(1)} (host)`, version: process.version.slice(1), command: [process.execPath] }];
  for (const [pkg, version] of Object.entries(PINNED)) {
    const label = { node: 'Node', deno: 'Deno', bun: 'Bun' }[pkg];
    const entry = { name: `${pkg}@${version}`, label: `${label} ${version}`, version };
    try {
      const prefix = install ? installPackage(dir, pkg, version, log) : join(dir, `${pkg}-${version}`);
      const exe = binary(prefix, pkg);
      const reported = probe([exe, '--version']);
      if (!reported.includes(version)) throw new Error(`${exe} --version says ${reported}, expected ${version}`);
      entry.command = runners[pkg](exe);
    } catch (e) {
      entry.error = e.message;
    }
    list.push(entry);
  }
  for (const [browser, exe, label] of [['chromium', CHROMIUM, 'Chromium'], ['firefox', FIREFOX, 'Firefox ESR']]) {
    const entry = { name: browser, label, browser, executablePath: exe };
    try {
      if (!existsSync(exe)) throw new Error(`${exe} not found (apt-get install -y ${browser === 'firefox' ? 'firefox-esr' : 'chromium'})`);
      const version = probe([exe, '--version']).match(/[\d.]+/)?.[0] ?? 'unknown';
      entry.version = version;
      entry.label = `${label} ${version}`;
    } catch (e) {
      entry.error = e.message;
    }
    list.push(entry);
  }
  return list;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const list = engines({ install: !process.argv.includes('--no-install') });
  for (const e of list) {
    const where = e.command ? e.command.join(' ') : e.executablePath;
    process.stdout.write(`${e.label.padEnd(22)} ${e.error ? `cannot start: ${e.error}` : where}\n`);
  }
  if (process.argv.includes('--strict') && list.some((e) => e.error)) process.exit(1);
}
