import type { Latency } from '../cost/profile.js';
import { parseDepRef } from '../model/dag-schema.js';
import { buildRunReport, type RunReport, type RunReportInput } from '../report/run-report.js';
import type { ExecutorReport } from '../model/run-events.js';
import type { FanInMark } from '../model/fan-in-mark.js';
import type { SharedAnswer, SharedInstruction } from '../scheduler/events.js';
import type { DagTotals } from './dag-totals.js';
import { EventQueue } from './event-queue.js';
import { FanInTable } from './fan-in-table.js';
import type { PlatformStats } from './lambda-platform.js';
import { SeededRandom } from './seeded-random.js';
import { SharedCores } from './shared-cores.js';
import { simulatedCost } from './sim-cost.js';
import type { SimExecutorBase, SimMachine } from './sim-executor-base.js';
import type { SimulationInput, SimulationStats } from './simulation-types.js';
import { SimulationInvariantError } from './simulation-invariant-error.js';
import { StoreModel } from './store-model.js';
import { OutputSizes } from '../dag/output-sizes.js';

/** PRNG streams both engines share, one per purpose (see SeededRandom); platforms pick their own. */
const STREAM = { invoke: 2, store: 3, coordination: 4, sources: 5 } as const;

/** The platform figures a run reports (summed over tiers in planned mode). */
export type StartFigures = Omit<PlatformStats, 'expiredContainers'>;

/** How the engine's clock stood at the end, for the run's outcome. */
interface RunOutcome {
  readonly failure: { taskId: string; message: string } | undefined;
  readonly finishedAt: number;
}

/**
 * What the WUKONG engine (./simulator.ts) and the planned engine (./planned-simulation.ts) share:
 * the virtual clock and its event loop, the data plane (gets, runs and puts at the profile's costs,
 * outputs stored and ready), the random streams, and the run's outcome, report, price and figures.
 * Each engine keeps only its own mode's instructions, invocations and platforms.
 */
export abstract class SimEngine<Action, Event, Instruction, Executor extends SimExecutorBase<SimMachine<Event, Instruction>>> {
  private readonly queue = new EventQueue<Action>();
  protected nowMs = 0;
  protected readonly store: StoreModel;
  protected readonly cores: SharedCores | undefined;
  private readonly invokeRandom: SeededRandom;
  private readonly coordinationRandom: SeededRandom;
  protected readonly fanIns = new FanInTable();
  protected readonly outputBytes = new Map<string, number>();
  protected readonly stored = new Set<string>();
  protected readonly outputsReadyAt = new Map<string, number>();
  protected readonly reports: ExecutorReport[] = [];
  protected liveExecutors = 0;
  protected failure: { taskId: string; message: string } | undefined;
  protected readonly io = { puts: 0, gets: 0, sourceGets: 0, events: 0, peakQueue: 0 };
  private readonly sources: StoreModel;
  private readonly outputSizes: OutputSizes;

  constructor(protected readonly input: SimulationInput) {
    const { profile, seed } = input;
    this.cores = profile.lambda.sharedCpuCores === undefined ? undefined : new SharedCores(profile.lambda.sharedCpuCores);
    this.store = new StoreModel(profile.stores[input.storeKind], input.memoryMb, new SeededRandom(seed, STREAM.store));
    // Data sources (table.read's files) live in S3 on the platform, whatever store the run uses.
    this.sources = new StoreModel(profile.stores.s3, input.memoryMb, new SeededRandom(seed, STREAM.sources));
    this.invokeRandom = new SeededRandom(seed, STREAM.invoke);
    this.coordinationRandom = new SeededRandom(seed, STREAM.coordination);
    this.outputSizes = new OutputSizes(input.dag, input.estimator.outputShares?.bind(input.estimator));
  }

  protected abstract perform(action: Action): void;
  protected abstract carry(executor: Executor, instruction: Instruction): void;

  /** Runs the event loop until no action is left. */
  protected drain(): void {
    for (;;) {
      const next = this.queue.pop();
      if (!next) break;
      this.nowMs = next.timeMs;
      this.io.events += 1;
      this.perform(next.value);
    }
  }

