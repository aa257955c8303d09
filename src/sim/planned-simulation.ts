import type { FanInMark } from '../model/fan-in-mark.js';
import { isSharedInstruction } from '../scheduler/events.js';
import type { PlannedInstruction } from '../scheduler/planned-events.js';
import { PARK_MEMBER, PlanLayout, workerExecutorId } from '../scheduler/planned-layout.js';
import { PlannedWorker } from '../scheduler/planned-worker.js';
import { claimOwner, startLaunches, startPrewarms } from '../scheduler/planned-start.js';
import { dagTotals, type DagTotals } from './dag-totals.js';
import { FanInStateError } from './fan-in-table.js';
import type { InvocationRequest, Placement } from './lambda-platform.js';
import { PlannedSimExecutor } from './planned-sim-executor.js';
import type { HeldWorker } from './hand-over-pool.js';
import type { Action, Launch } from './planned-sim-actions.js';
import { PlannedReplanningEngine } from './planned-replanning-engine.js';
import { SimulationInvariantError } from './simulation-invariant-error.js';
import { plannedRunStats, prewarmBill, summedStartFigures, tierSummary, type PlannedSimulationResult } from './planned-run-stats.js';
import type { SimulatedPlan, SimulationInput } from './simulation-types.js';
import { mainTierOf } from './tier-streams.js';

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

class PlannedSimulation extends PlannedReplanningEngine {
  private readonly totals: DagTotals;
  /** Hedged start workers claimed so far (`wk:{run}:start:{worker}`), with the owner that holds each. */
  private readonly startClaims = new Map<number, string>();

  constructor(input: SimulationInput & { readonly plan: SimulatedPlan }, invokeConcurrency: number) {
    super(input, invokeConcurrency);
    const { dag, plan } = input;
    const firstLayout = new PlanLayout(dag, this.order, plan);
    this.totals = dagTotals(dag, (id) => input.estimator.execMs(id, firstLayout.memoryMbOf(firstLayout.worker(id))));
    const workerTiers = this.layout.workers().map((w) => this.layout.memoryMbOf(w));
    this.mainTierMb = mainTierOf(workerTiers);
    for (const memoryMb of [...new Set(workerTiers)].sort((a, b) => a - b)) this.platformOf(memoryMb);
  }

  run(): PlannedSimulationResult {
    const wallStart = performance.now();
    // The client invokes every worker whose first task is a source, hedged as the plan says (src/runtime/initial-executors.ts).
    for (const { worker, hedge } of startLaunches(this.layout, this.plan.hedgeStarts === true)) {
      this.clientInvoke({ kind: 'worker', worker, layout: this.layout, ...(hedge === undefined ? {} : { hedge }) });
    }
    // Then the plan's start-up prewarms: Invoke calls that leave idle environments of the workers' tiers.
    for (const worker of startPrewarms(this.layout, this.plan.prewarmAtStart)) this.clientInvoke({ kind: 'prewarm', worker, layout: this.layout });
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
    const planned = { ...plannedRunStats(planner, this.allWorkers.size, this.counts, this.prewarmBills.length, this.replanWallMs, plan.predicted), ...drift };
    return { report, stats: this.stats(wallMs, report, this.totals, platform), outputsReadyAt: this.outputsReadyAt, planned };
  }
}
