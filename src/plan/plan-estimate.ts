import { estimateCost } from '../model/cost-model.js';
import type { CompactPlan } from './compact-plan.js';
import { transfersOn, type TaskCosts } from './task-costs.js';
import { DEFAULT_PARK_AFTER_MS } from '../model/run-spec.js';
import { COLD, HANDED_OVER, WARM, workerStarts } from './hand-over.js';
import { HedgedEnvironments } from './hedged-starts.js';
import { awaitedWorkers, coldStartsOf } from './start-waves.js';
import { plansHedgedStarts } from './start-tail.js';
import { clientCallsOf } from './client-calls.js';
import { StartPrewarms } from './start-prewarms.js';
import { storeServerBoundMs } from './store-server-bound.js';

export { startTailMs } from './start-tail.js';

/** What the estimator forecasts of a plan. Times are ms from the client's first invoke. */
export interface PlanEstimate {
  readonly makespanMs: number;
  /**
   * The schedule's own end: the latest worker end, without the store server's bound. Where that
   * bound decides makespanMs, it hides what slower workers do to the schedule under it.
   */
  readonly scheduleMs: number;
  readonly costUsd: number;
  readonly gbSeconds: number;
  readonly costFormula: string;
  readonly workerCount: number;
  /** Per task: compute start and end, and when its output is where consumers can get it. */
  readonly startMs: Float64Array;
  readonly finishMs: Float64Array;
  readonly availableMs: Float64Array;
  /** Per worker: when its handler began (billing starts), when its first task could run, when it ended. */
  readonly workerBeginMs: Float64Array;
  readonly workerReadyMs: Float64Array;
  readonly workerEndMs: Float64Array;
  /** Per worker: when its first task's remote inputs were all in the store (0 for a source). */
  readonly workerTriggerMs: Float64Array;
  /** Per worker: its first task (-1 when none). */
  readonly firstTaskOf: Int32Array;
  /**
   * Per task: what its start waited for last: a task index (a remote parent, or the task before
   * it on its worker), or -1 for its worker's start. Walking it back from the last task gives the
   * critical path of the plan.
   */
  readonly delayedBy: Int32Array;
  /** Task indices in the order the workers' lists interleave (plan order, ties topological). */
  readonly runOrder: Int32Array;
}

