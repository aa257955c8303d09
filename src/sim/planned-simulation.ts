import { BadInputError } from '../model/errors.js';
import type { FanInMark } from '../model/fan-in-mark.js';
import { isSharedInstruction } from '../scheduler/events.js';
import { topologicalOrder as topologicalOrderOf } from '../model/topological-order.js';
import { DEFAULT_PARK_AFTER_MS } from '../model/run-spec.js';
import type { PlannedEvent, PlannedInstruction } from '../scheduler/planned-events.js';
import { PARK_MEMBER, PlanLayout, workerExecutorId } from '../scheduler/planned-layout.js';
import { PlannedWorker } from '../scheduler/planned-worker.js';
import { awaitedWorker, claimOwner, startLaunches } from '../scheduler/planned-start.js';
import { dagTotals, type DagTotals } from './dag-totals.js';
import { FanInStateError } from './fan-in-table.js';
import type { Container, InvocationRequest, Placement } from './lambda-platform.js';
import { PlannedSimExecutor } from './planned-sim-executor.js';
import { phaseLayout } from './phase-layout.js';
import { HandOverPool, type HeldWorker } from './hand-over-pool.js';
import { DriftTrigger, FrozenOutputs } from './drift-trigger.js';
import type { Action, Launch } from './planned-sim-actions.js';
import { replanPhases, replanPointProblems } from '../plan/replan-phases.js';
import { PlannedEngineBase } from './planned-engine-base.js';
import { SimulationInvariantError } from './simulation-invariant-error.js';
import { plannedRunStats, prewarmBill, summedStartFigures, tierSummary, type PlannedSimulationResult } from './planned-run-stats.js';
import type { SimulatedPlan, SimulationInput } from './simulation-types.js';

export type { SimulatedPlan } from './simulation-types.js';

export type { PlannedRunStats, PlannedSimulationResult } from './planned-run-stats.js';


/**
 * Planned mode in virtual time (DESIGN.md §4 "Planned mode"): every worker incarnation is the real
 * PlannedWorker (src/scheduler), and this engine carries its instructions out as
 * src/runtime/planned-session.ts does, at the profile's costs:
 * - each worker runs on an environment of its plan tier (one simulated function per tier, cold or
 *   warm per the platform model); gets and puts go through the shared StoreModel at the tier's
 *   bandwidth; fan-in reads and marks cost one coordination round trip, linearized when issued;
 * - a notification lands in the worker's inbox one round trip after it is sent; a wait returns when
 *   a message is (or already was) there, or after its timeout (parkAfterMs minus what was waited);
 * - invoke-worker and prewarm are Invoke API calls; a prewarm's environment runs no work and goes
 *   idle (warm) as soon as its handler starts; its billed time and request are priced.
 * - re-planning points (plan.replanAfter) split the run into phases (src/plan/replan-phases.ts):
 *   when every task of a phase has run and its workers have stopped, the client hears of it one
 *   round trip later, asks `input.replanner` for a plan of the rest (with the compute times
 *   observed so far and the workers held for a hand-over; the planner's wall time is reported,
 *   not charged) and starts the workers whose first task's inputs are all stored; the others are
 *   invoked by their producers, as usual. A phase's worker that has run its tasks waits up to
 *   parkAfterMs for the next phase (./hand-over-pool.ts); a started worker of the next phase is
 *   handed to a held worker of its tier (one round trip), and invoked only when none is left.
 * Not modelled: Lambda's timeout (deadline hand-off), as in the WUKONG engine.
 */
export function runPlannedSimulation(input: SimulationInput & { readonly plan: SimulatedPlan }, invokeConcurrency: number): PlannedSimulationResult {
  return new PlannedSimulation(input, invokeConcurrency).run();
}

