// A plain static server, as a reader's own site or a CDN would be: dist/ and build/ of the
// repository with their content types, plus pages given as strings; no import rewriting,
// no index pages, nothing else. The element's tests and its bench load it from here.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };

export interface PlainServer {
  /** Ends with '/'. */
  url: string;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML) and the files under dist/ and build/ on a free port of 127.0.0.1. */
export function plainServer(pages: Record<string, string>): Promise<PlainServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (Object.hasOwn(pages, path)) {
      res.writeHead(200, { 'content-type': types['.html'] }).end(pages[path]);
      return;
    }
    const file = join(root, path);
    if (!/^\/(dist|build)\/[\w./-]+$/.test(path) || path.includes('..') || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({
      url: `http://127.0.0.1:${port}/`,
      close: () => new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
    });
  }));
}