  protected schedule(timeMs: number, action: Action): void {
    this.queue.push(timeMs, action);
    if (this.queue.size > this.io.peakQueue) this.io.peakQueue = this.queue.size;
  }

  protected feed(executor: Executor, event: Event): void {
    this.input.observer?.event?.(this.nowMs, executor.executorId, event as never);
    const instructions = executor.machine.handle(event);
    if (this.input.validateEveryStep) executor.machine.validateState();
    for (const instruction of instructions) {
      this.input.observer?.instruction?.(this.nowMs, executor.executorId, instruction as never);
      this.carry(executor, instruction);
    }
  }

  /**
   * Starts fetching outputs `outputs` (all when undefined) of `parent` now; returns when it ends.
   * `memoryMb`: the executor's tier, whose bandwidth the link has (undefined: the store's default
   * link). The consumer's getMs grows by the wall time its fetches overlap, not their sum.
   */
  protected fetch(executor: Executor, parent: string, outputs: readonly number[] | undefined, memoryMb: number | undefined): number {
    const now = this.nowMs;
    if (!this.stored.has(parent)) throw new SimulationInvariantError(`${executor.executorId} fetches ${parent}, which is not stored`);
    const bytes = this.outputSizes.bytesOf(parent, this.outputBytes.get(parent) ?? 0, outputs);
    const endMs = this.store.transferEndMs('get', bytes, now, executor.link, memoryMb);
    const consumer = executor.machine.currentTask;
    if (consumer !== undefined) {
      const timing = executor.timingOf(consumer, this.input.dag.task(consumer).op, now);
      timing.getMs += executor.fetchWallMs(consumer, now, endMs);
      timing.bytesRead += bytes;
    }
    executor.memoryBytes += bytes;
    this.io.gets += 1;
    return endMs;
  }

  /** Starts storing `taskId`'s output now; returns when it ends (see fetch for `memoryMb`). */
  protected upload(executor: Executor, taskId: string, memoryMb: number | undefined): number {
    const now = this.nowMs;
    const bytes = this.outputBytes.get(taskId) ?? 0;
    const endMs = this.store.transferEndMs('put', bytes, now, executor.link, memoryMb);
    const timing = executor.timingOf(taskId, this.input.dag.task(taskId).op, now);
    timing.putMs += endMs - now;
    timing.bytesWritten += bytes;
    this.io.puts += 1;
    return endMs;
  }

  /**
   * Carries out an instruction both modes share, at the current virtual time, as the runtime's
   * carrySharedInstruction does with real I/O. `linkMemoryMb`: the tier whose bandwidth the
   * executor's links have (undefined: the store's default link).
   */
  protected carryShared(executor: Executor, instruction: SharedInstruction, linkMemoryMb: number | undefined): void {
    const now = this.nowMs;
    switch (instruction.type) {
      case 'get':
        this.answerAt(this.fetch(executor, instruction.taskId, instruction.outputs, linkMemoryMb), executor, { type: 'got', taskId: instruction.taskId });
        break;
      case 'put':
        this.answerAt(this.upload(executor, instruction.taskId, linkMemoryMb), executor, { type: 'put-done', taskId: instruction.taskId });
        break;
      case 'check-fan-in': {
        // Linearized when issued; the answer arrives one round trip later.
        const markedParents = this.markedParents(instruction.childId);
        this.answerAt(now + this.fanInRoundTripMs(), executor, { type: 'fan-in-checked', childId: instruction.childId, parentId: instruction.parentId, markedParents });
        break;
      }
      case 'mark-fan-in': {
        const { childId, parentId, expected } = instruction;
        const mark = this.markFanIn(executor, childId, parentId, expected);
        this.answerAt(now + this.fanInRoundTripMs(), executor, { type: 'fan-in-marked', childId, parentId, complete: mark.complete });
        break;
      }
      case 'output-ready':
        this.outputReady(instruction.taskId);
        break;
      case 'fail-run':
        this.failure ??= { taskId: instruction.taskId, message: instruction.message };
        break;
    }
  }

