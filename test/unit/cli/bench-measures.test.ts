import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { measureOf } from '../../../src/cli/bench-runner.js';
import { computeRunMetrics } from '../../../src/report/run-metrics.js';
import { simulateSpec, work } from '../sim/sim-dags.js';

/*
 * The thesis's metrics as `wukong bench` reports them, from a simulated run of a fan-out and
 * fan-in (a -> b, c -> d) whose sizes make every figure distinct. WUKONG without optimizations:
 * a's executor runs a, then b; c runs on a second executor, which stores its output for d.
 */
const spec = { tasks: [work('a', 100, 1_000_000), work('b', 200, 20_000, ['a']), work('c', 300, 3_000_000, ['a']), work('d', 50, 5, ['b', 'c'])] };

function measure() {
  const { report, stats } = simulateSpec(spec);
  const model = Dag.fromSpec(spec);
  const metrics = computeRunMetrics(report, model);
  return { report, metrics, m: measureOf('sim', 'diamond', 'wukong-none', [{ report, metrics, lowerBoundMs: stats.lowerBoundMs }], null) };
}

describe('bench measures: the thesis metrics are the run own counts', () => {
  it('CPU time is every task run once; peak memory per worker is the busiest executor; storage is what was put', () => {
    const { report, m } = measure();
    expect(m.cpuMs).toBe(100 + 200 + 300 + 50);
    // Each executor's memory: what it computed and fetched. The largest holds a's output plus c's.
    const perExecutor = report.executors.map((e) => e.peakMemoryBytes);
    expect(m.peakWorkerMemoryBytes).toBe(Math.max(...perExecutor));
    expect(m.peakWorkerMemoryBytes).toBeGreaterThanOrEqual(1_000_000 + 3_000_000);
    expect(m.peakWorkerMemoryBytes).toBeLessThan(1_000_000 + 20_000 + 3_000_000 + 5 + 1_000_000 + 3_000_000);
    // The store never frees during a run: storage used is every byte put (a for c's executor, c or b for d, d).
    const put = report.tasks.reduce((sum, t) => sum + t.bytesWritten, 0);
    expect(m.storageBytes).toBe(put);
    expect(m.storageBytes).toBeGreaterThanOrEqual(1_000_000 + 5);
  });

  it('transfer time off the critical path is the run transfer time less the critical path own', () => {
    const { report, metrics, m } = measure();
    const total = report.tasks.reduce((sum, t) => sum + t.getMs + t.putMs, 0);
    expect(m.offCriticalPathTransferMs).toBeCloseTo(total - (metrics.criticalPathTransferMs ?? 0), 9);
    // c (300 ms) sets the makespan; b's 20 kB put, if any, is off it.
    expect(metrics.criticalPath).toContain('c');
    expect(metrics.criticalPath).not.toContain('b');
  });

  it('medians over repeats; a run without the DAG metrics leaves transfer off the critical path unknown', () => {
    const { report, metrics } = measure();
    const slow = { ...report, makespanMs: report.makespanMs * 3 };
    const m = measureOf('sim', 'diamond', 'x', [
      { report, metrics, lowerBoundMs: 1 },
      { report: slow, metrics, lowerBoundMs: 1 },
      { report: slow, metrics: { transferMs: 0, peakHeldBytes: 0, peakHeldAtMs: 0 }, lowerBoundMs: 1 },
    ], null);
    expect(m.makespanMs).toBe(report.makespanMs * 3);
    expect(m.offCriticalPathTransferMs).toBeNull();
  });
});
