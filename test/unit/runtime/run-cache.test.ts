import { describe, expect, it } from 'vitest';
import { RunCache } from '../../../src/runtime/run-cache.js';
import { runKeys } from '../../../src/runtime/keys.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';

const specText = (runId: string, taskId = 'a') =>
  JSON.stringify({ version: 1, runId, dag: { name: 'one', tasks: [{ id: taskId, op: 'synthetic.work', args: { ms: 0 } }] }, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 });

describe('RunCache', () => {
  it('loads a seeded run without asking the coordinator, and fetches an unseeded one', async () => {
    const coordinator = new MemoryCoordinator();
    const runs = new RunCache(coordinator, runDagFromSpec);
    runs.seed('r1', specText('r1'));
    // Nothing is stored under r1's key: only the seed can answer.
    const seeded = await runs.load('r1');
    expect(seeded.spec.runId).toBe('r1');
    expect(seeded.dag.task('a').op).toBe('synthetic.work');
    await expect(runs.load('r2')).rejects.toThrow(/unknown or expired/);
    await coordinator.setValue(runKeys('r2').spec, specText('r2'));
    expect((await runs.load('r2')).spec.runId).toBe('r2');
  });

  it('keeps a run already loaded over a later seed, and forgets a seed that does not parse', async () => {
    const coordinator = new MemoryCoordinator();
    await coordinator.setValue(runKeys('r1').spec, specText('r1', 'stored'));
    const runs = new RunCache(coordinator, runDagFromSpec);
    await runs.load('r1');
    runs.seed('r1', specText('r1', 'seeded'));
    expect((await runs.load('r1')).dag.task('stored').id).toBe('stored');
    // A broken seed fails its load once; the next load fetches the stored spec.
    await coordinator.setValue(runKeys('r3').spec, specText('r3'));
    runs.seed('r3', '{not json');
    await expect(runs.load('r3')).rejects.toThrow();
    expect((await runs.load('r3')).spec.runId).toBe('r3');
  });
});
