import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow holds the minutes-long suites (every workload at medium size, every planner on every
    // workload, random DAGs on real threads); `npm run test:slow` runs them, so `npm test` stays
    // well under CI's budget.
    exclude: ['test/slow/**', '**/node_modules/**'],
    // Tests build SDK clients of their own (s3rver, the emulator); the library quiets the SDK's
    // Node-22 notice for the clients it builds (src/storage/aws-sdk-node-notice.ts), this does it
    // for the tests' clients, so CI logs carry no 9-line notice per worker.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['test/setup/isolated-metadata.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start their own redis-server / s3rver; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
