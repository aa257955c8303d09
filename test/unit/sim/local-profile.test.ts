import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { emptyHistory, historyFromRecords } from '../../../src/metadata/metadata-history.js';
import type { InvokeRecord, MetadataRecord, PoolRecord, TransferRecord } from '../../../src/metadata/records.js';
import { fitLocalProfile, LOCAL_FALLBACK_MB_PER_SECOND, NoLocalHistoryError, taskOverheadOf } from '../../../src/cost/local-profile.js';
import { cpuSlowdown, functionBytesPerMs } from '../../../src/cost/profile.js';
import { awaitedOps } from '../../../src/sim/history-task-estimator.js';

const POOL = { threads: 2, executorsPerThread: 4 };

function transfer(direction: 'get' | 'put', bytes: number, ms: number, store: TransferRecord['store'] = 'memory'): TransferRecord {
  return { type: 'transfer', runId: 'r1', store, direction, bytes, ms, at: 1 };
}

function invoke(cold: boolean, startupMs: number): InvokeRecord {
  return { type: 'invoke', runId: 'r1', tier: 1769, cold, startupMs, at: 1 };
}

/** Gets at 1,000 MB/s (10^6 bytes/ms) after 0.5 ms; puts at 500 MB/s after 1 ms. */
function transferRecords(): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const bytes of [0, 1e5, 1e6, 2e6, 4e6]) {
    records.push(transfer('get', bytes, 0.5 + bytes / 1e6));
    records.push(transfer('put', bytes, 1 + bytes / 5e5));
  }
  return records;
}

