import { parseDepRef } from '../dag/schema.js';
import { BadInputError } from '../errors.js';
import { buildRunReport, type RunReport } from '../report/run-report.js';
import type { ExecutorReport } from '../runtime/run-events.js';
import type { RunDag } from '../runtime/run-spec.js';
import type { ExecutorEvent, Instruction } from '../scheduler/events.js';
import { WukongExecutor } from '../scheduler/wukong-executor.js';
import type { WukongOptions } from '../scheduler/wukong-options.js';
import { EventQueue } from './event-queue.js';
import { FanInTable } from './fan-in-table.js';
import { SimulatedLambdaPlatform, type Placement } from './lambda-platform.js';
import type { CostProfile, StoreKind } from './profile.js';
import { ScheduleRanks } from './schedule-ranks.js';
import { SeededRandom } from './seeded-random.js';
import { simulatedCost } from './sim-cost.js';
import { InvokeChannel, SimExecutor, executorIdOf, type PendingInvoke } from './sim-executor.js';
import { dagTotals, type DagTotals } from './dag-totals.js';
import { StoreModel } from './store-model.js';
import type { TaskEstimator } from './task-estimates.js';

/** Invoke API calls in flight at once per caller, as `wukong submit` configures the driver. */
export const DEFAULT_SIM_INVOKE_CONCURRENCY = 64;

export interface SimulationObserver {
  /** Every instruction an executor emits, at its virtual time (ms from the run's start). */
  instruction?(atMs: number, executorId: string, instruction: Instruction): void;
  /** Every event fed to an executor. */
  event?(atMs: number, executorId: string, event: ExecutorEvent): void;
}

export interface SimulationInput {
  readonly dag: RunDag & { outputRefs(): readonly string[] };
  readonly wukong: WukongOptions;
  readonly profile: CostProfile;
  readonly estimator: TaskEstimator;
  readonly seed: number;
  /** The executor function's memory tier. */
  readonly memoryMb: number;
  /** Where intermediates live; fan-in coordination always goes through Redis. */
  readonly storeKind: StoreKind;
  /** Invoke API calls in flight per executor and from the client (default 64). */
  readonly invokeConcurrency?: number;
  /** Environments already warm when the run starts (default 0). */
  readonly warmContainers?: number;
  readonly runId?: string;
  readonly dagName?: string;
  /** Run every executor's validateState() after every event (tests; costly). */
  readonly validateEveryStep?: boolean;
  readonly observer?: SimulationObserver;
}

export interface SimulationStats {
  readonly eventsProcessed: number;
  readonly wallMs: number;
  readonly peakEventQueue: number;
  readonly tasks: number;
  readonly executors: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly queuedInvocations: number;
  readonly maxPendingInvocations: number;
  readonly maxConcurrentExecutions: number;
  readonly puts: number;
  readonly gets: number;
  readonly fanInCompletions: number;
  /** Critical path of estimated run times with free transfers and starts (DESIGN.md §6). */
  readonly lowerBoundMs: number;
  readonly makespanOverLowerBound: number;
  readonly exactSchedules: number;
  readonly fallbackRanks: number;
}

export interface SimulationResult {
  /** The run report (backend "simulated"); times are virtual ms from the run's start (0). */
  readonly report: RunReport;
  readonly stats: SimulationStats;
  /** Output task id -> virtual time its output was stored. */
  readonly outputsReadyAt: ReadonlyMap<string, number>;
}

/** The simulation broke one of its own invariants (a bug, not bad input). */
export class SimulationInvariantError extends Error {
  override name = 'SimulationInvariantError';
}

type Action =
  | { readonly kind: 'feed'; readonly executor: SimExecutor; readonly event: ExecutorEvent }
  | { readonly kind: 'invoke-done'; readonly channel: InvokeChannel; readonly call: PendingInvoke }
  | { readonly kind: 'start'; readonly placement: Placement }
  | { readonly kind: 'wake' };

/** PRNG streams, one per purpose (see SeededRandom). */
const STREAM = { startup: 1, invoke: 2, store: 3, coordination: 4 } as const;

/**
 * Runs a DAG in virtual time: the real WUKONG executor state machine (src/scheduler) decides,
 * this engine carries its instructions out at the profile's costs (DESIGN.md §1, §4, §6).
 * Deterministic for a given seed.
 */