class PlannedSimulation extends PlannedEngineBase {
  private layout: PlanLayout;
  private readonly order: readonly string[];
  /** Task ids per phase (one phase without re-planning points) and the phase running. */
  private readonly phases: readonly (readonly string[])[];
  private phase = 0;
  private phaseTasksLeft: number;
  /** The plan the current phase follows (the re-planned one after a point). */
  private plan: SimulatedPlan;
  private nextWorker = 0;
  /** Every worker of every phase (ids are not reused) and its tier. */
  private readonly allWorkers = new Map<number, number>();
  /** Finished tasks: compute time and tier, for the re-planner. */
  private readonly observed = new Map<string, { execMs: number; memoryMb: number }>();
  private replanWallMs = 0;
  private readonly totals: DagTotals;
  private readonly parkAfterMs: number;
  /** Hedged start workers claimed so far (`wk:{run}:start:{worker}`), with the owner that holds each. */
  private readonly startClaims = new Map<number, string>();
  /** Workers of the phase running that ran their tasks and wait for the next phase. */
  private readonly held = new HandOverPool();
  /** A drift trigger (plan.replanOnDrift), when the plan has one and the run a re-planner. */
  private readonly driftTrigger: DriftTrigger | undefined;
  /** Executors started and not ended; at a drift re-plan every one of them is retired. */
  private readonly live = new Set<PlannedSimExecutor>();
  /** Executors of the plan a drift re-plan replaced: they get no more events, only finish the task they run. */
  private readonly retired = new Set<PlannedSimExecutor>();
  private readonly retiring = new Set<PlannedSimExecutor>();
  private readonly retiredLayouts = new Set<PlanLayout>();
  /** Which executor ran each task (its output is in that executor's memory), when it finished, and puts issued. */
  private readonly ranBy = new Map<string, PlannedSimExecutor>();
  private readonly finishedAt = new Map<string, number>();
  private readonly putsIssued = new Set<string>();
  private readonly frozen = new FrozenOutputs();
  /** Tasks a drift re-plan planned again (their outputs are what retired workers still store). */
  private replanned: ReadonlySet<string> = new Set();

  constructor(
    protected override readonly input: SimulationInput & { readonly plan: SimulatedPlan },
    invokeConcurrency: number,
  ) {
    super(input, invokeConcurrency);
    const { dag, plan } = input;
    this.plan = plan;
    this.order = topologicalOrderOf(dag);
    const taskSet = new Set(this.order);
    const points = plan.replanAfter ?? [];
    const problems = replanPointProblems({ topologicalOrder: () => this.order, parents: (id) => dag.parents(id), has: (id) => taskSet.has(id) }, points);
    if (problems.length > 0) throw new BadInputError(`the plan cannot be simulated: ${problems.map((p) => p.message).join('; ')}`);
    if (plan.replanOnDrift && points.length > 0) throw new BadInputError('the plan cannot be simulated: it has both re-planning points and a drift trigger; give one');
    if (plan.replanOnDrift && input.replanner && input.drift) this.driftTrigger = new DriftTrigger(plan.replanOnDrift, input.drift);
    this.phases = replanPhases({ topologicalOrder: () => this.order, parents: (id) => dag.parents(id), has: (id) => taskSet.has(id) }, points);
    this.phaseTasksLeft = this.phases[0]?.length ?? 0;
    this.layout = this.layoutOf(plan, 0);
    const firstLayout = new PlanLayout(dag, this.order, plan);
    this.totals = dagTotals(dag, (id) => input.estimator.execMs(id, firstLayout.memoryMbOf(firstLayout.worker(id))));
    this.parkAfterMs = input.parkAfterMs ?? DEFAULT_PARK_AFTER_MS;
    const tiers = [...new Set(this.layout.workers().map((w) => this.layout.memoryMbOf(w)))].sort((a, b) => a - b);
    for (const memoryMb of tiers) this.platformOf(memoryMb);
  }

