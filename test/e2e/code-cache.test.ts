import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

// CommonJS (.cts), which vitest does not compile: the build of it, which the CLI itself runs.
const { bundleHash } = createRequire(import.meta.url)('../../dist/src/bundle/code-cache-file.cjs') as typeof import('../../src/bundle/code-cache-file.cjs');
/** The hash a bundle's cache file must start with: the one the build wrote in the bundle. */
const hashOf = (bundle: string) => Buffer.from(bundleHash(readFileSync(bundle, 'utf8')) ?? 'no hash line', 'latin1');

/**
 * Issue 20, CLI start: the CLI and its executor threads run their bundles with V8 code caches
 * written beside them (src/bundle/run-bundle.cts, scripts/build-bundles.mjs). A corrupt cache (or
 * one from another Node) must cost only a compile: the command works and the cache is written anew.
 */
const MAIN = join(process.cwd(), 'dist/src/cli/bundle/main.cjs');
const WORKER = join(process.cwd(), 'dist/src/runtime/embedded/bundle/worker.cjs');
const CORRUPT = Buffer.from('not a V8 code cache'.repeat(50));

/** Each bundle's own cache, put back after the test (a cache written by a test run is a valid one, but smaller). */
const saved = new Map<string, Buffer>();
afterEach(() => {
  for (const [path, bytes] of saved) writeFileSync(path, bytes);
  saved.clear();
});

describe('code cache of the CLI and thread bundles (e2e)', () => {
  it('with both caches of `submit` corrupt, `submit` runs, and both caches are written anew for this build', () => {
    // Prepare: this build's hash, then data V8 rejects
    const caches = [
      { bundle: MAIN, cache: `${MAIN}.submit.v8cache` },
      { bundle: WORKER, cache: `${WORKER}.v8cache` },
    ];
    for (const { bundle, cache } of caches) {
      saved.set(cache, readFileSync(cache));
      writeFileSync(cache, Buffer.concat([hashOf(bundle), CORRUPT]));
    }
    // Act
    const run = runWukong(['submit', 'workloads/examples/gemm-2x2.json', '--json', '--no-metadata', '--workers', '1'], { timeoutMs: 120_000 });
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(true);
    for (const { bundle, cache } of caches) {
      const written = readFileSync(cache);
      expect(written.subarray(0, 64).equals(hashOf(bundle))).toBe(true);
      expect(written.subarray(64).equals(CORRUPT)).toBe(false);
      expect(written.length).toBeGreaterThan(10_000);
    }
  });

  // That `validate` leaves `submit`'s cache alone is checked in test/unit/bundle/run-bundle.test.ts
  // on a bundle of its own: here the dist/ caches are shared with every test file that runs the CLI
  // at the same time (one under other V8 flags rewrites `submit`'s), so its bytes cannot be pinned.
  it('`validate` with a cache from another build still answers, and writes its own cache for this build', () => {
    // Prepare: another script's hash (a rebuilt bundle whose cache was left behind)
    const cache = `${MAIN}.validate.v8cache`;
    const good = existsSync(cache) ? readFileSync(cache) : readFileSync(`${MAIN}.submit.v8cache`);
    if (existsSync(cache)) saved.set(cache, good);
    writeFileSync(cache, Buffer.concat([Buffer.from('7'.repeat(64)), good.subarray(64)]));
    // Act
    const run = runWukong(['validate', 'workloads/examples/gemm-2x2.json']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok: gemm-2x2: 20 tasks');
    expect(readFileSync(cache).subarray(0, 64).equals(hashOf(MAIN))).toBe(true);
  });
});
