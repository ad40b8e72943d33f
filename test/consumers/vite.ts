// The consumer app under Vite as its users run it, with no vite.config: the dev server
// (`npx vite`, which pre-bundles dependencies into node_modules/.vite/deps/) and the
// production build (`npx vite build`) served by `npx vite preview`. Both listen on a
// free port on 127.0.0.1. Vite is this project's (pinned) copy, driven through its API.
import { join } from 'node:path';
import { build, createLogger, createServer, preview, type Logger } from 'vite';

export interface Served {
  url: string;
  /** Warnings and errors Vite logged while starting, building or serving. */
  messages: string[];
  close(): Promise<void>;
}

/** Rolldown's report of slow plugins (which a loaded machine triggers) is about the machine, not the app. */
const timings = /^\S*\[PLUGIN_TIMINGS\]/;

function recordingLogger(messages: string[]): Logger {
  const logger = createLogger('warn', { allowClearScreen: false });
  const record = (msg: string) => { if (!timings.test(msg)) messages.push(msg); };
  return {
    ...logger,
    warn: (msg, options) => { record(msg); logger.warn(msg, options); },
    warnOnce: (msg, options) => { record(msg); logger.warnOnce(msg, options); },
    error: (msg, options) => { record(msg); logger.error(msg, options); },
  };
}

const network = { host: '127.0.0.1', port: 0, strictPort: false };

export async function viteDev(root: string): Promise<Served> {
  const messages: string[] = [];
  const server = await createServer({ root, configFile: false, customLogger: recordingLogger(messages), server: { ...network, hmr: false } });
  await server.listen();
  return { url: server.resolvedUrls!.local[0], messages, close: () => server.close() };
}

export async function viteBuild(root: string): Promise<Served> {
  const messages: string[] = [];
  const customLogger = recordingLogger(messages);
  await build({ root, configFile: false, customLogger, build: { outDir: join(root, 'dist') } });
  const server = await preview({ root, configFile: false, customLogger, preview: network, build: { outDir: join(root, 'dist') } });
  return {
    url: server.resolvedUrls!.local[0],
    messages,
    close: () => new Promise<void>((ok, fail) => server.httpServer.close((e) => (e ? fail(e) : ok()))),
  };
}