describe('fitLocalProfile', () => {
  it('fits store latency and bandwidth from memory transfers, per direction', () => {
    // Prepare
    const history = historyFromRecords([...transferRecords(), invoke(true, 5)]);
    // Act
    const profile = fitLocalProfile(history, POOL);
    // Assess
    expect(profile.name).toBe('local');
    expect(profile.stores.redis.getLatency.medianMs).toBeCloseTo(0.5, 6);
    expect(profile.stores.redis.putLatency.medianMs).toBeCloseTo(1, 6);
    // One bandwidth per store: the slower direction (puts, 500 MB/s = 500,000 bytes/ms).
    expect(functionBytesPerMs(profile.stores.redis, 1769)).toBeCloseTo(500_000, 0);
    expect(profile.stores.s3).toEqual(profile.stores.redis);
    expect(profile.coordination.opLatency.medianMs).toBeCloseTo(0.5, 6);
    // WUKONG-mode runs mark fan-ins in shared memory, in the executor's own thread.
    expect(profile.coordination.wukongFanInLatency).toEqual({ medianMs: 0, p90Ms: 0 });
  });

  it('ignores S3 transfers (an embedded run has none; they describe another platform)', () => {
    const onlyS3 = historyFromRecords([transfer('get', 1e6, 500, 's3'), transfer('put', 1e6, 500, 's3'), invoke(true, 5)]);
    const profile = fitLocalProfile(onlyS3, POOL);
    // No memory transfers: the memory-store defaults, not S3's 500 ms.
    expect(profile.stores.redis.getLatency.medianMs).toBeLessThan(1);
    expect(functionBytesPerMs(profile.stores.redis, 1769)).toBe(LOCAL_FALLBACK_MB_PER_SECOND * 1000);
  });

  it('takes start-ups that found a free slot, not the queueing of a saturated pool', () => {
    // Prepare: 10 warm starts of ~2 ms, 90 that waited 100-190 ms in the pool's queue.
    const warm = [...Array.from({ length: 10 }, (_, i) => invoke(false, 2 + i * 0.01)), ...Array.from({ length: 90 }, (_, i) => invoke(false, 100 + i))];
    const history = historyFromRecords([invoke(true, 4), invoke(true, 6), ...warm]);
    // Act
    const profile = fitLocalProfile(history, POOL);
    // Assess
    expect(profile.lambda.warmStart.medianMs).toBeLessThan(3);
    expect(profile.lambda.warmStart.p90Ms).toBeGreaterThanOrEqual(profile.lambda.warmStart.medianMs);
    expect(profile.lambda.coldStart.medianMs).toBeGreaterThanOrEqual(4);
    expect(profile.lambda.coldStart.medianMs).toBeLessThanOrEqual(6);
    expect(profile.lambda.invokeApi).toEqual({ medianMs: 0, p90Ms: 0 });
  });

  it('a missing start kind borrows the other one', () => {
    const profile = fitLocalProfile(historyFromRecords([invoke(true, 7)]), POOL);
    expect(profile.lambda.warmStart.medianMs).toBe(7);
  });

  it('has the pool concurrency, one core per executor at every memory size, and zero billing', () => {
    const profile = fitLocalProfile(historyFromRecords([invoke(true, 5)]), { threads: 3, executorsPerThread: 4 });
    expect(profile.lambda.accountConcurrency).toBe(12);
    expect(profile.lambda.burstEnvironments).toBe(12);
    for (const memoryMb of [1, 128, 1769, 3008, 10_240]) expect(cpuSlowdown(profile, memoryMb)).toBe(1);
    expect(profile.lambda.usdPerGbSecond).toBe(0);
    expect(profile.lambda.usdPerRequest).toBe(0);
    expect(profile.stores.redis.usdPerGet + profile.stores.redis.usdPerPut).toBe(0);
  });

  it('refuses an empty history with an error that names where it looked', () => {
    const fit = () => fitLocalProfile(emptyHistory(), POOL, '/tmp/nowhere');
    expect(fit).toThrow(NoLocalHistoryError);
    expect(fit).toThrow(BadInputError);
    expect(fit).toThrow(/\/tmp\/nowhere has none/);
  });

  it('refuses a pool of no threads', () => {
    expect(() => fitLocalProfile(historyFromRecords([invoke(true, 5)]), { threads: 0, executorsPerThread: 4 })).toThrow(/threads must be a positive integer, got 0/);
  });

  it("takes the runtime's CPU per task from pool records: a run's CPU less its synchronous ops, the median over runs", () => {
    const pool = (busyMs: number, syncOpMs: number, tasks: number, awaitedOpMs = 0): PoolRecord => ({ type: 'pool', runId: `r${busyMs}`, threads: 2, tasks, busyMs, syncOpMs, awaitedOpMs, at: 1 });
    // 0.5, 1 and 4 ms per task (the last a run that paid the JIT's first compilations): median 1.
    const history = historyFromRecords([invoke(true, 5), pool(60, 10, 100), pool(130, 30, 100), pool(410, 10, 100)]);
    expect(taskOverheadOf(history)).toEqual({ taskOverheadMs: 1 });
    expect(fitLocalProfile(history, POOL).lambda.taskOverheadMs).toBe(1);
    // Ops that took more than the CPU measured (async ops' waits are not in syncOpMs, but rounding can be): never negative.
    expect(taskOverheadOf(historyFromRecords([pool(10, 20, 10)]))).toEqual({ taskOverheadMs: 0 });
    // Runs whose ops awaited much (sleeps, DuckDB queries) say nothing clean about the overhead: left out.
    expect(taskOverheadOf(historyFromRecords([pool(60, 10, 100), pool(5000, 10, 100, 4000)]))).toEqual({ taskOverheadMs: 0.5 });
    expect(taskOverheadOf(historyFromRecords([pool(5000, 10, 100, 4000)]))).toEqual({});
    // No pool records (a history from before them): no overhead field, the simulator charges none.
    expect(fitLocalProfile(historyFromRecords([invoke(true, 5)]), POOL).lambda.taskOverheadMs).toBeUndefined();
  });

  it("fits the overhead of runs whose ops all awaited from the threads' CPU less the ops' own, when no run ran without awaiting", () => {
    const awaiting = (runId: string, threadsCpuMs: number, awaitedOpCpuMs?: number, awaitedOpMs = 1000): PoolRecord => ({
      type: 'pool', runId, threads: 2, tasks: 20, busyMs: 300, cpuMs: threadsCpuMs + 5, threadsCpuMs, syncOpCpuMs: 0, syncOpMs: 0, awaitedOpMs,
      ...(awaitedOpCpuMs === undefined ? {} : { awaitedOpCpuMs }), at: 1,
    });
    // (80 - 20) / 20 tasks = 3 ms; the median of three runs; no background (other threads hold awaited ops' work).
    expect(taskOverheadOf(historyFromRecords([awaiting('a', 80, 20), awaiting('b', 60, 20), awaiting('c', 200, 20)]))).toEqual({ taskOverheadMs: 3 });
    // The ops' CPU above the threads' (windows of ops that overlapped): clamped at 0.
    expect(taskOverheadOf(historyFromRecords([awaiting('a', 80, 120)]))).toEqual({ taskOverheadMs: 0 });
    // Records without the awaiting ops' CPU (older ones, or no CPU clock): nothing fitted, as before.
    expect(taskOverheadOf(historyFromRecords([awaiting('a', 80)]))).toEqual({});
    // A run that did not await is the better source: it alone sets the overhead.
    const clean: PoolRecord = { type: 'pool', runId: 'clean', threads: 2, tasks: 100, busyMs: 900, cpuMs: 500, threadsCpuMs: 300, syncOpCpuMs: 200, syncOpMs: 400, awaitedOpMs: 0, at: 1 };
    expect(taskOverheadOf(historyFromRecords([awaiting('a', 80, 20), clean]))).toEqual({ taskOverheadMs: 1, taskBackgroundCpuMs: 2 });
  });

  it("prefers a pool record's CPU time to its busy time: threads waiting for a core are busy, not working", () => {
    const pool = (busyMs: number, cpuMs: number | undefined, runId: string): PoolRecord => ({ type: 'pool', runId, threads: 2, tasks: 100, busyMs, ...(cpuMs === undefined ? {} : { cpuMs }), syncOpMs: 10, awaitedOpMs: 0, at: 1 });
    // 3 threads on 2 cores: 310 ms busy, 210 ms of CPU -> 2 ms per task, not 3.
    expect(taskOverheadOf(historyFromRecords([pool(310, 210, 'a')]))).toEqual({ taskOverheadMs: 2 });
    // Records from before the CPU time was kept still count, by their busy time.
    expect(taskOverheadOf(historyFromRecords([pool(310, undefined, 'a'), pool(210, 110, 'b'), pool(410, 310, 'c')]))).toEqual({ taskOverheadMs: 3 });
  });

  it("splits a run's CPU where the records tell threads apart (Linux): ops' CPU, the runtime's threads', V8's", () => {
    const split = (runId: string, cpuMs: number, threadsCpuMs: number, syncOpCpuMs: number): PoolRecord => ({ type: 'pool', runId, threads: 2, tasks: 100, busyMs: 900, cpuMs, threadsCpuMs, syncOpCpuMs, syncOpMs: 400, awaitedOpMs: 0, at: 1 });
    // 500 ms of process CPU: 200 in ops, 100 more on the runtime's threads, 200 on V8's: 1 ms of
    // overhead and 2 ms of background a task. The ops' wall time (400 ms) plays no part.
    expect(taskOverheadOf(historyFromRecords([split('a', 500, 300, 200)]))).toEqual({ taskOverheadMs: 1, taskBackgroundCpuMs: 2 });
    const profile = fitLocalProfile(historyFromRecords([split('a', 500, 300, 200)]), POOL);
    expect(profile.lambda.taskOverheadMs).toBe(1);
    expect(profile.lambda.taskBackgroundCpuMs).toBe(2);
    // Medians over the split runs; a run without the split (its ops' wall time would pass for
    // overhead) is left out while split ones exist.
    const legacy: PoolRecord = { type: 'pool', runId: 'old', threads: 2, tasks: 100, busyMs: 900, cpuMs: 900, syncOpMs: 100, awaitedOpMs: 0, at: 1 };
    expect(taskOverheadOf(historyFromRecords([legacy, split('a', 500, 300, 200), split('b', 700, 500, 200), split('c', 600, 300, 100)]))).toEqual({ taskOverheadMs: 2, taskBackgroundCpuMs: 2 });
    // Never negative (the readings lag by a scheduler tick).
    expect(taskOverheadOf(historyFromRecords([split('a', 290, 300, 310)]))).toEqual({ taskOverheadMs: 0, taskBackgroundCpuMs: 0 });
  });

  it('ops most of whose records awaited take no shared core in the history estimator', () => {
    const task = (op: string, awaited: boolean) => ({ op, ...(awaited ? { awaited: true as const } : {}) });
    const ops = awaitedOps([task('table.join', true), task('table.join', true), task('table.join', false), task('matrix.add', false), task('matrix.add', true), task('x.y', false)]);
    expect([...ops]).toEqual(['table.join']);
  });
});