/**
 * The one estimator of every planner (ADR: planners share it so their forecasts compare): an
 * event-driven list schedule of the plan, in one pass over the tasks in plan order, modelling the
 * planned-mode executor (DESIGN.md §4):
 * - a worker is invoked when its first task's inputs are in the store (a source's: by the client,
 *   which keeps `clientInvokeConcurrency` Invoke calls in flight, so the i-th source worker's call
 *   waits for i / concurrency earlier calls); it is ready after the Invoke call and a cold start,
 *   or a warm start when a task pre-warmed it (a separate Invoke call whose environment is idle
 *   once its own cold start is over) early enough;
 * - workers started together wait for the slowest of their cold starts: a worker's cold start is
 *   its tier's, plus the tail of the expected slowest of the k workers of its wave (startTailMs;
 *   a wave: workers whose first tasks wait on the same number of worker hand-offs; a worker that
 *   runs only dup-annotated sources, which its consumers recompute, is in none: ./start-waves.ts);
 * - hedged starts (Plan.hedgeStarts): the client calls the awaited start workers, then their hedge
 *   copies, then the others (./client-calls.ts); the start wave waits for the slowest of its
 *   workers' faster copies, each copy its call plus its cold start (./hedged-wave.ts); a copy called after an environment went idle (a
 *   worker that ended, by the last pass's forecast: estimatePlan runs up to HEDGED_START_PASSES
 *   passes; a losing copy) starts warm on it, and a worker invoked later on its tier may start
 *   warm on a loser's (./hedged-starts.ts); the losers are billed;
 * - start-up prewarms (Plan.prewarmAtStart): after its start calls the client makes one prewarm
 *   call per listed producer-invoked worker; each environment idles a cold start (spread over the
 *   platform's quantiles) after its call, and a worker invoked cold on that tier by then starts
 *   warm on it instead; each prewarm is billed (./start-prewarms.ts);
 * - it runs its tasks one after another in plan order;
 * - a parent's output on the same worker is in memory; from another worker it is fetched after
 *   the producer uploaded it. Each put and get runs at the bandwidth of its worker's tier, and a
 *   worker's puts and gets queue on its one link, one after another (the simulator's StoreModel);
 *   their request latencies (TaskCosts.getLatencyMs, putLatencyMs) do not queue: the gets a task
 *   issues together wait out one latency, then their bytes follow one another;
 *   Without preload the fetches run when the worker turns to the task; with preload they run
 *   while the worker computes earlier tasks (as soon as the bytes exist and the link is free);
 * - a task whose output is needed by another worker, or is a DAG output, is uploaded at once
 *   (while the worker goes on to its next task), then marked in its consumers' fan-ins (one
 *   coordination round trip); a consumer already running learns of the mark one more round trip
 *   later;
 * - a dup-annotated producer whose inputs all live on the consumer's worker is recomputed there
 *   when the worker turns to the consumer without having seen the producer's mark (the executor
 *   runs such a producer at once, and fetches a marked one): it has seen the marks of its first
 *   task, which invoked it, and those of a preloaded task that were in when the task before it
 *   began; past its first task it knows no other task's marks, stored or not;
 * - cost: each worker billed from handler start (cold start INIT included, as AWS bills it since
 *   2025-08) to its last upload, at its tier, plus one request per worker (src/model/cost-model.ts).
 * - a store with one server (Redis) moves every put and get through it: the makespan is at least
 *   the plan's bytes moved over the server's rate (a plan that spreads 200 MB blocks over 125
 *   workers is predicted as slow as the server makes it, not as its per-worker bandwidth says).
 * - the makespan ends when the last DAG output is stored, as the run report's does (a worker whose
 *   outputs its consumers recomputed may stop later; scheduleMs is the latest worker end);
 * - re-planning (TaskCosts.stored, heldWorkers, warmEnvironments; ./hand-over.ts): a worker whose
 *   first task reads only finished tasks starts on a held worker of its tier while any is left,
 *   one coordination round trip after the re-plan, without an Invoke call or a start-up; another
 *   new worker starts warm while idle environments are left; neither is in a start-up wave;
 * - a worker that would wait for a remote input longer than the task's park threshold (the plan's,
 *   else DEFAULT_PARK_AFTER_MS) parks: it stores the outputs it holds for its later tasks, stops
 *   (unbilled), and the last producer re-invokes it (Invoke call, warm start); it then fetches
 *   those outputs back as its later tasks read them;
 * Not modelled: the timing of server contention, S3 request charges.
 */
export function estimatePlan(costs: TaskCosts, plan: CompactPlan): PlanEstimate {
  let { estimate, hedgeTailMs } = estimateOnce(costs, plan);
  if (!plansHedgedStarts(costs, plan)) return estimate;
  // Hedged starts: a copy called after a worker ended starts warm on its environment; when
  // workers end depends on when they started, so estimate again from the last pass's ends.
  for (let pass = 1; pass < HEDGED_START_PASSES; pass += 1) {
    const next = estimateOnce(costs, plan, endedEnvironments(plan, estimate, hedgeTailMs));
    if (next.estimate.makespanMs === estimate.makespanMs) return next.estimate;
    ({ estimate, hedgeTailMs } = next);
  }
  return estimate;
}

/** How many times estimatePlan may estimate a hedged plan (each pass from the last one's worker ends). */
const HEDGED_START_PASSES = 4;

/**
 * Per tier: when the workers of `estimate` typically end, leaving their environments idle: the
 * forecast waits for the slowest start of the hedged wave (`hedgeTailMs` later than a typical
 * worker's), but a worker that ends early frees its environment at its own, typical time.
 */
function endedEnvironments(plan: CompactPlan, estimate: PlanEstimate, hedgeTailMs: number): Map<number, number[]> {
  const ended = new Map<number, number[]>();
  for (let worker = 0; worker < plan.tierOf.length; worker += 1) {
    if (estimate.firstTaskOf[worker] === -1) continue;
    const tier = plan.tierOf[worker] as number;
    const times = ended.get(tier) ?? [];
    ended.set(tier, times);
    times.push((estimate.workerEndMs[worker] as number) - Math.max(0, hedgeTailMs));
  }
  return ended;
}

