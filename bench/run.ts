// Runs the benchmarks: `npm run bench` runs every bench/*.bench.ts but the opt-in ones,
// `npm run bench -- NAME` only those whose file name contains NAME. Opt-in: runtimes (it
// installs the pinned engines and drives two browsers; `npm run bench -- runtimes`), element (it drives two browsers)
// and versus (it needs a second checkout; bench/versus.bench.ts). Each benchmark module exports
// `run(): Promise<string>` returning a Markdown section; the sections are printed and,
// with --write, stored in bench/RESULTS.md: each file's section replaces its previous
// one (between markers) and records the command and machine that produced it.
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const write = args.includes('--write');
const filters = args.filter((a) => !a.startsWith('--'));
const optIn = ['runtimes.bench.ts', 'element.bench.ts', 'versus.bench.ts'];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (filters.length === 0 ? !optIn.includes(f) : filters.some((n) => f.includes(n))))
  .sort();

const path = join(here, 'RESULTS.md');
let results = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n\nEach section names the command that produced it.\n';
const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`;

for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const mod = (await import(join(here, f))) as { run: () => Promise<string> };
  const section = await mod.run();
  process.stdout.write(`${section}\n`);
  const name = f.replace(/\.bench\.ts$/, '');
  const block = `<!-- bench:${name} -->\n${section.trim()}\n\n_Produced by \`npm run bench -- ${name} --write\` on ` +
    `${new Date().toISOString().slice(0, 10)}, ${machine}._\n<!-- /bench:${name} -->`;
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  results = re.test(results) ? results.replace(re, block) : `${results.trimEnd()}\n\n${block}\n`;
}

if (write) {
  writeFileSync(`${path}.tmp`, results);
  renameSync(`${path}.tmp`, path);
}
