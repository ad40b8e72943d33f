// Fuzzing the inputs, end to end: random and mutated run configs (as objects and as
// damaged JSON text) go into the API (in process) and into the CLI (spawned, with a
// deadline); mutated study files into `timescales study`; damaged checkpoints into
// `timescales run --resume`. Whatever comes in:
// - the API resolves, or rejects with a ConfigError naming a field (never a TypeError,
//   RangeError or a hang);
// - the CLI exits with 0, 1 or 2, prints no stack trace and no "internal error", and
//   within the deadline;
// - no half-written file is left (no temporary file; --out is whole JSON or untouched);
// - an existing symlink and FIFO given as outputs are still a symlink and a FIFO.
// Fixed seed and bounded counts in CI; FUZZ_RUNS=N (and FUZZ_SEED) run longer by hand.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { run } from '../src/run.js';
import type { RunConfigInput } from '../src/config.js';
import { loadCore } from '../src/wasm/loader.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const API_RUNS = RUNS || 150;
const CLI_RUNS = RUNS ? Math.max(1, Math.round(RUNS / 5)) : 10;
const STUDY_RUNS = RUNS ? Math.max(1, Math.round(RUNS / 20)) : 3;
const RESUME_RUNS = RUNS ? Math.max(1, Math.round(RUNS / 10)) : 5;
/** A spawned run gets this long; the configs below are small, so only a hang reaches it. */
const DEADLINE_MS = 30_000;

// Small valid configs of every model: the starting points of the mutations. ε ≥ 0.1 keeps the
// mean-field flow on dopri5, whose step count is predicted (a far time.end is refused).
const base = fc.record({
  model: fc.constantFrom('meanfield', 'network', 'sgd'),
  m: fc.integer({ min: 1, max: 6 }),
  epsilon: fc.constantFrom(0.1, 0.5, 1, 2),
  seed: fc.integer({ min: 0, max: 1000 }),
  activation: fc.constantFrom('relu', 'tanh', 'erf', 'gelu', { hermite: [0, 1, 1] }, { polynomial: [0, 1, 0.5] }),
  noise: fc.constantFrom(0, 0.1),
  end: fc.constantFrom(0.05, 0.5, 2),
  points: fc.integer({ min: 1, max: 6 }),
  degrees: fc.integer({ min: 0, max: 3 }),
}).map(({ model, end, points, ...rest }) => ({
  ...rest, model, time: { end, points },
  ...(model === 'meanfield' ? {} : { d: 8, eta: 0.01 }),
  ...(model === 'sgd' ? { batch: 2, samples: 0 } : {}),
}));

