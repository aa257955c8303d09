import { BadInputError } from '../model/errors.js';
import { recordCount, type MetadataHistory } from '../metadata/metadata-history.js';
import { DEFAULT_MEMORY_LATENCY, DEFAULT_MEMORY_MEGABYTES_PER_SECOND } from '../metadata/prediction-defaults.js';
import type { PoolRecord, TransferDirection, TransferRecord } from '../metadata/records.js';
import { fitNonNegativeLine } from '../metadata/robust-fit.js';
import { percentile } from '../metadata/statistics.js';
import { parseCostProfile, type CostProfile, type Latency, type StoreProfile } from './profile.js';
import { PROJECT_KERNEL_RATES } from './kernels/project-rates.js';

/**
 * The `local` profile: the embedded backend (executor threads of one process, in-memory stores)
 * described as a platform, fitted from the metadata its runs recorded (issue #7 item 1).
 */

/** The embedded pool the history came from (src/runtime/embedded): threads x executors per thread. */
export interface EmbeddedPoolShape {
  readonly threads: number;
  readonly executorsPerThread: number;
}

/** Bandwidth assumed when a fit finds none (every transfer one size, or time flat in size). */
export const LOCAL_FALLBACK_MB_PER_SECOND = DEFAULT_MEMORY_MEGABYTES_PER_SECOND;
/** Highest bandwidth a fit may claim: a near-flat line would otherwise mean "infinitely fast". */
export const LOCAL_MAX_MB_PER_SECOND = 100_000;

/** No records to fit from: the message says how to get some. */
export class NoLocalHistoryError extends BadInputError {
  constructor(where: string) {
    super(`the local profile is fitted from metadata of embedded runs, and ${where} has none: run \`wukong submit <dag>\` (it records there by default) or pass --metadata DIR`);
  }
}

/**
 * Fits the `local` profile:
 * - store get/put: from TransferRecords of kind memory (the embedded store) or redis, per
 *   direction, a robust line ms = latency + bytes / bandwidth (Theil–Sen, ../metadata/robust-fit);
 *   the latency's median and p90 are those of each record's time less its bytes' share. With no
 *   records of a direction, the memory-store defaults of the predictor. S3 gets the same figures
 *   (an embedded run has no S3 to measure), so `--store s3` simulates the same machine.
 * - coordination: the fitted get latency (park marks and inbox messages travel the same
 *   thread-to-main-thread port as a small get); WUKONG-mode fan-in marks none, since a run marks
 *   them in a table of shared memory in the executor's own thread (their CPU is in the per-task
 *   overhead below). With the get latency, sim-fidelity's gemm was predicted +21 to +55 % in 3 of
 *   9 runs (a 128 KiB get's median, 0.8-10 ms under contention, drawn for each of its marks).
 * - start-up: InvokeRecords' startupMs, cold and warm, without the pool's queueing (see
 *   UNQUEUED_STARTUP_PERCENTILE; a missing kind borrows the other's). startupMs runs from the
 *   invoke call to the handler running, so the Invoke call itself is 0 ms here.
 * - concurrency: threads x executors per thread, all available at once (no burst limit).
 * - CPU: the recorded speed, whatever the memory size (mbPerVcpu 1), on `threads` cores shared
 *   by every executor (sharedCpuCores): executors of one thread share its core. Not modelled: a
 *   transfer or fan-in answer that waits for the thread's event loop while a neighbour computes.
 * - per-task overhead: the median over the history's pool records of the CPU time outside the ops'
 *   runs, per task execution, from runs whose ops did not await (taskOverheadMs; none without such
 *   runs). Where the records split the process's CPU (Linux: PoolRecordSchema's threadsCpuMs), the
 *   overhead is the client's and executor threads' CPU outside the ops, and V8's own threads' CPU
 *   is the per-task background (taskBackgroundCpuMs), which takes a core without holding the task.
 * - CPU of awaited ops: an op that returned a promise (table ops in DuckDB, sleeps) is recorded
 *   with its wall time to settling, which already holds the sharing of the machine with what ran
 *   beside it; the history estimator lets such ops run without taking a shared core.
 * - billing: zero (nothing is paid for a local run).
 * - kernels: this project's measured rate table (./kernels/project-rates.ts), as `aws`.
 * `where` names the history's location in the error when there is nothing to fit.
 */
