import { defineConfig } from 'vitest/config';

// The slow tier (`npm run test:slow`): only test/slow, minutes per file, same setup as vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    // Tests build SDK clients of their own (s3rver, the emulator); the library quiets the SDK's
    // Node-22 notice for the clients it builds (src/storage/aws-sdk-node-notice.ts), this does it
    // for the tests' clients, so CI logs carry no 9-line notice per worker.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['test/setup/isolated-metadata.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
