import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MEMORY_STORES } from '../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../src/model/wukong-options.js';
import { findWorkload, resolveParams, WORKLOADS, type AnyWorkload } from '../../workloads/index.js';
import { generateValidDag, runReplay } from '../../workloads/replay-runner.js';

/**
 * The slower tier: every workload at its medium preset on the embedded backend (executor
 * threads, in-memory stores), verified numerically. Minutes on two cores; run with the
 * `test:slow` script rather than with the unit and e2e tests.
 */
const THREADS = Math.max(2, Math.min(4, cpus().length));
const MINUTES = 60_000;

async function replay(workload: AnyWorkload, params: Record<string, number>, repeats = 1) {
  return runReplay({
    workload,
    params,
    spec: generateValidDag(workload, params),
    repeats,
    threads: THREADS,
    stores: MEMORY_STORES,
    wukong: DEFAULT_WUKONG_OPTIONS,
    deadlineMs: 20 * MINUTES,
    costMemoryMb: 1769,
  });
}

describe('workloads at medium size on the embedded backend', () => {
  for (const w of WORKLOADS) {
    it(
      `${w.name}: runs and verifies`,
      async () => {
        // Prepare
        const params = resolveParams(w, { size: 'medium' });
        // Act
        const { report, failure } = await replay(w, params);
        // Assess
        expect(failure).toBeUndefined();
        expect(report.verification.checks.filter((c) => !c.ok)).toEqual([]);
        expect(report.ok).toBe(true);
        expect(report.runs[0]!.summary.tasks).toBe(w.taskCount(params));
      },
      25 * MINUTES,
    );
  }

  it(
    'tr with a per-task delay: correct, and no faster than its critical path of sleeps',
    async () => {
      const tr = findWorkload('tr')!;
      const params = resolveParams(tr, { overrides: { elements: 256, delayMs: 100 } });
      const { report, failure } = await replay(tr, params, 2);
      expect(failure).toBeUndefined();
      expect(report.verification.ok).toBe(true);
      // 8 levels of 100 ms sleeps lie on every root-to-leaf path.
      for (const makespan of report.makespansMs) expect(makespan).toBeGreaterThanOrEqual(800);
    },
    10 * MINUTES,
  );

  it(
    'WUKONG optimizations off still give verified results (GEMM medium, a low large-output threshold)',
    async () => {
      const gemm = findWorkload('gemm')!;
      const params = resolveParams(gemm, { size: 'medium' });
      const { report } = await runReplay({
        workload: gemm,
        params,
        spec: generateValidDag(gemm, params),
        repeats: 1,
        threads: THREADS,
        stores: MEMORY_STORES,
        wukong: { ...DEFAULT_WUKONG_OPTIONS, fanOutClustering: false, fanInClustering: false, delayedIo: false, thresholdBytes: 1024 },
        deadlineMs: 20 * MINUTES,
        costMemoryMb: 1769,
      });
      expect(report.ok).toBe(true);
    },
    25 * MINUTES,
  );
});
