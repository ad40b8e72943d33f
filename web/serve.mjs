#!/usr/bin/env node
// The development server: serves what the project's pages load (web/, dist/, build/,
// examples/, docs/ and the runtime dependencies in node_modules/) from the checkout, with
// no bundler; nothing else (no sources, no dotfiles such as .git/). Responses carry
// `Access-Control-Allow-Origin: *`, so a page on another origin can load dist/element.js
// and the Wasm builds from it, as from a CDN.
//
//   npm run serve [-- --port 8080] [--host 127.0.0.1] [--base /timescales/] [--root DIR]
//
// Bare module specifiers ('zod', '@assemblyscript/loader') in the JavaScript it serves
// are rewritten to the files Node resolves them to. Pages carry an import map for the
// same purpose, but module Web Workers ignore import maps (whatwg/html#10858, shipped
// by no browser yet). The browser tests import startServer() and use a random port.
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
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

/** What the project's pages load: their folders, and the packages that dist/ imports by name. */
export const PAGE_PATHS = ['web/', 'dist/', 'build/', 'examples/', 'docs/',
  ...Object.keys(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).dependencies ?? {}).map((name) => `node_modules/${name}/`)];

/** The file under `root` that `urlPath` names, or null if it is outside `paths` or has a dotfile segment. */
function resolvePath(root, urlPath, paths) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    return null;
  }
  if (rel.split(/[\\/]/).some((segment) => segment.startsWith('.')) || !paths.some((p) => rel.startsWith(p) || `${rel}/` === p)) return null;
  const path = resolve(root, rel);
  return path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : null;
}

const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"./][^'":]*)\2/g;
const resolved = new Map();

/** URL (under `base`) of the file in node_modules/ that Node resolves bare `spec` to, or null. */
function resolveBare(base, spec) {
  if (!resolved.has(spec)) {
    let url = null;
    try {
      // The path from the last node_modules/ on: node_modules/ may be a link to another folder.
      const file = fileURLToPath(import.meta.resolve(spec)).split(sep).join('/');
      const at = file.lastIndexOf('/node_modules/');
      if (at >= 0) url = file.slice(at + 1);
    } catch {
      // Not a package Node can find: leave the import for the browser to report.
    }
    resolved.set(spec, url);
  }
  const url = resolved.get(spec);
  return url === null ? null : base + url;
}

/** Module source with its bare specifiers made absolute paths. */
function rewriteImports(base, source) {
  return source.replace(specifier, (all, head, quote, spec) => {
    const url = resolveBare(base, spec);
    return url ? `${head}${quote}${url}${quote}` : all;
  });
}

/**
 * Serves PAGE_PATHS and `alsoServe` (folders ending with '/', for test pages) of `root`
 * (default: the repository) under the URL path `base` (default '/') on `host:port` (port 0: a free one), rewriting bare imports
 * unless `rewriteImports` is false (a plain static server, as the tests use to check the
 * import map). Resolves to `{ url, close }` once listening; `url` (ending with '/') is
 * where `base` is served. Rejects with the listen error (EADDRINUSE for a busy port).
 */
export function startServer({ root = repoRoot, host = '127.0.0.1', port = 0, base = '/', alsoServe = [], rewriteImports: rewrite = true } = {}) {
  const dir = resolve(root);
  const paths = [...PAGE_PATHS, ...alsoServe];
  const prefix = `/${base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const cors = { 'access-control-allow-origin': '*' };
    if (pathname === prefix) {
      res.writeHead(302, { ...cors, location: `${prefix}web/` }).end();
      return;
    }
    try {
      if (!pathname.startsWith(prefix)) throw new Error('outside base');
      let path = resolvePath(dir, pathname.slice(prefix.length), paths);
      if (!path) throw new Error('not served');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const type = types[extname(path)] ?? 'application/octet-stream';
      const script = rewrite && type.startsWith('text/javascript')
        ? Buffer.from(rewriteImports(prefix, await readFile(path, 'utf8')))
        : null;
      res.writeHead(200, {
        ...cors,
        'content-type': type,
        'content-length': script ? script.length : (await stat(path)).size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else if (script) res.end(script);
      else createReadStream(path).pipe(res);
    } catch {
      res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      ok({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}${prefix}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

const USAGE = `usage: npm run serve [-- --port N] [--host H] [--base /path/] [--root DIR]
  --port N      port to listen on (default 8080; 0 picks a free one)
  --host H      address to listen on (default 127.0.0.1)
  --base /path/ URL path to serve the repository under (default /)
  --root DIR    folder to serve (default: this repository)`;

/** Parses the command line; an Error with the usage for anything it does not know. */
function options(argv) {
  const out = { port: 8080 };
  const names = { '--port': 'port', '--host': 'host', '--base': 'base', '--root': 'root' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = argv[i + 1];
    if (argv[i] === '--help' || argv[i] === '-h') throw Object.assign(new Error(USAGE), { help: true });
    if (!key) throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    if (value === undefined) throw new Error(`${argv[i]} needs a value\n${USAGE}`);
    if (key === 'port' && !(/^\d+$/.test(value) && Number(value) <= 65535)) throw new Error(`--port must be an integer from 0 to 65535 (got ${value})`);
    out[key] = key === 'port' ? Number(value) : value;
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = options(process.argv.slice(2));
    const { url } = await startServer(opts);
    process.stdout.write(`serving the repository at ${url}\nexplorer: ${url}web/\nelement: ${url}dist/element.js\n`);
  } catch (e) {
    if (e.help) {
      process.stdout.write(`${e.message}\n`);
      process.exit(0);
    }
    const message = e.code === 'EADDRINUSE'
      ? `port ${e.port} on ${e.address} is in use (another server?); choose another with: npm run serve -- --port ${e.port + 1}`
      : e.code === 'EACCES' ? `no permission to listen on port ${e.port}; choose one above 1023 with --port` : e.message;
    process.stderr.write(`serve: ${message}\n`);
    process.exit(1);
  }
}
