// The documentation's promises that code can check: the README's API example is the
// runnable examples/api.mjs (test/cli-run.test.ts runs it), and every relative link of the
// README, docs/ and bench/RESULTS.md reaches a file, and a heading where it names one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pages = ['README.md', 'bench/RESULTS.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Pages that are linked to while they are being written; each must exist once written. */
const PENDING = new Set<string>();

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const line of markdown.split('\n')) {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) out.add(slug(h[1]));
  }
  return out;
}

/** Relative links `[text](target)` outside code blocks (images excluded: `![…](…)`). */
function links(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

describe('documentation', () => {
  it('shows examples/api.mjs as the README API example, line for line', () => {
    const block = /## From code[\s\S]*?```js\n([\s\S]*?)```/.exec(read('README.md'));
    expect(block, 'README.md: a ```js block under "## From code"').not.toBeNull();
    const example = read('examples/api.mjs').split('\n').filter((line, i) => !(i === 0 && line.startsWith('//'))).join('\n');
    expect(block![1]).toBe(example);
  });

  it.each(pages)('%s: every relative link reaches a file, and its heading', (page) => {
    const broken: string[] = [];
    for (const target of links(read(page))) {
      const [file, anchor] = target.split('#');
      const path = file === '' ? join(root, page) : resolve(dirname(join(root, page)), file);
      const name = relative(root, path);
      if (!existsSync(path)) {
        if (!PENDING.has(name)) broken.push(`${target}: no file ${name}`);
        continue;
      }
      if (anchor && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${name}`);
    }
    expect(broken).toEqual([]);
  });

  it('finds broken links and headings (the check itself)', () => {
    expect(links('[a](x.md) ![img](y.png) `[c](z.md)` [d](https://e.org) [f](#g)')).toEqual(['x.md', '#g']);
    expect(slug('The result JSON (`format: 1`)')).toBe('the-result-json-format-1');
    expect(slug('Studies: worker pool, per-cell overhead')).toBe('studies-worker-pool-per-cell-overhead');
  });
});