function estimateOnce(costs: TaskCosts, plan: CompactPlan, ended?: ReadonlyMap<number, readonly number[]>): { estimate: PlanEstimate; hedgeTailMs: number } {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues, childOffsets, childValues } = graph;
  const { workerOf, tierOf, preload, dup } = plan;
  const workers = tierOf.length;
  const runOrder = runOrderOf(costs, plan);
  const starts = workerStarts(costs, plan, runOrder);
  const coldStartOf = coldStartsOf(costs, plan, runOrder, starts);
  const awaited = awaitedWorkers(costs, plan);
  // The client calls the awaited source workers first, then their hedge copies, then the others.
  const hedgesStarts = plansHedgedStarts(costs, plan);
  const calls = clientCallsOf(costs, plan, runOrder, awaited, hedgesStarts);
  const hedged = new HedgedEnvironments(costs, plan, runOrder, starts, awaited, calls, ended);
  // The client's start-up prewarms: idle environments a producer-invoked worker of their tier may take.
  const startPrewarms = new StartPrewarms(costs, plan, calls, hedgesStarts);
  // A worker's puts and gets run at its tier's bandwidth.
  const transfersOfTier = costs.tiers.map((_, tier) => transfersOn(costs, tier));
  // Request latencies run alongside a worker's other transfers; only bytes queue on its link.
  const getLatency = costs.getLatencyMs ?? 0;
  const putLatency = costs.putLatencyMs ?? 0;

  const startMs = new Float64Array(n);
  const finishMs = new Float64Array(n);
  const availableMs = new Float64Array(n);
  const delayedBy = new Int32Array(n).fill(-1);
  const started = new Uint8Array(workers);
  const workerFree = new Float64Array(workers);
  // The worker's network link: its puts and gets queue on it one after another (as the
  // simulator's StoreModel links do); a put runs while the worker computes its next task.
  const linkFree = new Float64Array(workers);
  const workerLast = new Int32Array(workers).fill(-1);
  const workerBeginMs = new Float64Array(workers);
  const workerReadyMs = new Float64Array(workers);
  const workerEndMs = new Float64Array(workers);
  const workerTriggerMs = new Float64Array(workers);
  const firstTaskOf = new Int32Array(workers).fill(-1);
  const prewarmAt = new Float64Array(workers).fill(Infinity);
  // 1 + the worker that recomputed a dup producer (its output is then in that worker's memory).
  const recomputedOn = new Int32Array(n);
  // Every (producer, worker) recompute, as producer * workers + worker: that worker gets nothing
  // of the producer through the store (storeServerBoundMs). recomputedOn keeps only the last.
  const recomputed = new Set<number>();
  // Parks (DESIGN.md §4): a worker that waits past its task's threshold stores what it holds,
  // stops, and is re-invoked (warm) by the last producer; an incarnation's outputs are in memory
  // only for its own later tasks, so each park starts a new epoch of the worker.
  const epoch = new Int32Array(workers);
  const epochOf = new Int32Array(n);
  const localReadersLeft = localReadersOf(costs, plan);
  const heldUploadMs = new Float64Array(workers);
  const parkedMs = new Float64Array(workers);
  let parks = 0;
  // How much earlier than the slowest of its wave a worker typically is ready (its start-up tail):
  // at its first remote input it waits that much longer than the schedule above shows, which is
  // what decides whether it parks; the wait then lines it up with the slowest, so it drops to 0.
  const earlyByMs = new Float64Array(workers);

  const stored = costs.stored;
  const preloadFetches: { parent: number; available: number; download: number }[] = [];
  for (const task of runOrder) {
    // Already ran (re-planning): its output is in the store from the start.
    if (stored?.[task] === 1) continue;
    const worker = workerOf[task] as number;
    const tier = tierOf[worker] as number;
    const exec = costs.execMs[tier] as Float64Array;
    const { uploadMs, edgeDownloadMs } = transfersOfTier[tier] as (typeof transfersOfTier)[number];
    const pStart = parentOffsets[task] as number;
    const pEnd = parentOffsets[task + 1] as number;

    if (started[worker] === 0) {
      started[worker] = 1;
      firstTaskOf[worker] = task;
      let trigger = 0;
      // The last producer marks the fan-in after its upload; the completing mark invokes this worker.
      for (let k = pStart; k < pEnd; k += 1) trigger = Math.max(trigger, (availableMs[parentValues[k] as number] as number) + costs.coordinationMs);
      const prewarmed = prewarmAt[worker] as number;
      // A source worker's Invoke call queues behind the client's earlier ones (./client-calls.ts).
      if (pStart === pEnd && prewarmed === Infinity) trigger = Math.floor((calls.callOf[worker] as number) / costs.clientInvokeConcurrency) * costs.invokeApiMeanMs;
      const invokedAt = Math.min(trigger, prewarmed);
      workerTriggerMs[worker] = pStart === pEnd ? 0 : trigger;
      if (starts[worker] === HANDED_OVER) {
        // The client's message reaches a worker that is already up (billed from then on).
        workerBeginMs[worker] = costs.coordinationMs;
        workerReadyMs[worker] = costs.coordinationMs;
        earlyByMs[worker] = 0;
      } else if (pStart !== pEnd && prewarmed !== Infinity && starts[worker] !== WARM) {
        // A prewarm is an Invoke call of its own whose environment goes idle once its cold start
        // is over; the producer's mark still invokes the worker, which starts warm on that
        // environment if it is idle by then, else cold on another.
        workerBeginMs[worker] = trigger + costs.invokeApiMs;
        const warmFromMs = prewarmed + costs.invokeApiMs + (costs.coldStartMs[tier] as number);
        const warm = (workerBeginMs[worker] as number) >= warmFromMs || startPrewarms.take(tier, workerBeginMs[worker] as number);
        workerReadyMs[worker] = workerBeginMs[worker] + (warm ? (costs.warmStartMs[tier] as number) : (coldStartOf[worker] as number));
        earlyByMs[worker] = warm ? 0 : (coldStartOf[worker] as number) - (costs.coldStartMs[tier] as number);
      } else if (pStart !== pEnd && starts[worker] === COLD && hedged.take(tier, invokedAt + costs.invokeApiMs)) {
        // A losing copy of a hedged start left an environment of this tier idle: a warm start.
        workerBeginMs[worker] = invokedAt + costs.invokeApiMs;
        workerReadyMs[worker] = workerBeginMs[worker] + (costs.warmStartMs[tier] as number);
        earlyByMs[worker] = 0;
      } else if (pStart !== pEnd && starts[worker] === COLD && startPrewarms.take(tier, invokedAt + costs.invokeApiMs)) {
        // One of the client's start-up prewarms left an environment of this tier idle: a warm start.
        workerBeginMs[worker] = invokedAt + costs.invokeApiMs;
        workerReadyMs[worker] = workerBeginMs[worker] + (costs.warmStartMs[tier] as number);
        earlyByMs[worker] = 0;
      } else if (hedged.readyMs(worker) !== undefined) {
        // A hedged start worker runs on whichever copy starts first; its wave waits for the slowest.
        workerBeginMs[worker] = invokedAt + costs.invokeApiMs;
        workerReadyMs[worker] = hedged.readyMs(worker) as number;
        earlyByMs[worker] = hedged.earlyByMs(worker);
      } else {
        workerBeginMs[worker] = invokedAt + costs.invokeApiMs;
        workerReadyMs[worker] = workerBeginMs[worker] + (coldStartOf[worker] as number);
        earlyByMs[worker] = starts[worker] === WARM ? 0 : (coldStartOf[worker] as number) - (costs.coldStartMs[tier] as number);
      }
      workerFree[worker] = workerReadyMs[worker] as number;
      linkFree[worker] = workerReadyMs[worker] as number;
    }

    const free = workerFree[worker] as number;
    const first = task === firstTaskOf[worker];
    // A worker past its first task reads the task's marks as it turns to it (one round trip), and
    // again after a notification woke it; a preloaded task's were read as the task before it began.
    const previous = workerLast[worker] as number;
    const checkedAt = preload[task] === 1 && !first && previous !== -1 ? (startMs[previous] as number) : undefined;
    let remoteReady = 0;
    let remoteLast = -1;
    // The bytes of this task's gets (their latencies run together once the gets are issued).
    let downloadWireMs = 0;
    let preloadArrival = 0;
    let preloadLast = -1;
    preloadFetches.length = 0;
    let recomputeMs = 0;
    let ownDownloadWireMs = 0;
    for (let k = pStart; k < pEnd; k += 1) {
      const parent = parentValues[k] as number;
      if (workerOf[parent] === worker && epochOf[parent] === epoch[worker] && stored?.[parent] !== 1) {
        // In memory; fetched back from the store if this task parks first.
        ownDownloadWireMs += wireMs(edgeDownloadMs[k] as number, getLatency);
        continue;
      }
      if (recomputedOn[parent] === worker + 1) continue; // in memory
      // Marked one round trip after its upload; a worker past its first task learns of it one more
      // round trip later (a notification, or its own read of the marks).
      const available = (availableMs[parent] as number) + (first ? 1 : 2) * costs.coordinationMs;
      const download = edgeDownloadMs[k] as number;
      if (dup[parent] === 1 && stored?.[parent] !== 1 && inputsAllOn(costs, plan, parent, worker)) {
        // The executor runs a dup producer whose mark it has not seen as it turns to the task, at
        // once, before it reads any marks (PlannedWorker.whileMissing); a marked one it fetches. It
        // has seen the marks of its first task (they invoked it) and those a preloaded task's read
        // ahead found; a task past the first without preload it turns to knowing none.
        const markSeen = first || (checkedAt !== undefined && (availableMs[parent] as number) <= checkedAt);
        if (!markSeen) {
          recomputeMs += exec[parent] as number;
          recomputedOn[parent] = worker + 1;
          recomputed.add(parent * workers + worker);
          continue;
        }
      }
      if (available > remoteReady || remoteLast === -1) {
        remoteReady = Math.max(remoteReady, available);
        remoteLast = parent;
      }
      downloadWireMs += wireMs(download, getLatency);
      if (preload[task] === 1) {
        // Marked when the marks were read ahead: fetched as the answer comes; else once the worker,
        // free, has been notified and read the marks again.
        const marked = checkedAt !== undefined && (availableMs[parent] as number) <= checkedAt;
        const issuedAt = first ? available : marked ? checkedAt + costs.coordinationMs : Math.max(free, available) + costs.coordinationMs;
        preloadFetches.push({ parent, available: issuedAt, download });
      }
    }
    if (preloadFetches.length > 0) {
      // Preloaded inputs are fetched as their marks are seen, one after another on the link.
      preloadFetches.sort((a, b) => a.available - b.available);
      let link = linkFree[worker] as number;
      for (const fetch of preloadFetches) {
        link = transferEnd(fetch.available, link, fetch.download, getLatency);
        if (link >= preloadArrival || preloadLast === -1) {
          preloadArrival = link;
          preloadLast = fetch.parent;
        }
      }
      linkFree[worker] = link;
    }
    let start: number;
    const threshold = plan.parkAfterMs?.[task];
    const parkAfter = threshold === undefined || Number.isNaN(threshold) ? DEFAULT_PARK_AFTER_MS : threshold;
    const early = remoteLast === -1 ? 0 : (earlyByMs[worker] as number);
    if (remoteLast !== -1) earlyByMs[worker] = 0;
    if (remoteLast !== -1 && remoteReady - free + early > parkAfter) {
      // Parks: stores its held outputs, then the producer's mark re-invokes it on a warm environment.
      const held = heldUploadMs[worker] as number;
      const storedAt = free - early + parkAfter + (held > 0 ? putLatency + held : 0);
      const resumedAt = Math.max(remoteReady, storedAt) + costs.invokeApiMs + (costs.warmStartMs[tier] as number);
      parkedMs[worker] = (parkedMs[worker] as number) + Math.max(0, resumedAt - (costs.warmStartMs[tier] as number) - storedAt);
      parks += 1;
      epoch[worker] = (epoch[worker] as number) + 1;
      heldUploadMs[worker] = 0;
      // The resumed worker issues the gets of this task's inputs, its own stored ones included, at once.
      start = resumedAt + getLatency + downloadWireMs + ownDownloadWireMs;
      linkFree[worker] = start;
      delayedBy[task] = remoteLast;
    } else if (preload[task] === 1) {
      start = Math.max(free, preloadArrival);
      delayedBy[task] = preloadArrival > free ? preloadLast : (workerLast[worker] as number);
    } else if (remoteLast !== -1) {
      // Its gets go out when the worker turns to it and the marks are in, behind the worker's puts.
      const linkAt = linkFree[worker] as number;
      const issuedAt = Math.max(free, remoteReady) + (first ? 0 : costs.coordinationMs);
      start = Math.max(issuedAt + getLatency, linkAt) + downloadWireMs;
      linkFree[worker] = start;
      delayedBy[task] = remoteReady > Math.max(free, linkAt) ? remoteLast : (workerLast[worker] as number);
    } else {
      start = free;
      delayedBy[task] = workerLast[worker] as number;
    }
    start += recomputeMs;
    const finish = start + (exec[task] as number);
    let needsUpload = graph.isOutput[task] === 1;
    for (let k = childOffsets[task] as number; !needsUpload && k < (childOffsets[task + 1] as number); k += 1) {
      if (workerOf[childValues[k] as number] !== worker) needsUpload = true;
    }
    startMs[task] = start;
    finishMs[task] = finish;
    if (needsUpload) linkFree[worker] = transferEnd(finish, linkFree[worker] as number, uploadMs[task] as number, putLatency);
    availableMs[task] = needsUpload ? (linkFree[worker] as number) : finish;
    epochOf[task] = epoch[worker] as number;
    for (let k = pStart; k < pEnd; k += 1) {
      const parent = parentValues[k] as number;
      if (workerOf[parent] !== worker) continue;
      localReadersLeft[parent] = (localReadersLeft[parent] as number) - 1;
      if (localReadersLeft[parent] === 0 && epochOf[parent] === epoch[worker] && (heldUploadMs[worker] as number) > 0 && !uploaded(costs, plan, parent)) {
        heldUploadMs[worker] = Math.max(0, (heldUploadMs[worker] as number) - wireMs(uploadMs[parent] as number, putLatency));
      }
    }
    if ((localReadersLeft[task] as number) > 0 && !needsUpload) heldUploadMs[worker] = (heldUploadMs[worker] as number) + wireMs(uploadMs[task] as number, putLatency);
    workerFree[worker] = finish;
    workerEndMs[worker] = Math.max(finish, linkFree[worker] as number);
    workerLast[worker] = task;
    const prewarmed = plan.prewarm.get(task);
    if (prewarmed) for (const target of prewarmed) prewarmAt[target] = Math.min(prewarmAt[target] as number, start);
  }

  let scheduleMs = 0;
  const executors: { durationMs: number; memoryMb: number }[] = [];
  for (let worker = 0; worker < workers; worker += 1) {
    if (started[worker] === 0) continue;
    scheduleMs = Math.max(scheduleMs, workerEndMs[worker] as number);
    executors.push({ durationMs: (workerEndMs[worker] as number) - (workerBeginMs[worker] as number) - (parkedMs[worker] as number), memoryMb: costs.tiers[tierOf[worker] as number] as number });
  }
  const workerCount = executors.length;
  // Hedged starts' losing copies: billed, with one request each.
  executors.push(...hedged.losers);
  // The client's start-up prewarms: each billed its cold start, with one request.
  executors.push(...startPrewarms.bills);
  const cost = estimateCost({ executors, invocations: executors.length + parks });
  const estimate: PlanEstimate = {
    makespanMs: Math.max(outputsStoredMs(costs, availableMs, scheduleMs), storeServerBoundMs(costs, plan, recomputed)),
    scheduleMs,
    costUsd: cost.usd,
    gbSeconds: cost.gbSeconds,
    costFormula: cost.formula,
    workerCount,
    startMs,
    finishMs,
    availableMs,
    workerBeginMs,
    workerReadyMs,
    workerEndMs,
    workerTriggerMs,
    firstTaskOf,
    delayedBy,
    runOrder,
  };
  return { estimate, hedgeTailMs: hedged.tailMs };
}

