import { defineConfig } from 'vitest/config';

// The slow tier (`npm run test:slow`): only test/slow, minutes per file, same setup as vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    setupFiles: ['test/setup/isolated-metadata.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
