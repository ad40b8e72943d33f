// Types for serve.mjs, which tests import from TypeScript.
export interface StaticServer {
  /** Where `base` is served, ending with '/'. */
  url: string;
  close(): Promise<void>;
}
/** What the project's pages load: web/, dist/, build/, examples/, docs/ and node_modules/ of the runtime dependencies. */
export const PAGE_PATHS: string[];
export function startServer(options?: {
  root?: string;
  host?: string;
  port?: number;
  /** URL path to serve under (default '/'). */
  base?: string;
  /** Folders relative to root, each ending with '/', served besides PAGE_PATHS (test pages). */
  alsoServe?: string[];
  rewriteImports?: boolean;
}): Promise<StaticServer>;