  /** The layout phase `phase` follows under `plan` (the whole run's when there is one phase). */
  private layoutOf(plan: SimulatedPlan, phase: number, drifted?: { readonly tasks: readonly string[]; readonly frozen: ReadonlySet<string> }): PlanLayout {
    const { dag, profile } = this.input;
    let layout: PlanLayout;
    try {
      if (this.phases.length === 1 && drifted === undefined) {
        layout = new PlanLayout(dag, this.order, plan);
      } else {
        const built = phaseLayout(dag, this.order, plan, drifted?.tasks ?? this.phases[phase] ?? [], drifted?.frozen ?? new Set(this.observed.keys()), this.nextWorker);
        layout = built.layout;
        this.nextWorker = built.nextWorker;
      }
    } catch (error) {
      throw new BadInputError(`the plan cannot be simulated: ${(error as Error).message}`);
    }
    const phaseTasks = new Set(drifted?.tasks ?? this.phases[phase]);
    for (const worker of layout.workers()) {
      if (!layout.tasksOf(worker).some((id) => phaseTasks.has(id))) continue; // the finished tasks' worker
      const memoryMb = layout.memoryMbOf(worker);
      const { minMemoryMb, maxMemoryMb } = profile.lambda;
      if (!(memoryMb >= minMemoryMb && memoryMb <= maxMemoryMb)) {
        throw new BadInputError(`worker ${worker} has ${memoryMb} MB; profile ${profile.name} allows ${minMemoryMb} to ${maxMemoryMb} MB`);
      }
      this.allWorkers.set(worker, memoryMb);
    }
    return layout;
  }

  run(): PlannedSimulationResult {
    const wallStart = performance.now();
    // The client invokes every worker whose first task is a source, hedged as the plan says (src/runtime/initial-executors.ts).
    for (const { worker, hedge } of startLaunches(this.layout, this.plan.hedgeStarts === true)) {
      this.clientInvoke({ kind: 'worker', worker, layout: this.layout, ...(hedge === undefined ? {} : { hedge }) });
    }
    this.drain();
    return this.finish(performance.now() - wallStart);
  }

  protected perform(action: Action): void {
    switch (action.kind) {
      case 'feed':
        if (action.event.type === 'put-done') this.storedNow(action.event.taskId);
        if (action.event.type === 'ran' && !action.event.dup) this.ran(action.event.taskId, action.executor);
        if (this.retired.has(action.executor)) this.retiredEvent(action.executor, action.event);
        else this.feed(action.executor, action.event);
        break;
      case 'invoke-done':
        this.invokeAccepted(action.launch, action.caller);
        break;
      case 'start':
        this.started(action.placement, action.memoryMb);
        break;
      case 'wake':
        this.platformOf(action.memoryMb).wake(this.nowMs);
        break;
      case 'inbox-message':
        this.inboxMessage(action.worker);
        break;
      case 'wait-timeout': {
        const { executor, token } = action;
        if (executor.wait?.token !== token) break; // a message woke it first
        this.counts.waitTimeouts += 1;
        this.wakeFromWait(executor);
        break;
      }
      case 'end':
        if (!this.retired.has(action.executor)) this.end(action.executor);
        break;
      case 'drift-replan':
        this.driftReplan();
        break;
      case 'stored-on-behalf':
        this.storedNow(action.taskId);
        if (this.input.dag.isOutput(action.taskId)) this.outputReady(action.taskId);
        break;
      case 'retired':
        this.retiredEnd(action.executor);
        break;
      case 'next-phase':
        this.nextPhase();
        break;
      case 'hold-expired':
        if (this.held.remove(action.held)) this.letGo(action.held);
        break;
      case 'hand-over':
        this.handedOver(action.worker, action.layout, action.container, action.memoryMb);
        break;
    }
  }

  private ran(taskId: string, executor: PlannedSimExecutor): void {
    const { memoryMb } = executor;
    this.observed.set(taskId, { execMs: this.input.estimator.execMs(taskId, memoryMb), memoryMb });
    this.ranBy.set(taskId, executor);
    this.finishedAt.set(taskId, this.nowMs);
    this.phaseTasksLeft -= 1;
    // The client hears of the task (its progress event) one round trip later, and re-plans then.
    if (!this.failure && this.driftTrigger?.check(this.observed, this.nowMs)) this.schedule(this.nowMs + this.coordinationRoundTripMs(), { kind: 'drift-replan' });
  }

