import type { Dag } from '../dag/dag.js';
import { latencyPriorStatistic, type LatencyPrior } from '../metadata/latency-prior.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import { formatSla, type Sla } from '../metadata/sla.js';
import { AWS_PROFILE, functionBytesPerMs, type CostProfile, type StoreKind } from '../cost/profile.js';
import { buildPlanGraph, type PlanGraph } from './plan-graph.js';
import { workerSpecOfTier } from './tiers.js';
import { DEFAULT_INVOKE_CONCURRENCY } from '../model/limits.js';
import type { PlatformTaskPricing } from './platform-pricing.js';
import { OutputSizes } from '../dag/output-sizes.js';

/**
 * Everything the planners and the estimator need to know of a DAG's tasks on each tier, asked of
 * MetadataAccess once per task (the predictor is fast, but 100,000 tasks x several questions per
 * candidate would not be). Times in ms, sizes in bytes.
 */
export interface TaskCosts {
  readonly graph: PlanGraph;
  /** Memory tiers (MB), ascending, as given to the planner. */
  readonly tiers: readonly number[];
  /** execMs[tierIndex][task]: compute time of the task on that tier. */
  readonly execMs: readonly Float64Array[];
  /** Predicted output bytes of each task (all its outputs together). */
  readonly outputBytes: Float64Array;
  /** Time to put a task's output into the intermediate store. */
  readonly uploadMs: Float64Array;
  /** Time for another worker to get a task's output (all of its outputs) from the store. */
  readonly downloadMs: Float64Array;
  /**
   * Per parent edge (aligned with graph.parentValues): time for the consumer to get the outputs
   * of that parent it references. A consumer of `qr#1` (TSQR's R) fetches 128 KB, not the
   * parent's 134 MB Q as well: the executors fetch only referenced outputs, as the simulator does.
   */
  readonly edgeDownloadMs: Float64Array;
  /** Per parent edge: the bytes that fetch moves. */
  readonly edgeBytes: Float64Array;
  /**
   * Per tier (aligned with `tiers`): the same transfers from a worker of that tier, whose link's
   * bandwidth grows with its memory (the profile's functionBandwidth: 72 MB/s at 1,024 MB, 90 at
   * 1,769 on `aws`). uploadMs, downloadMs and edgeDownloadMs above are the top tier's. Absent: a
   * transfer takes as long on every tier (no platform, or a hand-built TaskCosts). Read it through
   * transfersOn.
   */
  readonly transfersByTier?: readonly TierTransfers[];
  /** Per tier: invoke to handler running on a new environment. */
  readonly coldStartMs: readonly number[];
  /** Per tier: invoke to handler running on a reused environment. */
  readonly warmStartMs: readonly number[];
  /**
   * The asynchronous Invoke API call as the caller waits for it. History records start-ups, not
   * API calls, so this comes from the simulator's `aws` profile (WUKONG: ~50 ms).
   */
  readonly invokeApiMs: number;
  /**
   * The mean Invoke call, for queued calls: the client keeps `clientInvokeConcurrency` calls in
   * flight, and a call that waits for a slot starts after the earlier calls' sum, whose typical
   * value is their mean, not their median (the profile's latencies are log-normal).
   */
  readonly invokeApiMeanMs: number;
  /**
   * One round trip to the coordination store (fan-in marks and reads, notifications); 0 when
   * unknown. Under the median SLA, the latency's mean (serialSla in ./task-costs.ts).
   */
  readonly coordinationMs: number;
  /**
   * The store's request latency of a get and of a put, the part of each downloadMs and uploadMs
   * before the bytes move, when planning for a known platform. A worker's transfers in flight at
   * once wait out their latencies together and only their bytes queue on its link (the runtime
   * issues a task's gets at once, and the simulator's StoreModel times them so): 16 gets of 1 ms
   * latency take 1 ms plus the bytes, not 16 ms. Absent (history, hand-built costs): each transfer
   * queues whole.
   */
  readonly getLatencyMs?: number;
  readonly putLatencyMs?: number;
  /** Invoke calls the client keeps in flight at once (the driver's pool, DEFAULT_INVOKE_CONCURRENCY). */
  readonly clientInvokeConcurrency: number;
  /**
   * What the intermediate store's server moves per ms for all workers together (one Redis node),
   * when the platform's profile says; undefined: it scales out.
   */
  readonly storeServerBytesPerMs?: number;
  /** The platform's cold-start spread (median and p90), when planning for a known platform. */
  readonly coldStartPrior?: LatencyPrior;
  /** The platform's Invoke call spread, when planning for a known platform (a hedged start races two calls). */
  readonly invokeApiPrior?: LatencyPrior;
  /**
   * When re-planning (PlanningContext.replanning): 1 for a task that already ran, whose output is
   * in the store. It takes no worker time and every consumer fetches it, whichever worker it is on.
   */
  readonly stored?: Uint8Array;
  /**
   * When re-planning: per tier (index into `tiers`), workers of the run that wait to be handed a
   * worker of the new plan (PlanningContext.replanning.heldWorkers). A new worker whose first
   * task reads only stored outputs starts on one of them one coordination round trip after the
   * re-plan, with no Invoke call and no start-up, while any are left.
   */
  readonly heldWorkers?: readonly number[];
  /** When re-planning: per tier, idle environments; a new worker not handed over starts warm on one while any is left. */
  readonly warmEnvironments?: readonly number[];
}

