// The WebAssembly memory a run needs, read from the module's own layout functions (the `*Bytes`
// and `*Offset` exports that also lay the blocks out), and the refusal of a run that 32-bit
// WebAssembly cannot hold. It needs the loaded core, so it runs in runParsed as soon as the
// core is there, before any work (docs/design.md, "Memory estimate").
import type { RunConfig } from './config.js';
import { ConfigError } from './errors.js';
import { formatBytes } from './limits.js';
import { meanfieldLayout } from './models/meanfield.js';
import { type Core, WASM_MEMORY_LIMIT } from './wasm/loader.js';

/**
 * Kept beside a run's blocks: the module's data and stack, and the arena's small blocks
 * (coefficient tables, quadrature rules, the output times, vectors of m ≤ 1e6 doubles).
 */
export const RESERVED_BYTES = 64 * 2 ** 20;

/** What the memory check knows of a run beyond its config: its truncation and the activation's closed-form kernel. */
export interface RunShape {
  K: number;
  kernel: { kind: number; gain: number } | null;
}

/**
 * Bytes of the blocks a run reserves whose size grows with m, d, batch or samples: the
 * mean-field system and integrator blocks, GD's block (and the reduction of explicit weights),
 * SGD's state and scratch. Each is the size the module lays the block out with.
 */
export function runBlockBytes(core: Core, config: RunConfig, shape: RunShape): number {
  const x = core.exports;
  const { m } = config;
  if (config.model === 'meanfield') return meanfieldLayout(core, m, shape.K, shape.kernel, config.epsilon, config.solver).bytes;
  const d = config.d!;
  if (config.model === 'network') return x.networkBytes(m, d, config.init.w !== undefined);
  return x.sgdBytes(m, d, config.batch, config.samples);
}

/** Refuses, naming `m`, a run whose blocks and RESERVED_BYTES pass the 4 GiB of 32-bit WebAssembly. */
export function checkMemory(core: Core, config: RunConfig, shape: RunShape): void {
  const bytes = runBlockBytes(core, config, shape) + RESERVED_BYTES;
  if (bytes <= WASM_MEMORY_LIMIT) return;
  let what: string;
  if (config.model === 'meanfield') {
    const { form, method, dense } = meanfieldLayout(core, config.m, shape.K, shape.kernel, config.epsilon, config.solver);
    what = `the ${form} form${dense ? ` and ${method}'s dense 2m × 2m Jacobian` : ''}`;
  } else {
    what = `d = ${config.d}${config.model === 'sgd' ? `, batch = ${config.batch}, samples = ${config.samples}` : ''}`;
  }
  throw new ConfigError('m', `with ${what}, this run needs about ${formatBytes(bytes)} of WebAssembly memory, more than the ${formatBytes(WASM_MEMORY_LIMIT)} that 32-bit WebAssembly addresses`);
}