export function simulate(input: SimulationInput): SimulationResult {
  checkInput(input);
  return new Simulation(input).run();
}

class Simulation {
  private readonly queue = new EventQueue<Action>();
  private nowMs = 0;
  private readonly totals: DagTotals;
  private readonly ranks: ScheduleRanks;
  private readonly platform: SimulatedLambdaPlatform;
  private readonly store: StoreModel;
  private readonly invokeRandom: SeededRandom;
  private readonly coordinationRandom: SeededRandom;
  private readonly fanIns = new FanInTable();
  private readonly outputBytes = new Map<string, number>();
  private readonly stored = new Set<string>();
  private readonly outputsReadyAt = new Map<string, number>();
  private readonly reports: ExecutorReport[] = [];
  private readonly invokeConcurrency: number;
  private liveExecutors = 0;
  private failure: { taskId: string; message: string } | undefined;
  private puts = 0;
  private gets = 0;
  private events = 0;
  private peakQueue = 0;

  constructor(private readonly input: SimulationInput) {
    const { dag, profile, seed } = input;
    this.totals = dagTotals(dag, (id) => input.estimator.execMs(id, input.memoryMb));
    this.ranks = new ScheduleRanks(dag, dag.sources(), this.totals.tasks);
    this.invokeConcurrency = input.invokeConcurrency ?? DEFAULT_SIM_INVOKE_CONCURRENCY;
    this.platform = new SimulatedLambdaPlatform(
      profile.lambda,
      new SeededRandom(seed, STREAM.startup),
      { place: (placement) => this.schedule(placement.handlerStartMs, { kind: 'start', placement }), wakeAt: (t) => this.schedule(t, { kind: 'wake' }) },
      input.warmContainers ?? 0,
    );
    this.store = new StoreModel(profile.stores[input.storeKind], input.memoryMb, new SeededRandom(seed, STREAM.store));
    this.invokeRandom = new SeededRandom(seed, STREAM.invoke);
    this.coordinationRandom = new SeededRandom(seed, STREAM.coordination);
  }

  run(): SimulationResult {
    const wallStart = performance.now();
    // The client invokes one executor per source, each with its own static schedule.
    const client = new InvokeChannel(undefined, undefined, this.invokeConcurrency);
    for (const source of this.input.dag.sources()) this.callInvoke(client, { taskId: source, inline: [] });
    for (;;) {
      const next = this.queue.pop();
      if (!next) break;
      this.nowMs = next.timeMs;
      this.events += 1;
      this.perform(next.value);
    }
    return this.finish(performance.now() - wallStart);
  }

  private schedule(timeMs: number, action: Action): void {
    this.queue.push(timeMs, action);
    if (this.queue.size > this.peakQueue) this.peakQueue = this.queue.size;
  }

  private perform(action: Action): void {
    switch (action.kind) {
      case 'feed':
        if (action.event.type === 'put-done') this.stored.add(action.event.taskId);
        this.feed(action.executor, action.event);
        break;
      case 'invoke-done': {
        const { channel, call } = action;
        const source = channel.source ?? call.taskId;
        this.platform.submit({ taskId: call.taskId, source, inline: call.inline, acceptedAtMs: this.nowMs }, this.nowMs);
        const queued = channel.next();
        if (queued) this.callInvoke(channel, queued, true);
        if (channel.executor) this.feed(channel.executor, { type: 'invoked', taskId: call.taskId });
        break;
      }
      case 'start':
        this.startExecutor(action.placement);
        break;
      case 'wake':
        this.platform.wake(this.nowMs);
        break;
    }
  }

  /** Starts an Invoke API call now if the caller has a free slot (or already holds one). */
  private callInvoke(channel: InvokeChannel, call: PendingInvoke, slotHeld = false): void {
    if (!slotHeld && !channel.tryStart(call)) return;
    const doneMs = this.nowMs + this.invokeRandom.lognormal(this.input.profile.lambda.invokeApi);
    this.schedule(doneMs, { kind: 'invoke-done', channel, call });
  }

  private startExecutor(placement: Placement): void {
    const { request, container, cold } = placement;
    const { dag, wukong, profile } = this.input;
    const machine = new WukongExecutor(dag, wukong, this.ranks.rankFor(request.source));
    const billedFromMs = cold && profile.lambda.billInitPhase ? placement.assignedAtMs : placement.handlerStartMs;
    const executor = new SimExecutor(machine, request.taskId, request.source, container, cold, billedFromMs, this.invokeConcurrency);
    this.liveExecutors += 1;
    for (const parent of request.inline) executor.memoryBytes += this.outputBytes.get(parent) ?? 0;
    this.feed(executor, { type: 'start', taskId: request.taskId, inline: request.inline });
  }

