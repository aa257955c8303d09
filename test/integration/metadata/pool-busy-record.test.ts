import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileMetadataStore } from '../../../src/metadata/file-metadata-store.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';

/**
 * The `local` profile's per-task overhead comes from pool records (issue 15, sim fidelity): an
 * embedded run that records metadata writes one, with its task executions, the threads' busy time
 * and the process's CPU time over the run and the part the synchronous ops took; a task's execMs is its own op's run, not the
 * neighbours' ops its thread ran while it was queued; and an op that awaited is recorded as such.
 * On Linux the ops' CPU time and the runtime's threads' CPU time are recorded too.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wukong-pool-record-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SPIN_MS = 30;

/** One source, 8 spinning tasks, one sink: 4 executors on one thread share its CPU. */
function spinFan(): DagSpec {
  const spin = (id: string, deps: string[] = []) => ({ id, op: 'synthetic.work', args: { ms: SPIN_MS, outputBytes: 8, mode: 'spin' }, ...(deps.length ? { deps } : {}) });
  const middle = Array.from({ length: 8 }, (_, i) => spin(`m${i}`, ['s']));
  return { name: 'spin-fan', tasks: [spin('s'), ...middle, spin('z', middle.map((t) => t.id))] };
}

describe('pool records of embedded runs', () => {
  it("records the run's CPU and its synchronous ops' share; execMs holds only each op's own run", async () => {
    const md = join(dir, 'md');
    const spec = spinFan();
    const dag = runDagFromSpec(spec);
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 1, executorsPerThread: 4, stores: MEMORY_STORES, invokeConcurrency: 8, metadata: { kind: 'file', dir: md } },
    );
    expect(outcome.ok).toBe(true);
    const history = await new FileMetadataStore(md).load();
    expect(history.pools).toHaveLength(1);
    const pool = history.pools![0]!;
    expect(pool.runId).toBe(outcome.runId);
    expect(pool.threads).toBe(1);
    expect(pool.tasks).toBe(spec.tasks.length);
    // Every op spins, so every op is synchronous: their run times sum to about 10 x 30 ms.
    const execMs = history.tasks.map((t) => t.execMs);
    expect(pool.syncOpMs).toBeCloseTo(execMs.reduce((a, b) => a + b, 0), 6);
    // Timed around the await, the tasks queued behind a neighbour's spin would read 60-120 ms. A
    // preemption on a loaded machine may stretch one spin's end, so one outlier is allowed.
    for (const ms of execMs) expect(ms).toBeGreaterThanOrEqual(SPIN_MS);
    expect(execMs.filter((ms) => ms >= SPIN_MS * 1.9).length).toBeLessThanOrEqual(1);
    // The spins kept their threads' event loops busy: the busy time holds them.
    expect(pool.busyMs).toBeGreaterThan(pool.syncOpMs * 0.9);
    // The process's CPU over the run holds them too: about their sum on a quiet machine; less on a
    // loaded one, where a spin (timed by the wall clock) waits for the core part of its time.
    expect(pool.cpuMs).toBeGreaterThan(SPIN_MS);
    // No op awaited: no record says so.
    expect(history.tasks.filter((t) => t.awaited)).toEqual([]);
    if (process.platform === 'linux') {
      // Linux tells each thread's CPU time: every op's own (never more than its wall time, give or
      // take the clock's tick), their sum, and the client's and executor threads' share of the
      // process's CPU, which leaves V8's own threads out.
      for (const t of history.tasks) expect(t.cpuMs).toBeLessThanOrEqual(t.execMs + 10);
      const opCpu = history.tasks.reduce((sum, t) => sum + (t.cpuMs as number), 0);
      expect(pool.syncOpCpuMs).toBeCloseTo(opCpu, 6);
      // Ten 30 ms spins (by the wall clock): a fifth of their 300 ms is CPU even on a loaded machine.
      expect(opCpu).toBeGreaterThan(SPIN_MS * 2);
      expect(pool.threadsCpuMs).toBeGreaterThanOrEqual(opCpu - 10);
      expect(pool.threadsCpuMs).toBeLessThanOrEqual(pool.cpuMs! + 10);
    } else {
      expect(history.tasks.filter((t) => t.cpuMs !== undefined)).toEqual([]);
      expect(pool.threadsCpuMs).toBeUndefined();
    }
  });

  it('measures no CPU per op when the run records no metadata (two clock readings a task for nothing)', async () => {
    const spec = spinFan();
    const dag = runDagFromSpec(spec);
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 1, executorsPerThread: 4, stores: MEMORY_STORES, invokeConcurrency: 8 },
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.executors.flatMap((e) => e.tasks).filter((t) => t.cpuMs !== undefined)).toEqual([]);
  });

  it('records an op that returned a promise as awaited (a sleep), and one that returned its outputs as not', async () => {
    const md = join(dir, 'md-awaited');
    const spec: DagSpec = {
      name: 'sleep-then-spin',
      tasks: [
        { id: 'nap', op: 'synthetic.work', args: { ms: 20, outputBytes: 8, mode: 'sleep' } },
        { id: 'spin', op: 'synthetic.work', args: { ms: 5, outputBytes: 8, mode: 'spin' }, deps: ['nap'] },
      ],
    };
    const dag = runDagFromSpec(spec);
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 1, executorsPerThread: 1, stores: MEMORY_STORES, invokeConcurrency: 8, metadata: { kind: 'file', dir: md } },
    );
    expect(outcome.ok).toBe(true);
    const history = await new FileMetadataStore(md).load();
    const byId = new Map(history.tasks.map((t) => [t.taskId, t]));
    expect(byId.get('nap')?.awaited).toBe(true);
    expect(byId.get('spin')?.awaited).toBeUndefined();
    // The sleep is not in the synchronous ops' time; the spin is.
    const pool = history.pools![0]!;
    expect(pool.syncOpMs).toBeCloseTo(byId.get('spin')!.execMs, 6);
    expect(pool.awaitedOpMs).toBeCloseTo(byId.get('nap')!.execMs, 6);
    if (process.platform === 'linux') {
      // The sleep declares its time a wait, so its CPU is its synchronous part: its 8 output
      // bytes, far under the 20 ms it slept (a window around the await would not tell).
      const napCpu = outcome.executors.flatMap((e) => e.tasks).find((t) => t.taskId === 'nap')?.awaitedCpuMs;
      expect(napCpu).toBeGreaterThanOrEqual(0);
      expect(napCpu).toBeLessThan(10);
      expect(pool.awaitedOpCpuMs).toBeCloseTo(napCpu as number, 6);
    } else {
      expect(pool.awaitedOpCpuMs).toBeUndefined();
    }
  });
});
