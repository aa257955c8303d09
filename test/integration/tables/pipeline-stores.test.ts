import { describe, expect, it } from 'vitest';
import { checkTableSources } from '../../../src/ops/table/table-dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import type { StoreConfig } from '../../../src/runtime/store-config.js';
import { findWorkload } from '../../../workloads/index.js';
import { generateValidDag, runReplay } from '../../../workloads/replay-runner.js';
import { tableStoreCases } from './store-cases.js';

/**
 * The pipeline workload (read Parquet and CSV, filter, concat, join, project, aggregate, SQL) on
 * the embedded backend with memory, Redis and S3 intermediates (tables cross executors as Arrow
 * IPC); in the S3 case the sources are read from s3rver. Needs `npm run build` (executor threads).
 */
const PARAMS = { rows: 3000, files: 2, topK: 5, seed: 7 };
const pipeline = findWorkload('pipeline')!;
const CASES = tableStoreCases();

function replay(spec: DagSpec, stores: StoreConfig, dataRoot: string) {
  return runReplay({ workload: pipeline, params: PARAMS, spec, repeats: 1, threads: 2, stores, wukong: DEFAULT_WUKONG_OPTIONS, deadlineMs: 60_000, costMemoryMb: 1769, dataRoot });
}

describe.each(CASES)('the pipeline on the $name store', (c) => {
  it('verifies with pushdown (and, on memory, moves and reads less than without)', async () => {
    const context = { dataRoot: await c.dataRoot() };
    await pipeline.prepareData!(PARAMS, context);
    const written = generateValidDag(pipeline, PARAMS, context);
    const pushed = await checkTableSources(written, { pushdown: true });
    expect(pushed.changes.length).toBeGreaterThan(0);
    const withPushdown = await replay(pushed.spec, c.stores(), context.dataRoot);
    expect(withPushdown.failure).toBeUndefined();
    expect(withPushdown.report.verification.checks.filter((check) => !check.ok)).toEqual([]);
    expect(withPushdown.report.ok).toBe(true);
    const sources = (r: typeof withPushdown) => r.report.runs[0]!.summary.sourceBytes ?? 0;
    expect(sources(withPushdown)).toBeGreaterThan(0);
    if (c.name !== 'memory') return;
    const without = await replay(written, c.stores(), context.dataRoot);
    expect(without.report.ok).toBe(true);
    const moved = (r: typeof without) => r.report.runs[0]!.summary.bytesWritten + r.report.runs[0]!.summary.bytesRead;
    expect(sources(withPushdown) * 2).toBeLessThan(sources(without));
    expect(moved(withPushdown) * 2).toBeLessThan(moved(without));
  });
});
