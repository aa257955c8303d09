import type { Latency } from '../cost/profile.js';
import { BadInputError } from '../model/errors.js';
import { isSharedInstruction, type ExecutorEvent, type Instruction } from '../scheduler/events.js';
import { WukongExecutor } from '../scheduler/wukong-executor.js';
import { SimulatedLambdaPlatform, type Placement } from './lambda-platform.js';
import { ScheduleRanks } from './schedule-ranks.js';
import { SeededRandom } from './seeded-random.js';
import { runPlannedSimulation } from './planned-simulation.js';
import { InvokeChannel, SimExecutor, executorIdOf, type PendingInvoke } from './sim-executor.js';
import { dagTotals, type DagTotals } from './dag-totals.js';
import { SimEngine } from './sim-engine.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY, type SimulationInput, type SimulationResult } from './simulation-types.js';

export { DEFAULT_SIM_INVOKE_CONCURRENCY, type SimulationInput, type SimulationObserver, type SimulationResult, type SimulationStats } from './simulation-types.js';
export { SimulationInvariantError } from './simulation-invariant-error.js';

type Action =
  | { readonly kind: 'feed'; readonly executor: SimExecutor; readonly event: ExecutorEvent }
  | { readonly kind: 'invoke-done'; readonly channel: InvokeChannel; readonly call: PendingInvoke }
  | { readonly kind: 'start'; readonly placement: Placement }
  | { readonly kind: 'wake' };

/** The platform's PRNG stream (see SeededRandom; SimEngine holds the others). */
const STARTUP_STREAM = 1;

/**
 * Runs a DAG in virtual time: the real WUKONG executor state machine (src/scheduler) decides,
 * this engine carries its instructions out at the profile's costs (DESIGN.md §1, §4, §6).
 * Deterministic for a given seed.
 */
export function simulate(input: SimulationInput): SimulationResult {
  checkInput(input);
  const plan = input.plan;
  if (plan) return runPlannedSimulation({ ...input, plan }, input.invokeConcurrency ?? DEFAULT_SIM_INVOKE_CONCURRENCY);
  return new Simulation(input).run();
}

class Simulation extends SimEngine<Action, ExecutorEvent, Instruction, SimExecutor> {
  private readonly totals: DagTotals;
  private readonly ranks: ScheduleRanks;
  private readonly platform: SimulatedLambdaPlatform;
  private readonly invokeConcurrency: number;

  constructor(input: SimulationInput) {
    super(input);
    const { dag, profile, seed } = input;
    this.totals = dagTotals(dag, (id) => input.estimator.execMs(id, input.memoryMb));
    this.ranks = new ScheduleRanks(dag, dag.sources(), this.totals.tasks);
    this.invokeConcurrency = input.invokeConcurrency ?? DEFAULT_SIM_INVOKE_CONCURRENCY;
    this.platform = new SimulatedLambdaPlatform(
      profile.lambda,
      new SeededRandom(seed, STARTUP_STREAM),
      { place: (placement) => this.schedule(placement.handlerStartMs, { kind: 'start', placement }), wakeAt: (t) => this.schedule(t, { kind: 'wake' }) },
      input.warmContainers ?? 0,
    );
  }

  run(): SimulationResult {
    const wallStart = performance.now();
    // The client invokes one executor per source, each with its own static schedule.
    const client = new InvokeChannel(undefined, undefined, this.invokeConcurrency);
    for (const source of this.input.dag.sources()) this.callInvoke(client, { taskId: source, inline: [] });
    this.drain();
    return this.finish(performance.now() - wallStart);
  }

  /** WUKONG-mode marks: the platform's own fan-in latency where it keeps them out of the coordinator. */
  protected override fanInLatency(): Latency {
    return this.input.profile.coordination.wukongFanInLatency ?? this.input.profile.coordination.opLatency;
  }

  protected perform(action: Action): void {
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
    this.schedule(this.nowMs + this.invokeApiMs(), { kind: 'invoke-done', channel, call });
  }

  private startExecutor(placement: Placement): void {
    const { request, container, cold } = placement;
    const { dag, wukong, profile } = this.input;
    const estimator = this.input.estimator;
    const machine = new WukongExecutor(dag, wukong, {
      rank: this.ranks.rankFor(request.source),
      op: (taskId) => dag.task(taskId).op,
      predictedOutputBytes: (taskId) => estimator.outputBytes(taskId),
    });
    const billedFromMs = cold && profile.lambda.billInitPhase ? placement.assignedAtMs : placement.handlerStartMs;
    const executor = new SimExecutor(machine, request.taskId, request.source, container, cold, billedFromMs, this.invokeConcurrency);
    this.liveExecutors += 1;
    for (const parent of request.inline) executor.memoryBytes += this.outputBytes.get(parent) ?? 0;
    this.feed(executor, { type: 'start', taskId: request.taskId, inline: request.inline });
  }

  protected answerAt(atMs: number, executor: SimExecutor, event: ExecutorEvent): void {
    this.schedule(atMs, { kind: 'feed', executor, event });
  }

  /** Carries out one instruction at the current virtual time (links at the store's default bandwidth). */
  protected carry(executor: SimExecutor, instruction: Instruction): void {
    if (isSharedInstruction(instruction)) {
      this.carryShared(executor, instruction, undefined);
      return;
    }
    const now = this.nowMs;
    switch (instruction.type) {
      case 'run': {
        const taskId = instruction.taskId;
        const { endMs, outputBytes } = this.execute(executor, taskId, this.input.memoryMb);
        this.schedule(endMs, { kind: 'feed', executor, event: { type: 'ran', taskId, outputBytes } });
        break;
      }
      case 'sleep':
        this.schedule(now + instruction.ms, { kind: 'feed', executor, event: { type: 'woke' } });
        break;
      case 'invoke':
        executor.invoked.push(executorIdOf(instruction.taskId));
        this.callInvoke(executor.invokes, { taskId: instruction.taskId, inline: instruction.inline });
        break;
      case 'stop':
        this.liveExecutors -= 1;
        this.reports.push(executor.report(now, this.input.memoryMb));
        this.platform.release(executor.container, now);
        break;
    }
  }

  private finish(wallMs: number): SimulationResult {
    const { profile, storeKind, memoryMb, wukong, seed } = this.input;
    const report = this.report({
      planner: 'wukong',
      executorNoun: 'executors',
      options: {
        ...wukong,
        memoryMb,
        store: storeKind,
        profile: profile.name,
        seed,
        invokeConcurrency: this.invokeConcurrency,
        warmContainers: this.input.warmContainers ?? 0,
      },
      costMemoryMb: memoryMb,
    });
    const stats = this.stats(wallMs, report, this.totals, this.platform.stats, this.ranks.stats);
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
  const park = input.parkAfterMs;
  if (park !== undefined && !(Number.isFinite(park) && park >= 0)) throw new BadInputError(`park-after must be a non-negative number of ms, got ${park}`);
}

