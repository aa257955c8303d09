import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow holds the minutes-long suites (every workload at medium size, every planner on every
    // workload, random DAGs on real threads); `npm run test:slow` runs them, so `npm test` stays
    // well under CI's budget.
    exclude: ['test/slow/**', '**/node_modules/**'],
    setupFiles: ['test/setup/isolated-metadata.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start their own redis-server / s3rver; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
