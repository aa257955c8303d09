import { randomBytes } from 'node:crypto';
import { decodeValue } from '../data/codec.js';
import type { Value } from '../data/value.js';
import { parseDepRef } from '../model/dag-schema.js';
import { WukongError } from '../model/errors.js';
import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import type { Clock } from './clock.js';
import type { Invoker } from './invoker.js';
import type { ExecutorPayload } from './payload.js';
import { frontierPayloads, initialPayloads, initialPrewarms } from './initial-executors.js';
import { hitFrontier, recordRun, seedHits, seededHits } from './cached-start.js';
import { restrictPlan } from '../plan/restrict-plan.js';
import type { Plan } from '../model/annotated-dag.js';
import type { CacheResolution, ResultCache } from '../cache/result-cache.js';
import type { CacheSummary } from '../report/cache-summary.js';
import { runKeys } from './keys.js';
import { LIVE_HEARTBEAT_MS, writeLiveMark } from './run-liveness.js';
import { CLOSE_WAIT_MS, settleWithin } from './settle-within.js';
import type { ExecutorReport } from '../model/run-events.js';
import { RunInbox } from './run-inbox.js';
import type { RunDag, RunSpec } from '../model/run-spec.js';

export interface RunProgress {
  readonly tasksDone: number;
  readonly tasksTotal: number;
  readonly executorsLive: number;
  readonly elapsedMs: number;
}

export interface RunClientDeps {
  readonly coordinator: Coordinator;
  readonly store: IntermediateStore;
  readonly invoker: Invoker;
  readonly clock: Clock;
  /** The coordination store as error messages name it (`redis host:port`); default "the coordination store". */
  readonly coordinatorName?: string;
  /** Whether executors may still be running (embedded: the pool is busy); undefined = unknown. */
  readonly executorsBusy?: () => boolean;
  /**
   * How many executors are invoked and not finished, where the host can tell (embedded: the
   * pool's). The client alone knows an executor only once its invoker reports, so its own count
   * (for the progress line) lags: 2 of 4 running in an audit's run. Undefined: the client's count.
   */
  readonly executorsLive?: () => number;
  /**
   * The coordinator lives in this process and only this process's own executors write the inbox
   * (embedded, memory coordinator). So its messages are read as they were written, without a
   * schema parse per message (thousands per run, a third of the client's own CPU with small
   * tasks), and its receives, a couple of thousand a run of small tasks, are not raced against a
   * timer of their own (it cannot go silent; a promise and a timer each on the main thread).
   */
  readonly trustedInbox?: boolean;
  /**
   * The client reads executors' compact reports (trusted inbox) in full as they arrive, not after
   * the run: where its thread has a core to itself, that time is free during the run and would
   * otherwise lengthen the run's wall time (RunInbox). Default: after the run.
   */
  readonly readReportsAsTheyCome?: boolean;
}

export interface RunOutcome {
  readonly runId: string;
  readonly ok: boolean;
  readonly failure?: { readonly taskId: string; readonly message: string };
  readonly startedAt: number;
  /** When the last output was reported stored (the makespan's end). */
  readonly finishedAt: number;
  readonly executors: ExecutorReport[];
  /** Output refs (`task` or `task#i`) to their values; empty when the run failed. */
  readonly outputs: Map<string, Value>;
  /** With a result cache: hits, what re-ran and why, entries written. */
  readonly cache?: CacheSummary;
  /** Planned mode: the plan the run followed (with a result cache, it covers only what ran). */
  readonly plan?: Plan;
}