/** A tier's transfer times (see TaskCosts.transfersByTier); TaskCosts itself is the top tier's. */
export interface TierTransfers {
  /** Time for a worker of the tier to put a task's output into the store. */
  readonly uploadMs: Float64Array;
  /** Time for a worker of the tier to get a task's whole output. */
  readonly downloadMs: Float64Array;
  /** Per parent edge: time for a consumer on a worker of the tier to get what it references. */
  readonly edgeDownloadMs: Float64Array;
}

/** Transfer times from a worker of tier index `tier`. */
export function transfersOn(costs: TaskCosts, tier: number): TierTransfers {
  return costs.transfersByTier?.[tier] ?? costs;
}

/**
 * The last answers per DAG: planDag asks again after the planner did (to estimate whatever plan
 * came back), and at 100,000 tasks asking twice would double the planning time. Keyed on the
 * same MetadataAccess object, SLA and tiers; a MetadataAccess is taken to answer the same
 * question the same way during one planning (MetadataPredictor does: its history is fixed).
 */
const lastCosts = new WeakMap<
  Dag,
  { readonly metadata: MetadataAccess; readonly key: string; readonly platform: TargetPlatform | undefined; readonly done: ReadonlySet<string> | undefined; readonly fleet: RunFleet | undefined; readonly costs: TaskCosts }
>();

/**
 * The platform a plan will run on, when the caller knows it (the simulator's cost profile, or the
 * profile of the cloud it deploys to). History is recorded wherever runs happened, often the
 * embedded backend with in-memory stores, where a 200 MB transfer and a cold start cost almost
 * nothing; planning a Lambda run from those times ignores every transfer. With a platform, the
 * transfers, start-ups and Invoke calls come from its profile (latency median plus bytes over the
 * function's bandwidth at the worker's tier); compute times and sizes come from its `tasks` pricing
 * when given (planFor wraps the MetadataAccess with it), else from history.
 */
export interface TargetPlatform {
  readonly profile: CostProfile;
  /** Where intermediates go (the simulator's default: redis). */
  readonly store: StoreKind;
  /**
   * How the platform prices each task's run time and output, when known (the simulator's task
   * costs): the planner then prices tasks from it instead of its history (./platform-pricing.ts).
   */
  readonly tasks?: PlatformTaskPricing;
}

/** What a re-planner knows of the run's workers (PlanningContext.replanning), per tier (MB). */
export interface RunFleet {
  readonly heldWorkers?: ReadonlyMap<number, number>;
  readonly warmEnvironments?: ReadonlyMap<number, number>;
}

/**
 * `done`: tasks that already ran (re-planning; see TaskCosts.stored); `fleet`: workers waiting for
 * a hand-over and idle environments (TaskCosts.heldWorkers, warmEnvironments).
 */
export function predictTaskCosts(dag: Dag, metadata: MetadataAccess, sla: Sla, tiers: readonly number[], platform?: TargetPlatform, done?: ReadonlySet<string>, fleet?: RunFleet): TaskCosts {
  const key = `${formatSla(sla)}|${tiers.join(',')}`;
  const cached = lastCosts.get(dag);
  if (cached && cached.metadata === metadata && cached.key === key && cached.platform === platform && cached.done === done && cached.fleet === fleet) return cached.costs;
  const asked = askMetadata(dag, metadata, sla, tiers, platform);
  const withStored = done && done.size > 0 ? { ...asked, stored: Uint8Array.from(asked.graph.ids, (id) => (done.has(id) ? 1 : 0)) } : asked;
  const perTier = (counts: ReadonlyMap<number, number> | undefined) => (counts && counts.size > 0 ? tiers.map((tier) => counts.get(tier) ?? 0) : undefined);
  const heldWorkers = perTier(fleet?.heldWorkers);
  const warmEnvironments = perTier(fleet?.warmEnvironments);
  const costs = { ...withStored, ...(heldWorkers ? { heldWorkers } : {}), ...(warmEnvironments ? { warmEnvironments } : {}) };
  lastCosts.set(dag, { metadata, key, platform, done, fleet, costs });
  return costs;
}

