// Types for engine-run.mjs, which tests and benchmarks import from TypeScript.
import type { Engine } from '../../scripts/engines.mjs';
export interface EngineHandle {
  /** Runs the repository-relative module's `main(args)` in a fresh realm of the engine. */
  run<T = unknown>(module: string, args?: unknown): Promise<T>;
  close(): Promise<void>;
}
export function openEngine(engine: Engine, options?: { timeoutMs?: number }): Promise<EngineHandle>;
