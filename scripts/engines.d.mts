// Types for engines.mjs, which tests and benchmarks import from TypeScript.
export interface Engine {
  /** Stable id: 'node', 'node@22.x.y', 'deno@…', 'bun@…', 'chromium', 'firefox'. */
  name: string;
  /** For tables: engine and version. */
  label: string;
  version?: string;
  /** Command-line engines: argv that runs a module file appended as the last argument. */
  command?: string[];
  /** Browsers: which driver, and the binary. */
  browser?: 'chromium' | 'firefox';
  executablePath?: string;
  /** Why the engine cannot start; set instead of command/browser being usable. */
  error?: string;
}
export const PINNED: { node: string; deno: string; bun: string };
export const cacheDir: string;
export function engines(options?: { install?: boolean; dir?: string; log?: (line: string) => void }): Engine[];