/** Values that break things: extremes, wrong types, deep and long ones. */
const hostile = fc.oneof(
  fc.constantFrom(0, -1, 0.5, 1e-300, 1e300, -1e300, 2 ** 31, 2 ** 53, 1e6 + 0.5, null, true, '', 'zero', 'relu', [], {}, [1, 2, 3]),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 50, max: 3000 }).map((n) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`)),
);

type Json = Record<string, unknown>;

/** Paths to the values in a JSON object (objects and arrays included), down to depth 5. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object' || prefix.length >= 5) return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** `obj` with the value at `path` replaced (or removed), copying only the containers on the path. */
function setAt(obj: Json, path: (string | number)[], value: unknown, remove: boolean): Json {
  if (path.length === 0) return (value ?? {}) as Json;
  const clone = (v: unknown) => (Array.isArray(v) ? v.slice() : v !== null && typeof v === 'object' ? { ...v } : {}) as Record<string | number, unknown>;
  const root = clone(obj);
  let cur = root;
  for (const k of path.slice(0, -1)) cur = cur[k] = clone(cur[k]);
  const last = path[path.length - 1];
  if (remove) delete cur[last];
  else cur[last] = value;
  return root as Json;
}

/** A base config with one or two fields replaced, removed or added. */
const mutated = fc.tuple(base, fc.array(fc.tuple(fc.nat(), hostile, fc.boolean(), fc.constantFrom('', 'bogus', 'solver', 'init', 'keepWeights', 'direction', 'samples', 'batch', 'threshold')), { minLength: 1, maxLength: 2 }))
  .map(([config, edits]) => {
    let c = config as Json;
    for (const [i, value, remove, newKey] of edits) {
      const all = paths(c);
      const path = newKey ? [newKey] : all[i % all.length];
      c = setAt(c, path, value, remove && !newKey);
    }
    return c;
  });

/** JSON text of a config, damaged: truncated, a byte changed, or a BOM and spaces added. */
const damagedText = fc.tuple(fc.oneof(base, mutated), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'flip', 'bom', 'none'))
  .map(([config, at, byte, how]) => {
    const text = JSON.stringify(config);
    const i = at % Math.max(1, text.length);
    if (how === 'truncate') return text.slice(0, i);
    if (how === 'flip') return text.slice(0, i) + String.fromCharCode(byte) + text.slice(i + 1);
    if (how === 'bom') return `\ufeff ${text}\n`;
    return text;
  });

describe('fuzz: the API', () => {
  beforeAll(async () => {
    await loadCore();
  });

  it('resolves or throws a ConfigError for any mutated config', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(base, mutated), async (config) => {
      try {
        const r = await run(config as RunConfigInput); // deliberately unchecked: run() validates
        expect(['success', 'blowup', 'maxSteps', 'stepTooSmall']).toContain(r.retcode);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw new Error(`${(e as Error).name} for ${JSON.stringify(config).slice(0, 300)}: ${(e as Error).message}`);
        expect(e.message.length).toBeLessThan(2000);
      }
    }), { seed: SEED, numRuns: API_RUNS });
  }, 300_000);
});

describe('fuzz: the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timescales-fuzz-'));
  const bin = fileURLToPath(new URL('../bin/timescales.mjs', import.meta.url));
  const target = join(dir, 'target.json');
  const link = join(dir, 'out-link.json');
  const fifo = join(dir, 'csv-fifo');
  let reader = -1;
  beforeAll(() => {
    symlinkSync('target.json', link);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader kept open (non-blocking) so that writers to the FIFO never wait for one.
    reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  });
  afterAll(() => {
    if (reader >= 0) closeSync(reader);
    rmSync(dir, { recursive: true, force: true });
  });
  const drain = () => {
    const buf = Buffer.alloc(1 << 16);
    try {
      while (readSync(reader, buf) > 0);
    } catch {
      // EAGAIN: empty
    }
  };

  function spawnRun(configPath: string): Promise<{ status: number | null; stderr: string; timedOut: boolean }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [bin, 'run', configPath, '--out', link, '--csv', fifo, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let timedOut = false;
      p.stderr.on('data', (b) => { stderr += b; drain(); });
      const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, DEADLINE_MS);
      const poll = setInterval(drain, 50);
      p.on('close', (status) => {
        clearTimeout(timer);
        clearInterval(poll);
        drain();
        resolve({ status, stderr, timedOut });
      });
    });
  }

  /** Files whose names end in .tmp anywhere under `folder` (half-written files). */
  const temporariesUnder = (folder: string): string[] => readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));

  function spawnCommand(args: string[]): Promise<{ status: number | null; stderr: string; timedOut: boolean }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let timedOut = false;
      p.stderr.on('data', (b) => { stderr += b; });
      const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, 2 * DEADLINE_MS);
      p.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr, timedOut });
      });
    });
  }

  const clean = (r: { status: number | null; stderr: string; timedOut: boolean }, what: string) => {
    expect(r.timedOut, what).toBe(false);
    expect([0, 1, 2], what).toContain(r.status);
    expect(r.stderr, what).not.toMatch(/\n\s+at |internal error|node:internal/);
  };

  it('takes mutated study files: exits 0, 1 or 2 cleanly, leaves no half-written file', async () => {
    const study = base.map((b) => ({ base: { ...b, model: 'meanfield', d: undefined, eta: undefined, batch: undefined, samples: undefined }, grid: { seed: [0, 1] } }))
      .map((x) => JSON.parse(JSON.stringify(x)) as Json);
    const mutatedStudy = fc.tuple(study, fc.array(fc.tuple(fc.nat(), hostile, fc.boolean()), { minLength: 1, maxLength: 2 })).map(([c, edits]) => {
      let out = c;
      for (const [i, value, remove] of edits) {
        const all = paths(out);
        out = setAt(out, all[i % all.length], value, remove);
      }
      return out;
    });
    let n = 0;
    await fc.assert(fc.asyncProperty(mutatedStudy, async (spec) => {
      const file = join(dir, `study-${n}.json`);
      const out = join(dir, `study-out-${n++}`);
      writeFileSync(file, JSON.stringify(spec));
      const r = await spawnCommand(['study', file, '--out', out, '--workers', '1', '--quiet']);
      clean(r, `${JSON.stringify(spec).slice(0, 300)} → ${r.stderr.slice(0, 500)}`);
      if (existsSync(out)) expect(temporariesUnder(out)).toEqual([]);
    }), { seed: SEED, numRuns: STUDY_RUNS });
  }, 600_000);

  it('takes damaged checkpoints: refuses or resumes, exits 0, 1 or 2 cleanly', async () => {
    const config = join(dir, 'resume-config.json');
    writeFileSync(config, JSON.stringify({ model: 'sgd', m: 3, d: 10, eta: 1e-3, seed: 2, time: { at: [0.2, 0.4] }, degrees: 1 }));
    const state = join(dir, 'state.bin');
    const made = await spawnCommand(['run', config, '--out', join(dir, 'resume-full.json'), '--checkpoint', state, '--checkpoint-every', '150', '--quiet']);
    expect(made.status, made.stderr).toBe(0);
    const good = readFileSync(state);
    const damage = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'flip', 'zero', 'empty', 'garbage'));
    let n = 0;
    await fc.assert(fc.asyncProperty(damage, async ([at, byte, how]) => {
      const bytes = Buffer.from(good);
      const i = at % bytes.length;
      let damaged: Buffer;
      if (how === 'truncate') damaged = bytes.subarray(0, i);
      else if (how === 'flip') { bytes[i] ^= byte || 1; damaged = bytes; } else if (how === 'zero') { bytes.fill(0, i, i + 64); damaged = bytes; } else if (how === 'empty') damaged = Buffer.alloc(0);
      else damaged = Buffer.from(Array.from({ length: 1 + (at % 5000) }, (_, k) => (k * 7919 + byte) % 256));
      const file = join(dir, `damaged-${n++}.bin`);
      writeFileSync(file, damaged);
      writeFileSync(target, 'sentinel');
      const r = await spawnCommand(['run', config, '--resume', file, '--out', link, '--quiet']);
      clean(r, `${how} at ${i} → ${r.stderr.slice(0, 500)}`);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      const written = readFileSync(target, 'utf8');
      if (r.status === 2) expect(written).toBe('sentinel');
      else expect(JSON.parse(written).format).toBe(1);
      expect(temporariesUnder(dir)).toEqual([]);
    }), { seed: SEED, numRuns: RESUME_RUNS });
  }, 600_000);

  it('exits 0, 1 or 2 in one clean line, leaves no half-written file, replaces no symlink or FIFO', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.oneof(damagedText, mutated.map((c) => JSON.stringify(c))), async (text) => {
      const configPath = join(dir, `config-${n++}.json`);
      writeFileSync(configPath, text);
      writeFileSync(target, 'sentinel');
      const r = await spawnRun(configPath);
      const what = `${text.slice(0, 300)} → ${r.stderr.slice(0, 500)}`;
      expect(r.timedOut, what).toBe(false);
      expect([0, 1, 2], what).toContain(r.status);
      expect(r.stderr, what).not.toMatch(/\n\s+at |internal error|node:internal/);
      if (r.status === 2) expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const written = readFileSync(target, 'utf8');
      if (r.status === 2) expect(written).toBe('sentinel'); // refused before any work: untouched
      else expect(JSON.parse(written).format).toBe(1); // whole
      rmSync(configPath);
    }), { seed: SEED, numRuns: CLI_RUNS });
    expect(existsSync(target)).toBe(true);
  }, 600_000);
});
