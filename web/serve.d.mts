// Types for serve.mjs, which tests import from TypeScript.
export interface StaticServer {
  /** Base address, ending with '/'. */
  url: string;
  close(): Promise<void>;
}
export function startServer(options?: { root?: string; host?: string; port?: number; rewriteImports?: boolean }): Promise<StaticServer>;
