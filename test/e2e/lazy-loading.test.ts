import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * Issue 20 item 3: an embedded run with memory stores loads only what that backend and those
 * stores need. A resolve hook (test/fixtures/module-trace) records every module the CLI process
 * and its executor threads resolve; the clients of other backends and stores must not be among them.
 */
const TRACE_HOOK = join(process.cwd(), 'test/fixtures/module-trace/register.mjs');
const NOT_FOR_EMBEDDED_MEMORY = ['/node_modules/@aws-sdk/', '/node_modules/@smithy/', '/node_modules/ioredis/', '/node_modules/@duckdb/', '/node_modules/esbuild/'];

function tracedSubmit(args: readonly string[]): { code: number | null; stderr: string; modules: string[] } {
  const trace = join(mkdtempSync(join(tmpdir(), 'wk-lazy-')), 'modules.txt');
  const run = runWukong(['submit', ...args], { env: { NODE_OPTIONS: `--import ${TRACE_HOOK}`, WUKONG_MODULE_TRACE: trace }, timeoutMs: 120_000 });
  return { code: run.code, stderr: run.stderr, modules: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('lazy loading (e2e)', () => {
  it('an embedded submit with memory stores loads no AWS SDK, ioredis, DuckDB or esbuild, in the CLI or its threads', () => {
    // Act
    const run = tracedSubmit(['workloads/examples/gemm-2x2.json', '--workers', '2', '--no-metadata']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The hooks saw the run: the CLI and its threads ran the bundles (scripts/build-bundles.mjs),
    // loaded by the bundle runner and the thread's bundle entry, not the unbundled modules; the
    // other clients stay outside those bundles.
    expect(run.modules.some((url) => url.endsWith('/dist/src/bundle/run-bundle.cjs'))).toBe(true);
    expect(run.modules.some((url) => url.endsWith('/runtime/embedded/worker-bundle-entry.cjs'))).toBe(true);
    expect(run.modules.filter((url) => url.endsWith('/cli/commands/submit.js') || url.endsWith('/runtime/embedded/worker-main.js'))).toEqual([]);
    // Modules of the bundles require() Node built-ins; the CommonJS side of the trace sees them.
    expect(run.modules).toContain('node:worker_threads');
    const unwanted = run.modules.filter((url) => NOT_FOR_EMBEDDED_MEMORY.some((part) => url.includes(part)));
    expect([...new Set(unwanted)]).toEqual([]);
  });

  it('with user op modules, the CLI and its threads load the unbundled modules those import as `wukong`', () => {
    // Act
    const dir = mkdtempSync(join(tmpdir(), 'wk-lazy-ops-'));
    const ops = join(dir, 'ops.mjs');
    writeFileSync(
      ops,
      `import { defineOp } from '${join(process.cwd(), 'dist/src/api/index.js')}';\nimport { z } from '${join(process.cwd(), 'node_modules/zod/index.js')}';\n` +
        `export default defineOp({ name: 'demo.same', description: 'its input', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1, run: ([m]) => [m] });\n`,
    );
    const run = tracedSubmit(['workloads/examples/gemm-2x2.json', '--workers', '1', '--no-metadata', '--ops', ops]);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.modules.some((url) => url.endsWith('/cli/commands/submit.js'))).toBe(true);
    expect(run.modules.some((url) => url.endsWith('/runtime/embedded/worker-main.js'))).toBe(true);
    expect(run.modules.some((url) => url.includes('/bundle/') || url.endsWith('/worker-bundle-entry.cjs'))).toBe(false);
  });

  it('the trace does see those clients when a run needs them (the check above can fail)', () => {
    // Act: a result cache in S3 loads the AWS SDK (the run itself fails: nothing listens there).
    const run = tracedSubmit(['workloads/examples/gemm-2x2.json', '--workers', '1', '--no-metadata', '--cache', 's3://wukong-lazy-loading-test/prefix']);
    // Assess
    expect(run.modules.some((url) => url.includes('/node_modules/@aws-sdk/client-s3/'))).toBe(true);
  });
});