  /** `taskId`'s output is in the store: consumers of a drift re-plan that wait for it are marked. */
  private storedNow(taskId: string): void {
    this.stored.add(taskId);
    for (const consumer of this.frozen.stored(taskId)) this.markOnBehalf(consumer, taskId);
  }

  /**
   * The drift trigger fired (./drift-trigger.ts): every task not finished and not running is
   * planned again, with the times the client had heard of when it fired. Each worker of the old
   * plan is retired: one running a task finishes it, stores what the new plan reads of what it
   * ran, and stops; the others stop now (and may be handed a worker of the new plan). The new
   * plan's tasks read the frozen tasks as stored sources, marked on their producers' behalf once
   * stored; its workers whose first task has all its inputs start as a phase's do.
   */
  private driftReplan(): void {
    const replanner = this.input.replanner;
    if (this.failure || replanner === undefined) return;
    const running = new Set<string>();
    for (const executor of this.live) {
      const task = executor.machine.currentTask;
      if (executor.machine.currentPhase === 'running' && task !== undefined) running.add(task);
    }
    const frozen = new Set([...this.observed.keys(), ...running]);
    const tasks = this.order.filter((id) => !frozen.has(id));
    if (tasks.length === 0) return;
    const oldLayout = this.layout;
    this.retiredLayouts.add(oldLayout);
    this.replanned = new Set(tasks);
    for (const executor of [...this.live]) this.retire(executor);
    for (let i = this.clientQueue.length - 1; i >= 0; i -= 1) if (this.clientQueue[i]?.layout === oldLayout) this.clientQueue.splice(i, 1);
    const firedAt = this.driftTrigger?.firedAtMs ?? this.nowMs;
    const heard = new Map([...this.observed].filter(([id]) => (this.finishedAt.get(id) ?? Infinity) <= firedAt));
    for (const id of this.observed.keys()) if (!heard.has(id)) running.add(id);
    const wallStart = performance.now();
    const warmEnvironments = new Map([...this.platforms].map(([memoryMb, platform]) => [memoryMb, platform.idleEnvironments(this.nowMs)]));
    const plan = replanner({ atMs: this.nowMs, observed: heard, running, heldWorkers: this.held.countByTier(), warmEnvironments });
    this.replanWallMs += performance.now() - wallStart;
    this.counts.replans += 1;
    if (plan) this.plan = plan;
    this.nextWorker = Math.max(this.nextWorker, ...[...this.allWorkers.keys()].map((w) => w + 1));
    const layout = this.layoutOf(this.plan, 0, { tasks, frozen });
    this.layout = layout;
    for (const id of tasks) this.fanIns.forget(id);
    for (const id of tasks) {
      for (const parent of layout.remoteParents(id)) {
        if (!frozen.has(parent)) continue;
        if (this.stored.has(parent)) this.markOnBehalf(id, parent);
        else if (this.putsIssued.has(parent) || running.has(parent) || this.retiring.has(this.ranBy.get(parent) as PlannedSimExecutor)) this.frozen.await(parent, id);
        else throw new SimulationInvariantError(`drift re-plan: ${id} reads ${parent}, whose output is neither stored nor held by a worker`);
      }
    }
    const starts = new Set(tasks);
    for (const worker of layout.workers()) {
      const first = layout.first(worker);
      if (starts.has(first) && layout.remoteParents(first).length === 0) this.startPhaseWorker(worker, layout, this.hedgesStarts());
    }
    // Held workers the new plan has no start for stop now; their environments stay warm.
    for (const held of this.held.drain()) this.letGo(held);
  }

  /** Whether the plan now followed hedges its starts: the re-planned plan's word, else the first plan's. */
  private hedgesStarts(): boolean {
    return (this.plan.hedgeStarts ?? this.input.plan.hedgeStarts) === true;
  }

  /** A producer's mark made for it (a frozen task of a drift re-plan): completes a first task's fan-in, else notifies. */
  private markOnBehalf(consumer: string, producer: string): void {
    const layout = this.layout;
    const mark = this.fanIns.mark(consumer, producer, layout.expected(consumer));
    if (mark.complete) {
      this.startPhaseWorker(layout.worker(consumer), layout, this.hedgesStarts());
      return;
    }
    this.counts.notifications += 1;
    this.schedule(this.nowMs + this.coordinationRoundTripMs(), { kind: 'inbox-message', worker: layout.worker(consumer) });
  }

