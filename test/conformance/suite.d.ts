// Types for suite.js (a plain ES module, so that every engine runs the same code).
export type Hashes = Record<string, Record<string, string>>;
export interface VariantOutcome {
  hashes?: Hashes;
  relativeToSimd?: Record<string, number>;
  error?: string;
}
export const CONFIGS: Record<string, Record<string, unknown>>;
export function maxRelativeDifference(x: Record<string, ArrayLike<number>>, y: Record<string, ArrayLike<number>>): number;
export function main(args?: { variants?: ('simd' | 'scalar' | 'relaxed')[] }): Promise<Partial<Record<'simd' | 'scalar' | 'relaxed', VariantOutcome>>>;
