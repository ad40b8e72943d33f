// What a study's worker thread loads. Cells reach the workers validated, so a worker has
// no use for the config schema; importing it (zod) was 95 ms of a worker's 130 ms of
// imports, paid by every study before its first cell. The graph is read from the built
// files (dist/), which is what the pool's threads run: type-only imports are gone there.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Every module `entry` loads (relative paths under dist/, packages by name), from its static imports and re-exports. */
function imports(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    const name = relative(dist, file);
    if (seen.has(name)) return;
    seen.add(name);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      if (spec === undefined) continue;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else seen.add(`package ${spec}`);
    }
  };
  walk(resolve(dist, entry));
  return seen;
}

describe('a study worker thread', () => {
  it('loads neither the config schema nor zod', () => {
    const loaded = imports('study/worker.js');
    expect(loaded).toContain('run-validated.js'); // the walk does reach the run
    expect(loaded).toContain('package workerpool');
    expect([...loaded].filter((m) => m === 'config.js' || m.startsWith('package zod'))).toEqual([]);
  });

  it('is told apart from the library entry, which does load both', () => {
    const loaded = imports('index.js');
    expect(loaded).toContain('config.js');
    expect(loaded).toContain('package zod');
  });
});