  /** Feeds `event` to `executor` at virtual time `atMs` (an action of the mode's own kind). */
  protected abstract answerAt(atMs: number, executor: Executor, event: SharedAnswer): void;

  /** The parents marked so far for `childId`'s fan-in (a check's answer). */
  protected markedParents(childId: string): string[] {
    return this.fanIns.members(childId);
  }

  /** Marks `parentId` for `childId`'s fan-in, linearized when issued. */
  protected markFanIn(_executor: Executor, childId: string, parentId: string, expected: number): FanInMark {
    return this.fanIns.mark(childId, parentId, expected);
  }

  /** Runs `taskId` on an environment of `memoryMb`; returns when it ends, with its timing and output size. */
  protected execute(executor: Executor, taskId: string, memoryMb: number): { endMs: number; outputBytes: number; timing: ReturnType<Executor['timingOf']> } {
    const now = this.nowMs;
    const { dag, estimator } = this.input;
    const timing = executor.timingOf(taskId, dag.task(taskId).op, now) as ReturnType<Executor['timingOf']>;
    const execMs = estimator.execMs(taskId, memoryMb);
    const outputBytes = estimator.outputBytes(taskId);
    // The runtime's own CPU for the task comes first (dispatch, decoding inputs), then the op.
    const overheadMs = this.input.profile.lambda.taskOverheadMs ?? 0;
    const computes = estimator.usesCpu?.(taskId) ?? true;
    const sourceBytes = estimator.sourceBytes?.(taskId) ?? 0;
    let startMs: number;
    if (sourceBytes > 0) {
      // A source read fetches from S3 over the executor's link (one GET), then the op computes.
      const dispatchedMs = (this.cores ? this.cores.reserve(now, overheadMs) : now) + overheadMs;
      const readMs = this.sources.transferEndMs('get', sourceBytes, dispatchedMs, executor.link, memoryMb);
      this.io.sourceGets += 1;
      startMs = this.cores && computes ? this.cores.reserve(readMs, execMs) : readMs;
      timing.sourceBytes = sourceBytes;
    } else {
      // On shared cores (the local profile) a CPU-bound task waits for one; the executor waits too.
      const queuedUntil = this.cores ? this.cores.reserve(now, computes ? overheadMs + execMs : overheadMs) : now;
      startMs = queuedUntil + overheadMs;
    }
    // The platform's work beside the task (V8's compiler and collector threads) takes a core after
    // the task's own reservation: it delays what is issued later, never this task.
    const backgroundMs = this.input.profile.lambda.taskBackgroundCpuMs ?? 0;
    if (this.cores && backgroundMs > 0) this.cores.reserve(now, backgroundMs);
    const inputBytes = this.inputBytesOf(taskId);
    timing.startAt = startMs;
    timing.endAt = startMs + execMs;
    timing.execMs = execMs;
    timing.inputBytes = inputBytes;
    timing.outputBytes = outputBytes;
    this.outputBytes.set(taskId, outputBytes);
    executor.cpuMs += overheadMs + execMs;
    executor.memoryBytes += outputBytes;
    return { endMs: startMs + execMs, outputBytes, timing };
  }

  /** Bytes of the outputs `taskId` reads (only the referenced outputs of each parent). */
  private inputBytesOf(taskId: string): number {
    const used = new Map<string, number[]>();
    for (const ref of this.input.dag.inputRefs(taskId)) {
      const list = used.get(ref.taskId) ?? [];
      if (!list.includes(ref.output)) list.push(ref.output);
      used.set(ref.taskId, list);
    }
    let bytes = 0;
    for (const [parent, outputs] of used) bytes += this.outputSizes.bytesOf(parent, this.outputBytes.get(parent) ?? 0, outputs);
    return bytes;
  }

  /** An output task's value is stored: the client hears of it now (the first time counts). */
  protected outputReady(taskId: string): void {
    if (!this.stored.has(taskId)) throw new SimulationInvariantError(`output-ready for ${taskId}, which is not stored`);
    if (!this.outputsReadyAt.has(taskId)) this.outputsReadyAt.set(taskId, this.nowMs);
  }

