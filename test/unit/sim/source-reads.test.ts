import { describe, expect, it } from 'vitest';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DETERMINISTIC_PROFILE } from '../../../src/cost/profile.js';
import { simulate } from '../../../src/sim/simulator.js';
import { createDagTaskEstimator } from '../../../src/sim/task-estimates.js';
import { NO_OPTIMIZATIONS, work } from './sim-dags.js';

/**
 * Data sources (table.read's files) are in S3 on the platform: a task that reads `sourceBytes`
 * first fetches them over its executor's link at S3's latency and bandwidth (one GET, priced at
 * S3's rate), whichever store holds the intermediates. Deterministic profile: S3 GET 10 ms, 100 MB/s.
 */
describe('simulated source reads', () => {
  const spec = { name: 'read-then-use', tasks: [work('read', 5, 8), work('use', 5, 8, ['read'])] };
  const run = (sourceBytes: number | undefined) => {
    const dag = runDagFromSpec(spec);
    const base = createDagTaskEstimator(dag, DETERMINISTIC_PROFILE);
    const estimator = { ...base, sourceBytes: (taskId: string) => (taskId === 'read' ? sourceBytes : undefined) };
    return simulate({ dag, wukong: NO_OPTIMIZATIONS, profile: DETERMINISTIC_PROFILE, estimator, seed: 1, memoryMb: 1769, storeKind: 'redis', validateEveryStep: true });
  };

  it('delays the reading task by the GET latency and the bytes at the link bandwidth, and charges one S3 GET', () => {
    const none = run(undefined);
    const tenMb = run(10_000_000);
    const start = (r: typeof none, id: string) => r.report.tasks.find((t) => t.taskId === id)!.startAt;
    // 10 ms latency + 10,000,000 bytes at 100,000 bytes/ms = 110 ms, for the reader and what follows it.
    expect(start(tenMb, 'read') - start(none, 'read')).toBeCloseTo(110, 9);
    expect(start(tenMb, 'use') - start(none, 'use')).toBeCloseTo(110, 9);
    expect(tenMb.report.tasks.find((t) => t.taskId === 'read')!.sourceBytes).toBe(10_000_000);
    expect(tenMb.report.summary.costFormula).toMatch(/\+ 1 source GET x /);
    expect(none.report.summary.costFormula).not.toMatch(/source GET/);
    expect(tenMb.report.summary.costUsd).toBeGreaterThan(none.report.summary.costUsd);
  });
});