  private feed(executor: SimExecutor, event: ExecutorEvent): void {
    this.input.observer?.event?.(this.nowMs, executor.executorId, event);
    const instructions = executor.machine.handle(event);
    if (this.input.validateEveryStep) executor.machine.validateState();
    for (const instruction of instructions) this.carry(executor, instruction);
  }

  /** Carries out one instruction at the current virtual time. */
  private carry(executor: SimExecutor, instruction: Instruction): void {
    this.input.observer?.instruction?.(this.nowMs, executor.executorId, instruction);
    const now = this.nowMs;
    const { dag, estimator, memoryMb } = this.input;
    switch (instruction.type) {
      case 'get': {
        const parent = instruction.taskId;
        if (!this.stored.has(parent)) throw new SimulationInvariantError(`${executor.executorId} fetches ${parent}, which is not stored`);
        const bytes = this.outputBytes.get(parent) ?? 0;
        const endMs = this.store.transferEndMs('get', bytes, now, executor.link);
        const consumer = executor.machine.currentTask;
        if (consumer !== undefined) {
          const timing = executor.timingOf(consumer, dag.task(consumer).op, now);
          timing.getMs += endMs - now;
          timing.bytesRead += bytes;
        }
        executor.memoryBytes += bytes;
        this.gets += 1;
        this.schedule(endMs, { kind: 'feed', executor, event: { type: 'got', taskId: parent } });
        break;
      }
      case 'run': {
        const taskId = instruction.taskId;
        const timing = executor.timingOf(taskId, dag.task(taskId).op, now);
        const execMs = estimator.execMs(taskId, memoryMb);
        const outputBytes = estimator.outputBytes(taskId);
        let inputBytes = 0;
        for (const parent of dag.parents(taskId)) inputBytes += this.outputBytes.get(parent) ?? 0;
        timing.startAt = now;
        timing.endAt = now + execMs;
        timing.execMs = execMs;
        timing.inputBytes = inputBytes;
        timing.outputBytes = outputBytes;
        this.outputBytes.set(taskId, outputBytes);
        executor.cpuMs += execMs;
        executor.memoryBytes += outputBytes;
        this.schedule(now + execMs, { kind: 'feed', executor, event: { type: 'ran', taskId, outputBytes } });
        break;
      }
      case 'put': {
        const taskId = instruction.taskId;
        const bytes = this.outputBytes.get(taskId) ?? 0;
        const endMs = this.store.transferEndMs('put', bytes, now, executor.link);
        const timing = executor.timingOf(taskId, dag.task(taskId).op, now);
        timing.putMs += endMs - now;
        timing.bytesWritten += bytes;
        this.puts += 1;
        this.schedule(endMs, { kind: 'feed', executor, event: { type: 'put-done', taskId } });
        break;
      }
      case 'check-fan-in': {
        // Linearized when issued; the answer arrives one round trip later.
        const markedParents = this.fanIns.members(instruction.childId);
        const event: ExecutorEvent = { type: 'fan-in-checked', childId: instruction.childId, parentId: instruction.parentId, markedParents };
        this.schedule(now + this.coordinationRoundTripMs(), { kind: 'feed', executor, event });
        break;
      }
      case 'mark-fan-in': {
        const mark = this.fanIns.mark(instruction.childId, instruction.parentId, instruction.expected);
        const event: ExecutorEvent = { type: 'fan-in-marked', childId: instruction.childId, parentId: instruction.parentId, complete: mark.complete };
        this.schedule(now + this.coordinationRoundTripMs(), { kind: 'feed', executor, event });
        break;
      }
      case 'invoke':
        executor.invoked.push(executorIdOf(instruction.taskId));
        this.callInvoke(executor.invokes, { taskId: instruction.taskId, inline: instruction.inline });
        break;
      case 'output-ready':
        if (!this.stored.has(instruction.taskId)) throw new SimulationInvariantError(`output-ready for ${instruction.taskId}, which is not stored`);
        if (!this.outputsReadyAt.has(instruction.taskId)) this.outputsReadyAt.set(instruction.taskId, now);
        break;
      case 'fail-run':
        this.failure ??= { taskId: instruction.taskId, message: instruction.message };
        break;
      case 'stop':
        this.liveExecutors -= 1;
        this.reports.push(executor.report(now, memoryMb));
        this.platform.release(executor.container, now);
        break;
    }
  }