/** The part of a transfer of `ms` after its request latency: the bytes on the link. */
function wireMs(ms: number, latencyMs: number): number {
  return ms - Math.min(latencyMs, ms);
}

/**
 * When a transfer of `ms` (the request's latency, then the bytes) issued at `issuedAt` ends, from a
 * worker whose link is busy until `linkFree`: the latency runs at once, the bytes queue behind the
 * link's earlier ones (the simulator's StoreModel).
 */
function transferEnd(issuedAt: number, linkFree: number, ms: number, latencyMs: number): number {
  const latency = Math.min(latencyMs, ms);
  return Math.max(issuedAt + latency, linkFree) + ms - latency;
}

/**
 * When the last DAG output is stored: the run's end as the client sees it (the run report's
 * makespan, src/sim/sim-engine.ts `outcome`). A worker may stop later: one that runs only
 * dup-annotated producers its consumers recomputed (TR under heft: workers 960-999, invoked in the
 * client's last round of 64 calls, ended 224 ms after the root was stored). `scheduleMs` when no
 * output runs.
 */
function outputsStoredMs(costs: TaskCosts, availableMs: Float64Array, scheduleMs: number): number {
  let last = -1;
  for (let task = 0; task < costs.graph.taskCount; task += 1) {
    if (costs.graph.isOutput[task] === 1 && costs.stored?.[task] !== 1) last = Math.max(last, availableMs[task] as number);
  }
  return last === -1 ? scheduleMs : last;
}

