import { BadInputError } from '../model/errors.js';
import { DEFAULT_DRIFT_MIN_GAIN } from '../model/annotated-dag.js';
import type { PlannedEvent } from '../scheduler/planned-events.js';
import { topologicalOrder as topologicalOrderOf } from '../model/topological-order.js';
import { DEFAULT_PARK_AFTER_MS } from '../model/run-spec.js';
import { PlanLayout, workerExecutorId } from '../scheduler/planned-layout.js';
import { PlannedWorker } from '../scheduler/planned-worker.js';
import { awaitedWorker } from '../scheduler/planned-start.js';
import type { Container } from './lambda-platform.js';
import { PlannedSimExecutor } from './planned-sim-executor.js';
import { phaseLayout } from './phase-layout.js';
import { HandOverPool, type HeldWorker } from './hand-over-pool.js';
import { DriftTrigger, FrozenOutputs } from './drift-trigger.js';
import { replanPhases, replanPointProblems } from '../plan/replan-phases.js';
import { PlannedEngineBase } from './planned-engine-base.js';
import { SimulationInvariantError } from './simulation-invariant-error.js';
import { SeededRandom } from './seeded-random.js';

/** The stream of the client's drift notices (SimEngine's are 2-5, the tiers' from 100). */
const DRIFT_NOTICE_STREAM = 6;
import { prewarmBill } from './planned-run-stats.js';
import type { SimulatedPlan, SimulationInput } from './simulation-types.js';

/**
 * Re-planning in planned mode (./planned-simulation.ts is the engine that runs the workers): the
 * plan the run follows and its layout, the phases re-planning points split the run into (each
 * phase's workers held for a hand-over to the next, ./hand-over-pool.ts), and the drift switch
 * (./drift-trigger.ts): when the trigger fires, the old plan's workers are retired at their task
 * boundaries and every task not started follows a new plan.
 */
