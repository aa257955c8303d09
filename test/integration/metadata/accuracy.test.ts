import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureAccuracy } from '../../../bench/metadata-accuracy-measure.js';
import { RecordedWorkloadRuns } from '../../../bench/recorded-workload-run.js';
import { findWorkload } from '../../../workloads/index.js';

/**
 * Issue #5 item 4 at small sizes: two sizes recorded, a third predicted from that history alone.
 * bench/metadata-accuracy.ts prints the full table; here the bounds are loose so that a loaded
 * machine (timing noise of tens of percent per task) cannot flake the test, while a broken
 * descriptor, fallback or fit (answers from defaults, sizes off by a factor) still fails it.
 */
let runs: RecordedWorkloadRuns;
beforeEach(async () => {
  runs = await RecordedWorkloadRuns.create(2);
});
afterEach(async () => {
  await runs.dispose();
});

describe('metadata predictor accuracy on a size never run (embedded backend, real runs)', () => {
  it('tr with 20 ms delays: same task keys at every size; exec MdAPE <= 60 %, output error <= 25 %', async () => {
    const row = await measureAccuracy(runs, {
      workload: findWorkload('tr')!,
      history: [{ elements: 8, delayMs: 20 }, { elements: 32, delayMs: 20 }],
      target: { elements: 16, delayMs: 20 },
    });
    expect(row.tasks).toBe(31);
    expect(row.keysSeen).toBe(31);
    expect(row.execMdApe).toBeLessThanOrEqual(0.6);
    expect(row.outputMdApe).toBeLessThanOrEqual(0.25);
    expect(row.outputWape).toBeLessThanOrEqual(0.25);
  });

  it('tsqr at a new block height: unseen keys answered by the same-op level, output error <= 25 %', async () => {
    const row = await measureAccuracy(runs, {
      workload: findWorkload('tsqr')!,
      history: [{ rows: 2048, cols: 32, blockRows: 256 }, { rows: 4096, cols: 32, blockRows: 512 }],
      target: { rows: 3072, cols: 32, blockRows: 384 },
      // Each size run 3 times, each task's time the median of its 3: one run's ~1 ms tasks can all
      // stray together under a loaded machine (a full CI run once saw predicted / recorded 0.20).
      repeats: 3,
    });
    expect(row.keysSeen).toBeLessThan(row.tasks);
    // Every task from history (its id, key, op or static shape), none from hints or defaults.
    expect(Object.keys(row.execSources).sort()).toEqual(expect.arrayContaining(['op']));
    expect(row.execSources.default ?? 0).toBe(0);
    expect(row.outputSources.default ?? 0).toBe(0);
    expect(row.outputWape).toBeLessThanOrEqual(0.25);
    // Loose: one repeat of a ~1 ms task strays from the next by tens of percent on a loaded
    // machine (bench: the noise column), so only the total is bounded, within a factor of 3.
    expect(row.predictedExecMs / row.recordedExecMs).toBeGreaterThan(1 / 3);
    expect(row.predictedExecMs / row.recordedExecMs).toBeLessThan(3);
  });
});