export function fitLocalProfile(history: MetadataHistory, pool: EmbeddedPoolShape, where = 'the metadata history'): CostProfile {
  if (recordCount(history) === 0) throw new NoLocalHistoryError(where);
  if (!Number.isInteger(pool.threads) || pool.threads < 1) throw new BadInputError(`threads must be a positive integer, got ${pool.threads}`);
  if (!Number.isInteger(pool.executorsPerThread) || pool.executorsPerThread < 1) {
    throw new BadInputError(`executors per thread must be a positive integer, got ${pool.executorsPerThread}`);
  }
  const local = history.transfers.filter((r) => r.store === 'memory' || r.store === 'redis');
  const get = fitTransfers(local, 'get');
  const put = fitTransfers(local, 'put');
  const store: StoreProfile = {
    getLatency: get.latency,
    putLatency: put.latency,
    // One bandwidth per store profile: the slower direction, so neither is flattered.
    functionBandwidth: [{ memoryMb: 1, mbPerSecond: Math.min(get.mbPerSecond, put.mbPerSecond) }],
    usdPerPut: 0,
    usdPerGet: 0,
  };
  const coldSamples = history.invokes.filter((r) => r.cold).map((r) => r.startupMs);
  const warmSamples = history.invokes.filter((r) => !r.cold).map((r) => r.startupMs);
  const coldStart = unqueuedStartup(coldSamples.length > 0 ? coldSamples : warmSamples) ?? zeroLatency();
  const warmStart = unqueuedStartup(warmSamples.length > 0 ? warmSamples : coldSamples) ?? zeroLatency();
  const concurrency = pool.threads * pool.executorsPerThread;
  return parseCostProfile({
    name: 'local',
    lambda: {
      usdPerGbSecond: 0,
      usdPerRequest: 0,
      billingGranularityMs: 1,
      billInitPhase: false,
      minMemoryMb: 1,
      maxMemoryMb: 10_240,
      mbPerVcpu: 1,
      maxVcpu: 1,
      coldStart,
      warmStart,
      invokeApi: zeroLatency(),
      accountConcurrency: concurrency,
      burstEnvironments: concurrency,
      burstWindowMs: 1,
      // Threads never expire while the pool lives.
      idleExpiryMs: 24 * 3_600_000,
      sharedCpuCores: pool.threads,
      ...taskOverheadOf(history),
    },
    coordination: { opLatency: get.latency, wukongFanInLatency: zeroLatency() },
    stores: { redis: store, s3: store },
    // Embedded tasks run this project's kernels on this machine: the rates `wukong calibrate` measured.
    kernels: PROJECT_KERNEL_RATES,
  });
}

/**
 * The runtime's time per task execution, from the pool records (PoolRecordSchema) of runs whose
 * ops (nearly) all returned without awaiting: each run's CPU time (its busy time in records that
 * have none) less its ops' run time, over its task executions; the median over runs, so one run
 * that paid for the JIT's first compilations does not set it. None when no run qualifies.
 *
 * CPU time, not busy time: the simulator charges this overhead on the profile's shared cores,
 * and an event loop waiting for a core counts as busy, so with more threads than cores the busy
 * time bills the wait as work a second time (tr small on 2 cores, 3 threads: +29 to +45 %
 * predicted in three runs with it, +1 to +17 % with the CPU time; bench/sim-fidelity.ts).
 *
 * Records that split the CPU by thread (Linux) give the ops' CPU rather than their wall time,
 * which on shared cores holds their waits for a core, and part the rest: the client's and
 * executor threads' CPU outside the ops is the overhead, V8's threads' (compiling the fresh
 * threads' code, collecting garbage) the background. Where some of the history's runs are split
 * so, only those count (the ops' wall time of the others would pass for overhead).
 */
export function taskOverheadOf(history: MetadataHistory): { taskOverheadMs?: number; taskBackgroundCpuMs?: number } {
  const runs = (history.pools ?? []).filter(ranWithoutAwaiting);
  if (runs.length === 0) return awaitingRunsOverheadOf(history.pools ?? []);
  const split = runs.filter((r) => r.threadsCpuMs !== undefined && r.syncOpCpuMs !== undefined && r.cpuMs !== undefined);
  if (split.length > 0) {
    const perTask = (ms: (r: PoolRecord) => number) => percentile(split.map((r) => Math.max(0, ms(r)) / r.tasks), 50);
    return {
      taskOverheadMs: perTask((r) => (r.threadsCpuMs as number) - (r.syncOpCpuMs as number)),
      taskBackgroundCpuMs: perTask((r) => (r.cpuMs as number) - (r.threadsCpuMs as number)),
    };
  }
  return { taskOverheadMs: percentile(runs.map((r) => Math.max(0, (r.cpuMs ?? r.busyMs) - r.syncOpMs) / r.tasks), 50) };
}

/**
 * The per-task overhead from runs whose ops awaited, where no run ran without awaiting (a DAG of
 * sleeps): the executor threads' and client's CPU less the synchronous ops' CPU and the awaiting
 * ops' (PoolRecordSchema's awaitedOpCpuMs), over the task executions; the median over runs. The
 * awaiting ops' figure is at least their own CPU (an op that declares a wait computes before it,
 * and any other counts its thread's CPU while it ran, neighbours' work too), so what is left
 * never holds an op's work: it is the runtime's, less at worst what ran beside an awaiting op
 * that declares no wait (clamped at 0 ms, the price before this fit). Without it a DAG of sleeps
 * was priced with no runtime between its ops (sim-fidelity's synthetic cases: -7 to -14 %).
 * The background is not fitted from these runs: the process's other threads then hold the
 * awaited ops' own work (DuckDB's threads), which their wall time has.
 */