  /** An old-plan executor at a drift re-plan: it stops at its task boundary. */
  private retire(executor: PlannedSimExecutor): void {
    this.retired.add(executor);
    if (executor.wait) {
      if (this.waiting.get(executor.worker) === executor) this.waiting.delete(executor.worker);
      executor.wait = undefined;
    }
    if (executor.machine.currentPhase === 'running') this.retiring.add(executor);
    else this.stopRetired(executor);
  }

  /** A retired executor's events: only its running task's end matters (and a put's, for the client). */
  private retiredEvent(executor: PlannedSimExecutor, event: PlannedEvent): void {
    if (event.type === 'ran' && !event.dup && this.retiring.delete(executor)) this.stopRetired(executor);
    else if (event.type === 'put-done' && this.input.dag.isOutput(event.taskId)) this.outputReady(event.taskId);
  }

  /** Stores what the new plan (or the client) reads of the tasks `executor` ran, then stops it. */
  private stopRetired(executor: PlannedSimExecutor): void {
    let endMs = this.nowMs;
    for (const [taskId, by] of this.ranBy) {
      if (by !== executor || this.stored.has(taskId) || this.putsIssued.has(taskId)) continue;
      const needed = this.input.dag.isOutput(taskId) || this.input.dag.children(taskId).some((c) => this.replanned.has(c));
      if (!needed) continue;
      this.putsIssued.add(taskId);
      const doneMs = this.upload(executor, taskId, executor.memoryMb);
      this.schedule(doneMs, { kind: 'stored-on-behalf', taskId });
      endMs = Math.max(endMs, doneMs);
    }
    if (endMs > this.nowMs) this.schedule(endMs, { kind: 'retired', executor });
    else this.retiredEnd(executor);
  }

  /** A retired executor stops: reported; held for a start of the new plan while one is being made, else its environment goes idle. */
  private retiredEnd(executor: PlannedSimExecutor): void {
    this.live.delete(executor);
    this.liveExecutors -= 1;
    if (executor.machine.isUnclaimed) {
      this.prewarmBills.push(prewarmBill(executor.worker, executor.memoryMb, executor.cold, executor.billedFromMs, this.nowMs));
      this.platformOf(executor.memoryMb).release(executor.container, this.nowMs);
      return;
    }
    const report = executor.report(this.nowMs);
    // Before the new plan is made (counts.replans not yet counted) an idle one waits for a start of it.
    if (this.counts.replans > 0) {
      this.reports.push(report);
      this.platformOf(executor.memoryMb).release(executor.container, this.nowMs);
      return;
    }
    this.held.hold({ container: executor.container, memoryMb: executor.memoryMb, sinceMs: this.nowMs, report });
  }

  /**
   * A phase ended (every task ran, every worker stopped): the client hears of it one round trip
   * later, re-plans the rest, and invokes the workers whose first task's inputs are all stored.
   */
  private nextPhase(): void {
    this.phase += 1;
    this.phaseTasksLeft = this.phases[this.phase]?.length ?? 0;
    const replanner = this.input.replanner;
    if (replanner) {
      const wallStart = performance.now();
      const warmEnvironments = new Map([...this.platforms].map(([memoryMb, platform]) => [memoryMb, platform.idleEnvironments(this.nowMs)]));
      const plan = replanner({ atMs: this.nowMs, observed: new Map(this.observed), heldWorkers: this.held.countByTier(), warmEnvironments });
      this.replanWallMs += performance.now() - wallStart;
      this.counts.replans += 1;
      if (plan) this.plan = plan;
    }
    const layout = this.layoutOf(this.plan, this.phase);
    this.layout = layout;
    for (const id of this.phases[this.phase] ?? []) {
      for (const parent of layout.remoteParents(id)) {
        if (!this.observed.has(parent)) continue;
        // The finished producer's mark, made on its behalf: its output is stored.
        const mark = this.fanIns.mark(id, parent, layout.expected(id));
        if (mark.complete) this.startPhaseWorker(layout.worker(id), layout);
      }
    }
    // Held workers the new plan has no start for stop now; their environments stay warm.
    for (const held of this.held.drain()) this.letGo(held);
  }