export abstract class PlannedReplanningEngine extends PlannedEngineBase {
  protected layout: PlanLayout;
  protected readonly order: readonly string[];
  /** Task ids per phase (one phase without re-planning points) and the phase running. */
  protected readonly phases: readonly (readonly string[])[];
  protected phase = 0;
  protected phaseTasksLeft: number;
  /** The plan the current phase follows (the re-planned one after a point). */
  protected plan: SimulatedPlan;
  protected nextWorker = 0;
  /** Every worker of every phase (ids are not reused) and its tier. */
  protected readonly allWorkers = new Map<number, number>();
  /** Finished tasks: compute time and tier, for the re-planner. */
  protected readonly observed = new Map<string, { execMs: number; memoryMb: number }>();
  protected replanWallMs = 0;
  protected readonly parkAfterMs: number;
  /** Workers of the phase running that ran their tasks and wait for the next phase. */
  protected readonly held = new HandOverPool();
  /** A drift trigger (plan.replanOnDrift), when the plan has one and the run a re-planner. */
  protected readonly driftTrigger: DriftTrigger | undefined;
  /** Executors started and not ended; at a drift re-plan every one of them is retired. */
  protected readonly live = new Set<PlannedSimExecutor>();
  /** Executors of the plan a drift re-plan replaced: they get no more events, only finish the task they run. */
  protected readonly retired = new Set<PlannedSimExecutor>();
  protected readonly retiring = new Set<PlannedSimExecutor>();
  protected readonly retiredLayouts = new Set<PlanLayout>();
  /** Which executor ran each task (its output is in that executor's memory), when it finished, and puts issued. */
  protected readonly ranBy = new Map<string, PlannedSimExecutor>();
  protected readonly finishedAt = new Map<string, number>();
  protected readonly putsIssued = new Set<string>();
  protected readonly frozen = new FrozenOutputs();
  /** Tasks a drift re-plan planned again (their outputs are what retired workers still store). */
  protected replanned: ReadonlySet<string> = new Set();
  private readonly driftNotice: SeededRandom;
  /** True while the drift switch retires the old plan's workers (idle ones are then held for the new plan). */
  private switching = false;


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
    this.parkAfterMs = input.parkAfterMs ?? DEFAULT_PARK_AFTER_MS;
    this.driftNotice = new SeededRandom(input.seed, DRIFT_NOTICE_STREAM);
    this.layout = this.layoutOf(plan, 0);
  }

  /** The layout phase `phase` follows under `plan` (the whole run's when there is one phase). */
  protected layoutOf(plan: SimulatedPlan, phase: number, drifted?: { readonly tasks: readonly string[]; readonly frozen: ReadonlySet<string> }): PlanLayout {
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

  protected ran(taskId: string, executor: PlannedSimExecutor): void {
    const { memoryMb } = executor;
    this.observed.set(taskId, { execMs: this.input.estimator.execMs(taskId, memoryMb), memoryMb });
    this.ranBy.set(taskId, executor);
    this.finishedAt.set(taskId, this.nowMs);
    this.phaseTasksLeft -= 1;
    // The client hears of the task (its progress event) one round trip later, and re-plans then.
    // Its own random stream: a trigger that fires and keeps the plan leaves the run as it was.
    if (!this.failure && this.driftTrigger?.check(this.observed, this.nowMs)) this.schedule(this.nowMs + this.driftNotice.lognormal(this.input.profile.coordination.opLatency), { kind: 'drift-replan' });
  }

  /** `taskId`'s output is in the store: consumers of a drift re-plan that wait for it are marked. */
  protected storedNow(taskId: string): void {
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
  protected driftReplan(): void {
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
    const firedAt = this.driftTrigger?.firedAtMs ?? this.nowMs;
    const heard = new Map([...this.observed].filter(([id]) => (this.finishedAt.get(id) ?? Infinity) <= firedAt));
    for (const id of this.observed.keys()) if (!heard.has(id)) running.add(id);
    // Workers up now, and those of them not running a task (held for the new plan once retired).
    const up = new Map<number, number>();
    const idle = new Map<number, number>();
    for (const executor of this.live) {
      if (executor.machine.isUnclaimed) continue;
      up.set(executor.memoryMb, (up.get(executor.memoryMb) ?? 0) + 1);
      if (executor.machine.currentPhase !== 'running') idle.set(executor.memoryMb, (idle.get(executor.memoryMb) ?? 0) + 1);
    }
    const wallStart = performance.now();
    const warmEnvironments = new Map([...this.platforms].map(([memoryMb, platform]) => [memoryMb, platform.idleEnvironments(this.nowMs)]));
    const minGain = this.input.plan.replanOnDrift?.minGain ?? DEFAULT_DRIFT_MIN_GAIN;
    const plan = replanner({ atMs: this.nowMs, observed: heard, running, heldWorkers: idle, warmEnvironments, current: { plan: this.plan, upWorkers: up, minGain } });
    this.replanWallMs += performance.now() - wallStart;
    // Kept: the new plan would not finish sooner (src/plan/replan.ts replanIfFaster); the run goes on as it was.
    if (plan === undefined) return;
    this.counts.replans += 1;
    this.plan = plan;
    const oldLayout = this.layout;
    this.retiredLayouts.add(oldLayout);
    this.replanned = new Set(tasks);
    this.switching = true;
    for (const executor of [...this.live]) this.retire(executor);
    this.switching = false;
    for (let i = this.clientQueue.length - 1; i >= 0; i -= 1) if (this.clientQueue[i]?.layout === oldLayout) this.clientQueue.splice(i, 1);
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
  protected hedgesStarts(): boolean {
    return (this.plan.hedgeStarts ?? this.input.plan.hedgeStarts) === true;
  }

  /** A producer's mark made for it (a frozen task of a drift re-plan): completes a first task's fan-in, else notifies. */
  protected markOnBehalf(consumer: string, producer: string): void {
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
  protected retire(executor: PlannedSimExecutor): void {
    this.retired.add(executor);
    if (executor.wait) {
      if (this.waiting.get(executor.worker) === executor) this.waiting.delete(executor.worker);
      executor.wait = undefined;
    }
    if (executor.machine.currentPhase === 'running') this.retiring.add(executor);
    else this.stopRetired(executor);
  }

  /** A retired executor's events: only its running task's end matters (and a put's, for the client). */
  protected retiredEvent(executor: PlannedSimExecutor, event: PlannedEvent): void {
    if (event.type === 'ran' && !event.dup && this.retiring.delete(executor)) this.stopRetired(executor);
    else if (event.type === 'put-done' && this.input.dag.isOutput(event.taskId)) this.outputReady(event.taskId);
  }

  /** Stores what the new plan (or the client) reads of the tasks `executor` ran, then stops it. */
  protected stopRetired(executor: PlannedSimExecutor): void {
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
  protected retiredEnd(executor: PlannedSimExecutor): void {
    this.live.delete(executor);
    this.liveExecutors -= 1;
    if (executor.machine.isUnclaimed) {
      // A lost hedged-start copy, counted as ./planned-simulation.ts `end` counts one.
      this.counts.lostClaims += 1;
      this.prewarmBills.push(prewarmBill(executor.worker, executor.memoryMb, executor.cold, executor.billedFromMs, this.nowMs));
      this.platformOf(executor.memoryMb).release(executor.container, this.nowMs);
      return;
    }
    const report = executor.report(this.nowMs);
    // At the switch an idle one waits for a start of the new plan; one that stops later goes idle.
    if (!this.switching) {
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
  protected nextPhase(): void {
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
  protected startPhaseWorker(worker: number, layout: PlanLayout, hedge = false): void {
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
  protected handedOver(worker: number, layout: PlanLayout, container: Container, memoryMb: number): void {
    const machine = new PlannedWorker(layout, worker, { parkAfterMs: this.parkAfterMs });
    const executor = new PlannedSimExecutor(machine, workerExecutorId(worker, undefined), layout.first(worker), memoryMb, container, false, this.nowMs);
    this.liveExecutors += 1;
    this.live.add(executor);
    this.feed(executor, { type: 'start' });
  }

  /** A held worker's wait ends at `atMs` (billed until then); `release`: it stops and its environment goes idle. */
  protected letGo(held: HeldWorker, atMs = this.nowMs, release = true): void {
    this.reports.push({ ...held.report, endedAt: atMs });
    if (release) this.platformOf(held.memoryMb).release(held.container, atMs);
  }
}