function awaitingRunsOverheadOf(pools: readonly PoolRecord[]): { taskOverheadMs?: number } {
  const measured = pools.filter((r) => r.threadsCpuMs !== undefined && r.syncOpCpuMs !== undefined && r.awaitedOpCpuMs !== undefined);
  if (measured.length === 0) return {};
  const perTask = measured.map((r) => Math.max(0, (r.threadsCpuMs as number) - (r.syncOpCpuMs as number) - (r.awaitedOpCpuMs as number)) / r.tasks);
  return { taskOverheadMs: percentile(perTask, 50) };
}

/**
 * Runs whose ops awaited for at most this share of the busy time are used for the overhead: how
 * busy an awaiting op kept the threads is not known (a sleep: not at all; a DuckDB query: its
 * result's conversion, in the event loop), so a run with much of it says nothing clean.
 */
export const MAX_AWAITED_SHARE_FOR_OVERHEAD = 0.1;

function ranWithoutAwaiting(record: PoolRecord): boolean {
  return record.awaitedOpMs <= MAX_AWAITED_SHARE_FOR_OVERHEAD * record.busyMs;
}

interface TransferFit {
  readonly latency: Latency;
  readonly mbPerSecond: number;
}

function fitTransfers(records: readonly TransferRecord[], direction: TransferDirection): TransferFit {
  const points = records.filter((r) => r.direction === direction).map((r) => ({ x: r.bytes, y: r.ms }));
  if (points.length === 0) return { latency: { ...DEFAULT_MEMORY_LATENCY }, mbPerSecond: LOCAL_FALLBACK_MB_PER_SECOND };
  let mbPerSecond = LOCAL_FALLBACK_MB_PER_SECOND;
  if (spansSizes(points)) {
    const line = fitNonNegativeLine(points, { kind: 'proportional' });
    // slope is ms per byte; 1 / slope bytes per ms = 1 / (slope x 1,000) MB/s.
    if (line.slope > 0) mbPerSecond = Math.min(LOCAL_MAX_MB_PER_SECOND, 1 / (line.slope * 1000));
  }
  const bytesPerMs = mbPerSecond * 1000;
  const latencies = points.map((p) => Math.max(0, p.y - p.x / bytesPerMs));
  return { latency: latencyOf(latencies) ?? zeroLatency(), mbPerSecond };
}

/**
 * Sizes must span a range for a slope to mean bandwidth: transfers of one size (a tree of 1x1
 * blocks) only say how long a request takes, and a line through them would read the request's
 * jitter as a bandwidth of under 1 MB/s.
 */
export const MIN_SIZE_SPAN_BYTES = 64 * 1024;

function spansSizes(points: readonly { x: number }[]): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    if (p.x < min) min = p.x;
    if (p.x > max) max = p.x;
  }
  return max - min >= MIN_SIZE_SPAN_BYTES;
}

/**
 * The tail a fitted latency may have, as p90 / median. Local request times have a long tail from
 * executors sharing a thread's event loop (a get waits while a neighbour computes: measured p90
 * 10 ms against a 0.06 ms median on tr small); drawn as a lognormal, such a ratio gives a mean
 * thousands of times the median, far off the mean the runs saw. The simulator does not model the
 * sharing, so the tail is capped.
 */
export const MAX_LATENCY_P90_OVER_MEDIAN = 4;

function latencyOf(samples: readonly number[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const medianMs = percentile(samples, 50);
  const p90Ms = Math.min(percentile(samples, 90), medianMs * MAX_LATENCY_P90_OVER_MEDIAN);
  return { medianMs, p90Ms: Math.max(medianMs, p90Ms) };
}

/**
 * Percentiles of recorded start-ups taken as the start-up's median and p90. An InvokeRecord's
 * startupMs runs from the invoke call to the handler running, so it includes the wait in the
 * pool's queue while every executor slot is busy, and in a wide fan-out most invocations wait
 * (measured on tr small: p10 108 ms, median 166 ms, fastest 8 ms). The simulator models that
 * wait itself (accountConcurrency), so the fit keeps only the fastest start-ups, those that found
 * a free slot: the 5th percentile, as a fixed start-up.
 */
export const UNQUEUED_STARTUP_PERCENTILE = 5;

/** A fixed start-up (median = p90): which of the fast ones a start gets is not worth a tail. */
function unqueuedStartup(samples: readonly number[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const ms = percentile(samples, UNQUEUED_STARTUP_PERCENTILE);
  return { medianMs: ms, p90Ms: ms };
}

function zeroLatency(): Latency {
  return { medianMs: 0, p90Ms: 0 };
}