  /** A worker of a new phase whose inputs are all stored: handed to a held worker of its tier, else invoked. */
  private startPhaseWorker(worker: number, layout: PlanLayout, hedge = false): void {
    const memoryMb = layout.memoryMbOf(worker);
    const held = this.held.take(memoryMb);
    if (held === undefined) {
      // A drift re-plan's start hedges as the run's plan says (src/scheduler/planned-start.ts).
      if (hedge && awaitedWorker(layout, worker)) for (const copy of [0, 1] as const) this.clientInvoke({ kind: 'worker', worker, layout, hedge: copy });
      else this.clientInvoke({ kind: 'worker', worker, layout });
      return;
    }
    // The client's message reaches the held worker's inbox one round trip later.
    const atMs = this.nowMs + this.coordinationRoundTripMs();
    this.letGo(held, atMs, false);
    this.counts.handOvers += 1;
    this.schedule(atMs, { kind: 'hand-over', worker, layout, container: held.container, memoryMb });
  }

  /** The held worker runs as `worker` of the new plan on its environment: the same invocation, billed on. */
  private handedOver(worker: number, layout: PlanLayout, container: Container, memoryMb: number): void {
    const machine = new PlannedWorker(layout, worker, { parkAfterMs: this.parkAfterMs });
    const executor = new PlannedSimExecutor(machine, workerExecutorId(worker, undefined), layout.first(worker), memoryMb, container, false, this.nowMs);
    this.liveExecutors += 1;
    this.live.add(executor);
    this.feed(executor, { type: 'start' });
  }

  /** A held worker's wait ends at `atMs` (billed until then); `release`: it stops and its environment goes idle. */
  private letGo(held: HeldWorker, atMs = this.nowMs, release = true): void {
    this.reports.push({ ...held.report, endedAt: atMs });
    if (release) this.platformOf(held.memoryMb).release(held.container, atMs);
  }

  /** The Invoke API call returned: the platform holds the request; the caller learns it. */
  private invokeAccepted(launch: Launch, caller: PlannedSimExecutor | undefined): void {
    const firstTask = launch.layout.first(launch.worker);
    const taskId = launch.kind === 'worker' ? (launch.resumeAt ?? firstTask) : firstTask;
    const request: InvocationRequest = { taskId, source: '', inline: [], acceptedAtMs: this.nowMs };
    this.launches.set(request, launch);
    this.platformOf(launch.layout.memoryMbOf(launch.worker)).submit(request, this.nowMs);
    if (caller === undefined) {
      const queued = this.clientQueue.shift();
      if (queued) this.schedule(this.nowMs + this.invokeApiMs(), { kind: 'invoke-done', launch: queued, caller: undefined });
      else this.clientFree += 1;
    } else if (launch.kind === 'worker' && !this.retired.has(caller)) {
      this.feed(caller, { type: 'worker-invoked', worker: launch.worker });
    }
  }

