import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report lets CI print a one-line "N passed, N failed" summary.
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
  },
});