function askMetadata(dag: Dag, metadata: MetadataAccess, sla: Sla, tiers: readonly number[], platform: TargetPlatform | undefined): TaskCosts {
  const graph = buildPlanGraph(dag);
  const n = graph.taskCount;
  const configs = tiers.map(workerSpecOfTier);
  const execMs = tiers.map(() => new Float64Array(n));
  const outputBytes = new Float64Array(n);
  // Transfer time depends on the byte count (and the worker's tier) only, and DAGs repeat sizes
  // (blocks, fixed outputs): one question per distinct size instead of two per task.
  const transferAt = (memoryMb: number): ((bytes: number) => readonly [number, number]) => {
    const bySize = new Map<number, readonly [number, number]>();
    return (bytes) => {
      let transfer = bySize.get(bytes);
      if (transfer === undefined) {
        transfer = platform
          ? platformTransferMs(platform, bytes, memoryMb, sla)
          : [finiteOrZero(metadata.predictUploadTime(bytes, sla)), finiteOrZero(metadata.predictRemoteDownloadTime(bytes, sla))];
        bySize.set(bytes, transfer);
      }
      return transfer;
    };
  };
  // The platform's per-task runtime work (the local profile's), which the simulator charges too.
  const overheadMs = platform?.profile.lambda.taskOverheadMs ?? 0;
  // Topological order: a task's input size is the sum of its parents' predicted outputs.
  for (const task of graph.topo) {
    const id = graph.ids[task] as string;
    let inputBytes: number | undefined;
    if (graph.parentOffsets[task] !== graph.parentOffsets[task + 1]) {
      inputBytes = 0;
      for (let k = graph.parentOffsets[task] as number; k < (graph.parentOffsets[task + 1] as number); k += 1) inputBytes += outputBytes[graph.parentValues[k] as number] as number;
    }
    const estimates = metadata.predictExecutionTime(id, inputBytes, configs, sla);
    estimates.forEach((estimate, tier) => ((execMs[tier] as Float64Array)[task] = finiteOrZero(estimate.ms) + overheadMs));
    outputBytes[task] = finiteOrZero(metadata.predictOutputSize(id, inputBytes, sla));
  }
  const edgeBytes = edgeByteCounts(graph, outputBytes, platform?.tasks);
  // History answers transfers without a tier: then one set serves every tier.
  const transferTiers = platform ? tiers : [tiers[tiers.length - 1] as number];
  const byTier = transferTiers.map((memoryMb) => tierTransfers(graph, outputBytes, edgeBytes, transferAt(memoryMb)));
  const top = byTier[byTier.length - 1] as TierTransfers;
  return {
    graph,
    tiers: [...tiers],
    execMs,
    outputBytes,
    uploadMs: top.uploadMs,
    downloadMs: top.downloadMs,
    edgeDownloadMs: top.edgeDownloadMs,
    edgeBytes,
    ...(byTier.length > 1 ? { transfersByTier: byTier } : {}),
    coldStartMs: tiers.map((tier) => (platform ? latencyPriorStatistic(platform.profile.lambda.coldStart, sla) : finiteOrZero(metadata.predictColdStartMs(tier, sla)))),
    warmStartMs: tiers.map((tier) => (platform ? latencyPriorStatistic(platform.profile.lambda.warmStart, sla) : finiteOrZero(metadata.predictWarmStartMs(tier, sla)))),
    invokeApiMs: latencyPriorStatistic((platform?.profile ?? AWS_PROFILE).lambda.invokeApi, sla),
    invokeApiMeanMs: latencyPriorStatistic((platform?.profile ?? AWS_PROFILE).lambda.invokeApi, 'avg'),
    clientInvokeConcurrency: DEFAULT_INVOKE_CONCURRENCY,
    coordinationMs: platform ? latencyPriorStatistic(platform.profile.coordination.opLatency, serialSla(sla)) : 0,
    ...serverRate(platform),
    ...storeLatencies(platform, sla),
    ...(platform ? { coldStartPrior: platform.profile.lambda.coldStart, invokeApiPrior: platform.profile.lambda.invokeApi } : {}),
  };
}

/** One tier's upload and download of each task's output and each edge's fetch. */
function tierTransfers(graph: PlanGraph, outputBytes: Float64Array, edgeBytes: Float64Array, transferOf: (bytes: number) => readonly [number, number]): TierTransfers {
  const n = graph.taskCount;
  const uploadMs = new Float64Array(n);
  const downloadMs = new Float64Array(n);
  for (let task = 0; task < n; task += 1) {
    const transfer = transferOf(outputBytes[task] as number);
    uploadMs[task] = transfer[0];
    downloadMs[task] = transfer[1];
  }
  const { parentValues } = graph;
  const edgeDownloadMs = new Float64Array(parentValues.length);
  for (let k = 0; k < parentValues.length; k += 1) {
    const parent = parentValues[k] as number;
    // An edge that reads every output costs the task's whole download, computed once.
    edgeDownloadMs[k] = (edgeBytes[k] as number) >= (outputBytes[parent] as number) ? (downloadMs[parent] as number) : transferOf(edgeBytes[k] as number)[1];
  }
  return { uploadMs, downloadMs, edgeDownloadMs };
}