  private started(placement: Placement, memoryMb: number): void {
    const launch = this.launches.get(placement.request);
    if (!launch) throw new SimulationInvariantError(`an environment started for an unknown request (task ${placement.request.taskId})`);
    this.launches.delete(placement.request);
    const billedFromMs = placement.cold && this.input.profile.lambda.billInitPhase ? placement.assignedAtMs : placement.handlerStartMs;
    if (launch.kind === 'prewarm') {
      // The handler sees a prewarm event and returns: the environment is warm and idle.
      this.prewarmBills.push(prewarmBill(launch.worker, memoryMb, placement.cold, billedFromMs, this.nowMs));
      this.platformOf(memoryMb).release(placement.container, this.nowMs);
      return;
    }
    if (this.retiredLayouts.has(launch.layout)) {
      // Invoked for the plan a drift re-plan replaced: the handler finds it replaced and stops (billed, unreported).
      this.prewarmBills.push(prewarmBill(launch.worker, memoryMb, placement.cold, billedFromMs, this.nowMs));
      this.platformOf(memoryMb).release(placement.container, this.nowMs);
      return;
    }
    const { worker, resumeAt, hedge } = launch;
    if (resumeAt !== undefined) this.counts.resumes += 1;
    const machine = new PlannedWorker(launch.layout, worker, {
      parkAfterMs: this.parkAfterMs,
      ...(resumeAt === undefined ? {} : { resumeAt }),
      ...(hedge === undefined ? {} : { claimAs: claimOwner(worker, hedge) }),
    });
    const executor = new PlannedSimExecutor(machine, workerExecutorId(worker, resumeAt), placement.request.taskId, memoryMb, placement.container, placement.cold, billedFromMs);
    this.liveExecutors += 1;
    this.live.add(executor);
    this.feed(executor, { type: 'start' });
  }

  /** A mark of a real parent follows its upload; a park mark that completes nothing is a park. */
  protected override markFanIn(executor: PlannedSimExecutor, childId: string, parentId: string, expected: number): FanInMark {
    if (parentId !== PARK_MEMBER && !this.stored.has(parentId)) throw new SimulationInvariantError(`${executor.executorId} marks ${parentId} for ${childId} before storing it`);
    const mark = this.fanIns.mark(childId, parentId, expected);
    if (parentId === PARK_MEMBER && !mark.complete) this.counts.parks += 1;
    return mark;
  }

  /** Carries out one instruction at the current virtual time, as PlannedSession does with real I/O. */
  protected carry(executor: PlannedSimExecutor, instruction: PlannedInstruction): void {
    // A task a later phase reads is stored as if it were an output (./phase-layout.ts); only the DAG's outputs reach the client.
    if (instruction.type === 'output-ready' && !this.input.dag.isOutput(instruction.taskId)) return;
    if (isSharedInstruction(instruction)) {
      // A worker running a task has that task's inputs: a get now is for a later task.
      if (instruction.type === 'get' && executor.machine.currentPhase === 'running') this.counts.preloads += 1;
      if (instruction.type === 'put') this.putsIssued.add(instruction.taskId);
      // Links run at the bandwidth of the worker's tier.
      this.carryShared(executor, instruction, executor.memoryMb);
      return;
    }
    const now = this.nowMs;
    switch (instruction.type) {
      case 'run':
        this.runTask(executor, instruction.taskId, instruction.dup);
        break;
      case 'wait':
        this.startWait(executor, instruction.taskId, instruction.timeoutMs);
        break;
      case 'invoke-worker': {
        const launch: Launch = { kind: 'worker', worker: instruction.worker, layout: this.layout, ...(instruction.resumeAt === undefined ? {} : { resumeAt: instruction.resumeAt }) };
        executor.invoked.push(workerExecutorId(instruction.worker, instruction.resumeAt));
        this.schedule(now + this.invokeApiMs(), { kind: 'invoke-done', launch, caller: executor });
        break;
      }
      case 'claim-start': {
        // Linearized when issued (claim.lua): the first owner holds it; the answer comes one round trip later.
        const holder = this.startClaims.get(instruction.worker) ?? instruction.owner;
        this.startClaims.set(instruction.worker, holder);
        this.schedule(now + this.coordinationRoundTripMs(), { kind: 'feed', executor, event: { type: 'start-claimed', won: holder === instruction.owner } });
        break;
      }
      case 'notify':
        // An inbox push: it lands one round trip after it is sent (fire and forget).
        this.counts.notifications += 1;
        this.schedule(now + this.coordinationRoundTripMs(), { kind: 'inbox-message', worker: instruction.worker });
        break;
      case 'prewarm': {
        this.counts.prewarms += 1;
        const doneMs = now + this.invokeApiMs();
        executor.settleAtMs = Math.max(executor.settleAtMs, doneMs);
        this.schedule(doneMs, { kind: 'invoke-done', launch: { kind: 'prewarm', worker: instruction.worker, layout: this.layout }, caller: executor });
        break;
      }
      case 'stop':
        // The driver settles tracked calls (prewarms) before the handler returns.
        if (executor.settleAtMs > now) this.schedule(executor.settleAtMs, { kind: 'end', executor });
        else this.end(executor);
        break;
    }
  }