  protected invokeApiMs(): number {
    return this.invokeRandom.lognormal(this.input.profile.lambda.invokeApi);
  }

  protected coordinationRoundTripMs(): number {
    return this.coordinationRandom.lognormal(this.input.profile.coordination.opLatency);
  }

  private fanInRoundTripMs(): number {
    return this.coordinationRandom.lognormal(this.fanInLatency());
  }

  /** What a fan-in check or mark costs: a coordination round trip, unless the mode marks fan-ins elsewhere. */
  protected fanInLatency(): Latency {
    return this.input.profile.coordination.opLatency;
  }

  /** The run failed, or ended with executors still running (`executorNoun`) or outputs missing. */
  private outcome(executorNoun: string): RunOutcome {
    const outputTasks = [...new Set(this.input.dag.outputRefs().map((ref) => parseDepRef(ref).taskId))];
    const missing = outputTasks.filter((id) => !this.outputsReadyAt.has(id));
    let failure = this.failure;
    if (!failure && this.liveExecutors > 0) failure = { taskId: '-', message: `simulation ended with ${this.liveExecutors} ${executorNoun} still running` };
    if (!failure && missing.length > 0) {
      failure = { taskId: missing[0] as string, message: `simulation ended without producing ${missing.slice(0, 5).join(', ')}` };
    }
    let finishedAt = 0;
    for (const at of this.outputsReadyAt.values()) finishedAt = Math.max(finishedAt, at);
    if (failure) finishedAt = this.nowMs;
    return { failure, finishedAt };
  }

  /**
   * The run report (backend "simulated"), priced at the profile's rates with the store's request
   * prices (S3 PUT/GET); `extraBills` are invocations that ran no executor (prewarms).
   */
  protected report(
    mode: Pick<RunReportInput, 'planner' | 'options' | 'costMemoryMb'> & { readonly executorNoun: string },
    extraBills: readonly ExecutorReport[] = [],
  ): RunReport {
    const { profile, storeKind, seed } = this.input;
    const { failure, finishedAt } = this.outcome(mode.executorNoun);
    const report = buildRunReport({
      runId: this.input.runId ?? `sim-${seed}`,
      dagName: this.input.dagName ?? 'dag',
      backend: 'simulated',
      planner: mode.planner,
      options: mode.options,
      ok: failure === undefined,
      failure,
      startedAt: 0,
      finishedAt,
      executors: this.reports,
      costMemoryMb: mode.costMemoryMb,
    });
    const bills = extraBills.length === 0 ? this.reports : [...this.reports, ...extraBills];
    const cost = simulatedCost(profile, bills, storeKind, { puts: this.io.puts, gets: this.io.gets, sourceGets: this.io.sourceGets });
    report.summary.gbSeconds = cost.gbSeconds;
    report.summary.costUsd = cost.usd;
    report.summary.costFormula = cost.formula;
    return report;
  }

  /** The figures both modes report; `ranks` only where WUKONG's static schedules were computed. */
  protected stats(wallMs: number, report: RunReport, totals: DagTotals, platform: StartFigures, ranks = { exact: 0, fallback: 0 }): SimulationStats {
    return {
      eventsProcessed: this.io.events,
      wallMs,
      peakEventQueue: this.io.peakQueue,
      tasks: totals.tasks,
      executors: this.reports.length,
      coldStarts: platform.coldStarts,
      warmStarts: platform.warmStarts,
      queuedInvocations: platform.queuedInvocations,
      maxPendingInvocations: platform.maxPendingInvocations,
      maxConcurrentExecutions: platform.maxConcurrentExecutions,
      puts: this.io.puts,
      gets: this.io.gets,
      fanInCompletions: this.fanIns.completions,
      lowerBoundMs: totals.criticalPathMs,
      makespanOverLowerBound: totals.criticalPathMs > 0 ? report.makespanMs / totals.criticalPathMs : Number.NaN,
      exactSchedules: ranks.exact,
      fallbackRanks: ranks.fallback,
    };
  }
}
