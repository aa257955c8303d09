import { describe, expect, it } from 'vitest';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import type { RunProgress } from '../../../src/runtime/run-client.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';

/**
 * The progress line's "executors live" on the embedded backend is the pool's count of invoked,
 * unfinished executors. The client alone hears of an executor only when its invoker reports, so a
 * fan-out's children, invoked by an executor still running one of them, were not counted (an
 * audit saw "executors live 2" beside 4 running).
 */
const sleep = (ms: number) => ({ op: 'synthetic.work', args: { ms, mode: 'sleep', outputBytes: 8 } });
const FAN_OUT: DagSpec = {
  name: 'fan-out-4',
  tasks: [
    { id: 'src', ...sleep(1) },
    ...[0, 1, 2, 3].map((i) => ({ id: `child-${i}`, ...sleep(400), deps: ['src'] })),
  ],
};

describe('progress: executors live (embedded)', () => {
  it("counts a fan-out's children while they run, though their invoker has not reported", async () => {
    const dag = runDagFromSpec(FAN_OUT);
    const seen: RunProgress[] = [];
    const outcome = await runEmbedded(
      { spec: { dag: FAN_OUT, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 50 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000, onProgress: (p) => seen.push(p) },
      { threads: 2, stores: { coordinator: { kind: 'memory' }, intermediate: { kind: 'memory' }, ttlSeconds: DEFAULT_TTL_SECONDS }, invokeConcurrency: 8 },
    );
    expect(outcome.ok).toBe(true);
    // One executor became a child and invoked the other three: four run at once for ~400 ms.
    expect(Math.max(...seen.map((p) => p.executorsLive))).toBe(4);
  });
});