  private runTask(executor: PlannedSimExecutor, taskId: string, dup: boolean): void {
    const { endMs, timing } = this.execute(executor, taskId, executor.memoryMb);
    if (dup) {
      timing.dup = true;
      this.counts.dupRuns += 1;
    }
    this.schedule(endMs, { kind: 'feed', executor, event: { type: 'ran', taskId, dup } });
  }

  /**
   * Marks read so far. A completed fan-in has every member marked; the Redis set still answers, so
   * the simulated one does too (the FanInTable drops members on completion).
   */
  protected override markedParents(childId: string): string[] {
    try {
      return this.fanIns.members(childId);
    } catch (error) {
      if (!(error instanceof FanInStateError)) throw error;
      return [...this.layout.remoteParents(childId)];
    }
  }

  private end(executor: PlannedSimExecutor): void {
    this.liveExecutors -= 1;
    this.live.delete(executor);
    if (executor.machine.isUnclaimed) {
      // The losing copy of a hedged start: billed like a prewarm, unreported; its environment goes idle.
      this.counts.lostClaims += 1;
      this.prewarmBills.push(prewarmBill(executor.worker, executor.memoryMb, executor.cold, executor.billedFromMs, this.nowMs));
      this.platformOf(executor.memoryMb).release(executor.container, this.nowMs);
      return;
    }
    const report = executor.report(this.nowMs);
    if (this.phase + 1 < this.phases.length && !this.failure && this.parkAfterMs > 0) {
      // Waits for the next phase's hand-over as long as it would wait for an input before parking.
      const held: HeldWorker = { container: executor.container, memoryMb: executor.memoryMb, sinceMs: this.nowMs, report };
      this.held.hold(held);
      this.schedule(this.nowMs + this.parkAfterMs, { kind: 'hold-expired', held });
    } else {
      this.reports.push(report);
      this.platformOf(executor.memoryMb).release(executor.container, this.nowMs);
    }
    if (this.liveExecutors === 0 && this.phaseTasksLeft === 0 && this.phase + 1 < this.phases.length && !this.failure) {
      this.schedule(this.nowMs + this.coordinationRoundTripMs(), { kind: 'next-phase' });
    }
  }

  private finish(wallMs: number): PlannedSimulationResult {
    // A failed run may leave workers held: they stopped when they began to wait.
    for (const held of this.held.drain()) this.letGo(held, held.sinceMs);
    const { profile, storeKind, seed, plan } = this.input;
    const planner = plan.algorithm ?? 'plan';
    const report = this.report(
      {
        planner,
        executorNoun: 'workers',
        options: {
          planner,
          workers: this.allWorkers.size,
          parkAfterMs: this.parkAfterMs,
          memoryMb: tierSummary(this.allWorkers),
          store: storeKind,
          profile: profile.name,
          seed,
          invokeConcurrency: this.invokeConcurrency,
          warmContainers: this.input.warmContainers ?? 0,
        },
        // Each executor is priced at its own tier; this is only the fallback of executors without one.
        costMemoryMb: Math.max(...this.allWorkers.values()),
      },
      this.prewarmBills,
    );
    const platform = summedStartFigures([...this.platforms.values()].map((p) => p.stats));
    const drift = this.driftTrigger?.firedAtMs === undefined ? {} : { driftReplanAtMs: this.driftTrigger.firedAtMs, driftFactor: this.driftTrigger.firedFactor as number };
    const planned = { ...plannedRunStats(planner, this.allWorkers.size, this.counts, this.replanWallMs, plan.predicted), ...drift };
    return { report, stats: this.stats(wallMs, report, this.totals, platform), outputsReadyAt: this.outputsReadyAt, planned };
  }
}