/** Per task: how many of its children run on its own worker (they read it from memory). */
function localReadersOf(costs: TaskCosts, plan: CompactPlan): Int32Array {
  const { childOffsets, childValues, taskCount } = costs.graph;
  const readers = new Int32Array(taskCount);
  for (let task = 0; task < taskCount; task += 1) {
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      if (plan.workerOf[childValues[k] as number] === plan.workerOf[task]) readers[task] = (readers[task] as number) + 1;
    }
  }
  return readers;
}

/** Whether a task's output is stored as soon as it exists (a remote consumer, or a DAG output). */
function uploaded(costs: TaskCosts, plan: CompactPlan, task: number): boolean {
  const { childOffsets, childValues, isOutput } = costs.graph;
  if (isOutput[task] === 1) return true;
  for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
    if (plan.workerOf[childValues[k] as number] !== plan.workerOf[task]) return true;
  }
  return false;
}

/** The plan's critical path: task indices from the first to the one that ends last. */
export function criticalPathOf(estimate: PlanEstimate): number[] {
  let last = -1;
  for (let task = 0; task < estimate.availableMs.length; task += 1) {
    if (last === -1 || (estimate.availableMs[task] as number) >= (estimate.availableMs[last] as number)) last = task;
  }
  const path: number[] = [];
  for (let task = last; task !== -1 && path.length <= estimate.availableMs.length; task = estimate.delayedBy[task] as number) path.push(task);
  return path.reverse();
}

/** Whether every input of `task` is computed on `worker` (a source's: trivially). */
export function inputsAllOn(costs: TaskCosts, plan: CompactPlan, task: number, worker: number): boolean {
  const { parentOffsets, parentValues } = costs.graph;
  for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
    if (plan.workerOf[parentValues[k] as number] !== worker) return false;
  }
  return true;
}

/** Tasks in plan order (ties and absent orders: topological). */
function runOrderOf(costs: TaskCosts, plan: CompactPlan): Int32Array {
  const { topo, topoPosition } = costs.graph;
  const order = plan.order;
  if (!order) return topo;
  const sorted = topo.slice();
  sorted.sort((a, b) => (order[a] as number) - (order[b] as number) || (topoPosition[a] as number) - (topoPosition[b] as number));
  return sorted;
}