  private coordinationRoundTripMs(): number {
    return this.coordinationRandom.lognormal(this.input.profile.coordination.opLatency);
  }

  private finish(wallMs: number): SimulationResult {
    const { dag, profile, storeKind, memoryMb, wukong, seed } = this.input;
    const outputTasks = [...new Set(dag.outputRefs().map((ref) => parseDepRef(ref).taskId))];
    const missing = outputTasks.filter((id) => !this.outputsReadyAt.has(id));
    let failure = this.failure;
    if (!failure && this.liveExecutors > 0) failure = { taskId: '-', message: `simulation ended with ${this.liveExecutors} executors still running` };
    if (!failure && missing.length > 0) {
      failure = { taskId: missing[0] as string, message: `simulation ended without producing ${missing.slice(0, 5).join(', ')}` };
    }
    let finishedAt = 0;
    for (const at of this.outputsReadyAt.values()) finishedAt = Math.max(finishedAt, at);
    if (failure) finishedAt = this.nowMs;
    const report = buildRunReport({
      runId: this.input.runId ?? `sim-${seed}`,
      dagName: this.input.dagName ?? 'dag',
      backend: 'simulated',
      planner: 'wukong',
      options: {
        ...wukong,
        memoryMb,
        store: storeKind,
        profile: profile.name,
        seed,
        invokeConcurrency: this.invokeConcurrency,
        warmContainers: this.input.warmContainers ?? 0,
      },
      ok: failure === undefined,
      failure,
      startedAt: 0,
      finishedAt,
      executors: this.reports,
      costMemoryMb: memoryMb,
    });
    // Price at the profile's rates, with the store's request prices (S3 PUT/GET).
    const cost = simulatedCost(profile, this.reports, storeKind, { puts: this.puts, gets: this.gets });
    report.summary.gbSeconds = cost.gbSeconds;
    report.summary.costUsd = cost.usd;
    report.summary.costFormula = cost.formula;
    const platform = this.platform.stats;
    const stats: SimulationStats = {
      eventsProcessed: this.events,
      wallMs,
      peakEventQueue: this.peakQueue,
      tasks: this.totals.tasks,
      executors: this.reports.length,
      coldStarts: platform.coldStarts,
      warmStarts: platform.warmStarts,
      queuedInvocations: platform.queuedInvocations,
      maxPendingInvocations: platform.maxPendingInvocations,
      maxConcurrentExecutions: platform.maxConcurrentExecutions,
      puts: this.puts,
      gets: this.gets,
      fanInCompletions: this.fanIns.completions,
      lowerBoundMs: this.totals.criticalPathMs,
      makespanOverLowerBound: this.totals.criticalPathMs > 0 ? report.makespanMs / this.totals.criticalPathMs : Number.NaN,
      exactSchedules: this.ranks.stats.exact,
      fallbackRanks: this.ranks.stats.fallback,
    };
    return { report, stats, outputsReadyAt: this.outputsReadyAt };
  }
}

function checkInput(input: SimulationInput): void {
  const { lambda } = input.profile;
  if (!Number.isInteger(input.memoryMb) || input.memoryMb < lambda.minMemoryMb || input.memoryMb > lambda.maxMemoryMb) {
    throw new BadInputError(`memory must be a whole number of MB from ${lambda.minMemoryMb} to ${lambda.maxMemoryMb} (profile ${input.profile.name}), got ${input.memoryMb}`);
  }
  if (!Number.isSafeInteger(input.seed)) throw new BadInputError(`seed must be a safe integer, got ${input.seed}`);
  const concurrency = input.invokeConcurrency ?? DEFAULT_SIM_INVOKE_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new BadInputError(`invoke concurrency must be at least 1, got ${concurrency}`);
  const warm = input.warmContainers ?? 0;
  if (!Number.isInteger(warm) || warm < 0) throw new BadInputError(`warm containers must be a whole number, got ${warm}`);
  if (input.dag.sources().length === 0) throw new BadInputError('the DAG has no source tasks');
}

