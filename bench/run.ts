// Runs the benchmarks: `npm run bench` runs every bench/*.bench.ts, `npm run bench -- NAME`
// only those whose file name contains NAME. Each benchmark module exports
// `run(): Promise<string>` returning a Markdown section; the sections are printed and,
// with --write, stored in bench/RESULTS.md under a header naming the command.
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const write = args.includes('--write');
const filters = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();

const sections: string[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const mod = (await import(join(here, f))) as { run: () => Promise<string> };
  const section = await mod.run();
  process.stdout.write(`${section}\n`);
  sections.push(section);
}

if (write) {
  const command = `npm run bench -- ${args.join(' ')}`.trim();
  const header = `# Benchmark results\n\nProduced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}, ` +
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}.\n\n`;
  const path = join(here, 'RESULTS.md');
  writeFileSync(`${path}.tmp`, header + sections.join('\n'));
  renameSync(`${path}.tmp`, path);
}
