import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Budgets for a loaded machine (test/support/budgets.ts): a test holds one wait for a run
    // in a page or one child process and the rest of its work; a hook may start a browser
    // and wait for a run. A budget only bounds a hang.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The JSON report lets CI print a one-line "N passed, N failed" summary.
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
  },
});
