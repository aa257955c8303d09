import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/isolated-metadata.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start their own redis-server / s3rver; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
