#!/usr/bin/env node
// A small static file server over the repository root, so a browser can load
// web/, dist/, build/*.wasm and node_modules/ straight from the checkout (no bundler).
// `npm run serve [-- --port N]` prints the explorer's address; the browser tests
// import startServer() and use a random port.
//
// Bare module specifiers ('zod', '@assemblyscript/loader') in the JavaScript it serves
// are rewritten to the files Node resolves them to. Pages carry an import map for the
// same purpose, but module Web Workers ignore import maps (whatwg/html#10858, shipped
// by no browser yet), and the explorer runs its simulations in a worker.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The file under `root` that `urlPath` names, or null if it escapes `root`. */
function resolvePath(root, urlPath) {
  const path = resolve(root, '.' + decodeURIComponent(urlPath));
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : null;
}

const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"./][^'":]*)\2/g;
const resolved = new Map();

/** Root-relative URL of the file Node resolves bare `spec` to (from this repo), or null. */
function resolveBare(root, spec) {
  if (!resolved.has(spec)) {
    let url = null;
    try {
      const file = fileURLToPath(import.meta.resolve(spec));
      if (file.startsWith(root + sep)) url = '/' + relative(root, file).split(sep).join('/');
    } catch {
      // Not a package Node can find: leave the import for the browser to report.
    }
    resolved.set(spec, url);
  }
  return resolved.get(spec);
}

/** Module source with its bare specifiers made root-relative. */
function rewriteImports(root, source) {
  return source.replace(specifier, (all, head, quote, spec) => {
    const url = resolveBare(root, spec);
    return url ? `${head}${quote}${url}${quote}` : all;
  });
}

/**
 * Serves `root` (default: the repository) on `host:port` (port 0: a free one), rewriting
 * bare imports unless `rewriteImports` is false (a plain static server, as the tests use
 * to check the import map). Resolves to `{ url, close }` once listening; `url` ends with '/'.
 */
export function startServer({ root = repoRoot, host = '127.0.0.1', port = 0, rewriteImports: rewrite = true } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    try {
      let path = resolvePath(base, pathname);
      if (!path) throw new Error('outside root');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const type = types[extname(path)] ?? 'application/octet-stream';
      const script = rewrite && type.startsWith('text/javascript')
        ? Buffer.from(rewriteImports(base, await readFile(path, 'utf8')))
        : null;
      res.writeHead(200, {
        'content-type': type,
        'content-length': script ? script.length : (await stat(path)).size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else if (script) res.end(script);
      else createReadStream(path).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      ok({
        url: `http://${host}:${bound}/`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const { url } = await startServer({ port: i > 0 ? Number(process.argv[i + 1]) : 8080 });
  process.stdout.write(`serving the repository at ${url}\nexplorer: ${url}web/\n`);
}