export interface RunRequest {
  readonly spec: Omit<RunSpec, 'runId' | 'version'>;
  readonly dag: RunDag;
  /** Refs the client collects: the DAG's `outputs` or its sinks. */
  readonly outputRefs: readonly string[];
  readonly runId?: string;
  /** The whole run must finish within this many ms. */
  readonly deadlineMs: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /**
   * A result cache: the run starts from its hit frontier, in WUKONG mode and planned mode alike,
   * and stores what it computed and stored anyway.
   */
  readonly cache?: ResultCache;
  /**
   * Planned mode with a result cache: plans the tasks that must run once the hits are known
   * (planners plan only what runs; src/plan/plan-to-run.ts). Without it, a `spec.plan` made for
   * the whole DAG is cut to those tasks.
   */
  readonly planToRun?: (toRun: ReadonlySet<string>) => Promise<Plan>;
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * The client of one run: stores the spec once, invokes the first executors (WUKONG: one per source
 * task, each with its static schedule; planned, when `spec.plan` is set: the workers whose first
 * task is a source), follows the executors' events, and gathers the outputs. With a result cache
 * it first resolves the hits, then (planned mode) plans only what must run, and starts from the
 * hit frontier.
 */
export async function executeRun(request: RunRequest, deps: RunClientDeps): Promise<RunOutcome> {
  const runId = request.runId ?? newRunId();
  const keys = runKeys(runId);
  const deadlineAt = deps.clock.now() + request.deadlineMs;
  // The makespan of a cached run includes finding its hits (an uncached one starts after the spec is stored, as before).
  const resolveStartedAt = deps.clock.now();
  const resolution = request.cache ? await request.cache.resolve(request.dag, request.outputRefs) : undefined;
  // Planning is not part of a makespan, cached or not: its time is taken out below.
  const planStartedAt = deps.clock.now();
  const plan = resolution ? await planOfWhatRuns(request, resolution) : request.spec.plan;
  const planMs = deps.clock.now() - planStartedAt;
  const { plan: _asRequested, ...rest } = request.spec;
  // Executors bound their store calls by the deadline too; measured from here, it is never later than the client's.
  const spec: RunSpec = { version: 1, runId, ...rest, ...(plan ? { plan } : {}), ...(resolution ? { fromCache: seededHits(request.dag, resolution) } : {}), deadlineAt };
  // Built before anything is stored: a plan that cannot run is bad input, and nothing is left behind.
  // Resumed in WUKONG mode: one executor per hit-frontier task; planned: the plan's start workers.
  const initial = resolution && !plan ? frontierPayloads(runId, hitFrontier(request.dag, resolution), deps.clock.now()) : initialPayloads(spec, request.dag, deps.clock.now());
  const specText = JSON.stringify(spec);
  // A large DAG's spec gets a second more per MB (a link of 1 MB/s at worst).
  await answerWithin(deps, deps.coordinator.setValue(keys.spec, specText), 'store of the run spec', CLIENT_REPLY_TIMEOUT_MS + specText.length / 1000);
  await answerWithin(deps, writeLiveMark(deps.coordinator, keys.live, 'running', deps.clock.now()), 'live mark');
  // Planned workers wait for marks from planned producers only (PlanLayout): hits are fetched, never marked.
  if (resolution) await seedHits(request.dag, resolution, keys, deps, { markFanIns: !plan });
  const startedAt = resolution ? resolveStartedAt + planMs : deps.clock.now();
  let heartbeatAt = deps.clock.now();
  let heartbeating = false;

  const outputTasks = new Set(request.outputRefs.map((ref) => parseDepRef(ref).taskId));
  // The tasks done are counted for the progress callback and the result cache alone.
  const inbox = new RunInbox(outputTasks, deps.clock, deps.trustedInbox === true, startedAt, {
    countDone: request.onProgress !== undefined || request.cache !== undefined,
    readBodiesLater: deps.readReportsAsTheyCome !== true,
  });
  // Progress counts what this run has to do: with a cache, the tasks that miss.
  const tasksTotal = resolution ? resolution.run.size : spec.dag.tasks.length;

  for (const taskId of outputTasks) if (resolution?.hits.has(taskId)) inbox.outputReady(taskId);
  await invokeFirst(initial, inbox, deps);
  // The plan's start-up prewarms (Plan.prewarmAtStart). A failed one costs only a cold start later,
  // so it never fails the run; an invoker without prewarm (embedded threads are always warm) skips them.
  const prewarm = deps.invoker.prewarm?.bind(deps.invoker);
  if (plan && prewarm) for (const memoryMb of initialPrewarms(spec, request.dag)) await prewarm(memoryMb).catch(() => undefined);

  const deadline = startedAt + request.deadlineMs;
  let stalledChecks = 0;
  while (!inbox.finished()) {
    const now = deps.clock.now();
    if (now > deadline) {
      inbox.failure = { taskId: '-', message: `run ${runId} did not finish within its deadline of ${request.deadlineMs} ms${await lostStateHint(deps.coordinator, keys.spec)}` };
      break;
    }
    if (now - heartbeatAt >= LIVE_HEARTBEAT_MS && !heartbeating) {
      // Not awaited: a store that stopped answering is found by the receive below, which is
      // bounded by seconds; a SET waits up to the command timeout (a minute).
      heartbeating = true;
      heartbeatAt = now;
      void writeLiveMark(deps.coordinator, keys.live, 'running', now)
        .catch(() => undefined)
        .finally(() => (heartbeating = false));
    }
    const receive = deps.coordinator.receive(keys.clientInbox, Math.min(250, Math.max(1, deadline - now)));
    const messages = await (deps.trustedInbox ? receive : answerWithin(deps, receive, 'receive'));
    inbox.take(messages);
    request.onProgress?.({ tasksDone: inbox.done.size, tasksTotal, executorsLive: deps.executorsLive?.() ?? inbox.executorsLive(), elapsedMs: deps.clock.now() - startedAt });
    // Embedded: if every thread is idle and nothing arrived, no executor can still report.
    if (messages.length === 0 && deps.executorsBusy && !deps.executorsBusy()) {
      stalledChecks += 1;
      if (stalledChecks >= 2 && !inbox.finished()) {
        const missing = inbox.missingOutputs();
        inbox.failure = { taskId: missing[0] ?? '-', message: `run ${runId} ended without producing ${missing.slice(0, 5).join(', ')}${await lostStateHint(deps.coordinator, keys.spec)}` };
      }
    } else {
      stalledChecks = 0;
    }
  }

  // Best effort: a mark that cannot be written goes stale on its own within LIVE_STALE_MS.
  await settleWithin(writeLiveMark(deps.coordinator, keys.live, 'finished', deps.clock.now()), CLOSE_WAIT_MS);
  const { failure, finishedAt, executors, done } = inbox;
  const outputs = new Map<string, Value>();
  if (!failure) {
    for (const ref of request.outputRefs) {
      const { taskId, output } = parseDepRef(ref);
      const bytes = resolution?.hits.get(taskId)?.[output] ?? (await deps.store.get(keys.output(taskId, output)));
      outputs.set(ref, decodeValue(bytes));
    }
  }
  const cache = request.cache && resolution ? await recordRun(request.cache, request.dag, resolution, done, spec.dag.tasks.length, keys, deps.store, plan) : undefined;
  return { runId, ok: failure === undefined, ...(failure ? { failure } : {}), startedAt, finishedAt, executors, outputs, ...(plan ? { plan } : {}), ...(cache ? { cache } : {}) };
}

/**
 * Planned mode with a result cache: the plan of the tasks that must run (none when every output
 * hits). The request's planner plans just those; a plan made for the whole DAG is cut to them.
 * WUKONG mode: undefined.
 */
async function planOfWhatRuns(request: RunRequest, resolution: CacheResolution): Promise<Plan | undefined> {
  if (resolution.run.size === 0) return undefined;
  if (request.planToRun) return request.planToRun(resolution.run);
  return request.spec.plan ? restrictPlan(request.spec.plan, resolution.run) : undefined;
}

/**
 * Invokes the run's first executors, one after another, or in one call where the invoker takes
 * them so (a tree of 10,000 tasks has 5,000). A
 * function of its own so that V8 compiles this loop alone, not the whole client (see ./run-inbox.ts).
 */
async function invokeFirst(initial: readonly ExecutorPayload[], inbox: RunInbox, deps: RunClientDeps): Promise<void> {
  const stamped = (payload: ExecutorPayload): ExecutorPayload => {
    inbox.expect(payload.executorId);
    return { ...payload, invokedAt: deps.clock.now() };
  };
  if (deps.invoker.invokeAll) return deps.invoker.invokeAll(initial.map(stamped));
  for (const payload of initial) await deps.invoker.invoke(stamped(payload));
}

/**
 * How long the client waits for its coordination store to answer one call (a receive waits 250 ms
 * itself; the run spec gets a second more per MB): a store that says nothing for this long (a frozen Redis keeps its socket open, so no error
 * comes) fails the run, naming the store, instead of waiting out a minute-long command timeout.
 */
export const CLIENT_REPLY_TIMEOUT_MS = 10_000;

/** `call` to `store`, or a STORE_FAILED naming the store when it gives no answer within `ms`. */
async function answerWithin<T>(deps: RunClientDeps, call: Promise<T>, what: string, ms = CLIENT_REPLY_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const store = deps.coordinatorName ?? 'the coordination store';
      reject(new WukongError('STORE_FAILED', `${store}: no answer within ${(ms / 1000).toFixed(0)} s to the run client's ${what}; is it stopped or overloaded?`, { retryable: true }));
    }, ms);
  });
  try {
    return await Promise.race([call, silent]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why a run may have stalled: its spec key, written before the first invocation and kept for the
 * TTL, is gone, so the coordination store lost the run's keys (fan-in marks included), as a Redis
 * server restarted without persistence does. Empty when the key is there or cannot be read.
 */
async function lostStateHint(coordinator: Coordinator, specKey: string): Promise<string> {
  let spec: string | undefined = 'unknown';
  await settleWithin(
    coordinator.getValue(specKey).then((value) => (spec = value)),
    CLOSE_WAIT_MS,
  );
  return spec === undefined ? `: the coordination store lost the run's keys (${specKey} is gone; was Redis restarted without persistence?)` : '';
}

/** A failed run as an error, for the CLI (exit 1). */
export class RunFailedError extends WukongError {
  constructor(
    readonly runId: string,
    readonly taskId: string,
    message: string,
  ) {
    super('RUN_FAILED', message);
  }
}