/**
 * Per parent edge: bytes of the referenced outputs (OutputSizes: the op's declared shares, else
 * an even split over the outputs consumers reference).
 */
function edgeByteCounts(graph: PlanGraph, outputBytes: Float64Array, pricing: PlatformTaskPricing | undefined): Float64Array {
  const { dag, ids, parentOffsets, parentValues } = graph;
  const sizes = new OutputSizes(dag, pricing?.outputShares ? (id) => pricing.outputShares?.(id) : undefined);
  const bytes = new Float64Array(parentValues.length);
  const used = new Map<string, number[]>();
  for (let task = 0; task < graph.taskCount; task += 1) {
    used.clear();
    for (const ref of dag.inputRefs(ids[task] as string)) {
      const list = used.get(ref.taskId) ?? [];
      if (!list.includes(ref.output)) list.push(ref.output);
      used.set(ref.taskId, list);
    }
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      bytes[k] = sizes.bytesOf(ids[parent] as string, outputBytes[parent] as number, used.get(ids[parent] as string));
    }
  }
  return bytes;
}

/** Edge fetches that read each parent's every output (custom TaskCosts, tests). */
export function wholeOutputEdges(graph: PlanGraph, outputBytes: Float64Array, downloadMs: Float64Array): { edgeDownloadMs: Float64Array; edgeBytes: Float64Array } {
  const parents = graph.parentValues;
  return { edgeDownloadMs: Float64Array.from(parents, (p) => downloadMs[p] as number), edgeBytes: Float64Array.from(parents, (p) => outputBytes[p] as number) };
}

function serverRate(platform: TargetPlatform | undefined): { storeServerBytesPerMs?: number } {
  const mbPerSecond = platform?.profile.stores[platform.store].serverMbPerSecond;
  // 1 MB/s = 1,000 bytes/ms.
  return mbPerSecond === undefined ? {} : { storeServerBytesPerMs: mbPerSecond * 1000 };
}

/**
 * The statistic of a store or coordination request's latency for a forecast at `sla`. These are
 * sub-millisecond steps a run takes hundreds of in a row (a task's mark, its consumer's read of the
 * marks, its get: TR under the random planner chains 250 tasks per worker), and a sum of many
 * log-normal latencies is typically their count times their mean, not their median (aws: 0.52 ms
 * against 0.40), as with the client's queued Invoke calls (TaskCosts.invokeApiMeanMs). A
 * percentile SLA keeps its percentile.
 */
function serialSla(sla: Sla): Sla {
  return sla === 'median' ? 'avg' : sla;
}

function storeLatencies(platform: TargetPlatform | undefined, sla: Sla): { getLatencyMs?: number; putLatencyMs?: number } {
  if (!platform) return {};
  const store = platform.profile.stores[platform.store];
  return { getLatencyMs: latencyPriorStatistic(store.getLatency, serialSla(sla)), putLatencyMs: latencyPriorStatistic(store.putLatency, serialSla(sla)) };
}

/** [upload, download] ms of `bytes` on the platform's store from a function of `memoryMb`. */
function platformTransferMs(platform: TargetPlatform, bytes: number, memoryMb: number, sla: Sla): readonly [number, number] {
  const store = platform.profile.stores[platform.store];
  const wireMs = bytes / functionBytesPerMs(store, memoryMb);
  return [latencyPriorStatistic(store.putLatency, serialSla(sla)) + wireMs, latencyPriorStatistic(store.getLatency, serialSla(sla)) + wireMs];
}

/**
 * The tier a speed-first planner starts from: the smallest tier whose total compute time is
 * within 0.1 % of the fastest (Lambda CPU stops growing for single-threaded work at 1,769 MB, so
 * more memory would cost without helping; multi-threaded kernels, aws-blas matmul, qr and svd,
 * keep getting faster, so a DAG of them starts from the largest tier).
 */
export function bestTierIndex(costs: TaskCosts): number {
  const totals = costs.execMs.map((times) => times.reduce((sum, ms) => sum + ms, 0));
  const fastest = Math.min(...totals);
  const index = totals.findIndex((total) => total <= fastest * 1.001 + 1e-9);
  return index === -1 ? 0 : index;
}

/** A planner must not be thrown off by a NaN or infinite prediction from a custom MetadataAccess. */
function finiteOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
