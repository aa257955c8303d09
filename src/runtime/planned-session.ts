import { PlannedWorker } from '../scheduler/planned-worker.js';
import type { PlannedEvent, PlannedInstruction } from '../scheduler/planned-events.js';
import { workerExecutorId, type PlanLayout } from '../scheduler/planned-layout.js';
import { claimOwner, lostClaimExecutorId } from '../scheduler/planned-start.js';
import type { DriverDeps } from './driver-deps.js';
import type { ExecutorPayload } from './payload.js';
import type { LoadedRun } from './run-cache.js';
import { DEFAULT_PARK_AFTER_MS } from '../model/run-spec.js';
import { carrySharedInstruction, EventPump, failedEvent, timeIsShort, type SessionContext } from './session-common.js';
import type { TaskIo } from './task-io.js';

/**
 * One planned-mode worker incarnation (DESIGN.md §4 "Planned mode"): feeds the pure PlannedWorker
 * events and carries out its instructions through the shared TaskIo. Waits are receives on the
 * worker's inbox (`wk:{run}:inbox:{worker}`), where producers notify after each fan-in mark.
 */
export class PlannedSession {
  private readonly machine: PlannedWorker;
  private readonly layout: PlanLayout;
  private readonly answers = new EventPump<PlannedEvent>();
  private readonly context: SessionContext;
  readonly invoked: string[] = [];
  /** Prewarm annotations carried out (the invoker may have no prewarm: then only counted). */
  prewarms = 0;

  constructor(
    private readonly payload: ExecutorPayload & { readonly worker: number },
    private readonly deps: DriverDeps,
    run: LoadedRun,
    private readonly io: TaskIo,
    /** The host's InvocationContext.onWaiting: told when this worker waits for an input and when it goes on. */
    private readonly onWaiting?: (waiting: boolean) => void,
  ) {
    const layout = run.layout();
    if (!layout) throw new Error(`executor ${payload.executorId} is a planned worker but run ${payload.runId} has no plan`);
    this.layout = layout;
    this.context = { payload, deps, io };
    this.machine = new PlannedWorker(layout, payload.worker, {
      parkAfterMs: run.spec.parkAfterMs ?? DEFAULT_PARK_AFTER_MS,
      ...(payload.resumeAt === undefined ? {} : { resumeAt: payload.resumeAt }),
      ...(payload.hedge === undefined ? {} : { claimAs: claimOwner(payload.worker, payload.hedge) }),
    });
  }

  /** The id this invocation reports under: the worker's, or, for the losing copy of a hedged start, one the client does not wait for. */
  get reportedExecutorId(): string {
    const hedge = this.payload.hedge;
    return hedge !== undefined && this.machine.isUnclaimed ? lostClaimExecutorId(this.payload.worker, hedge) : this.payload.executorId;
  }

  get worker(): number {
    return this.payload.worker;
  }

  get parked(): boolean {
    return this.machine.isParked;
  }

  async execute(): Promise<void> {
    this.carryAll(this.machine.handle({ type: 'start' }));
    let deadlineSignalled = false;
    while (!this.machine.isStopped) {
      const event = await this.answers.next();
      // Decided before the machine sees the task finished, so that it starts no next task.
      if (event.type === 'ran' && !event.dup && !deadlineSignalled && timeIsShort(this.deps, this.io)) {
        deadlineSignalled = true;
        this.deps.logger.info({ runId: this.payload.runId, executorId: this.payload.executorId, timeLeftMs: this.deps.timeLeftMs?.() }, 'deadline near: handing the rest of the list to a fresh invocation');
        this.carryAll(this.machine.handle({ type: 'deadline-near' }));
      }
      this.carryAll(this.machine.handle(event));
    }
    await this.io.settle();
  }

  private carryAll(instructions: PlannedInstruction[]): void {
    for (const instruction of instructions) {
      const answer = this.carry(instruction);
      // An instruction with no task of its own fails in the name of the task at hand.
      if (answer) this.answers.expect(answer, (error) => failedEvent(instruction, this.machine.currentTask ?? this.payload.taskId, this.io, error));
    }
  }

  private carry(instruction: PlannedInstruction): Promise<PlannedEvent> | undefined {
    switch (instruction.type) {
      case 'run':
        return this.io.runTask(instruction.taskId, instruction.dup).then(() => ({ type: 'ran', taskId: instruction.taskId, dup: instruction.dup }));
      case 'wait':
        return this.waitOnInbox(instruction.taskId, instruction.timeoutMs);
      case 'invoke-worker':
        return this.invokeWorker(instruction.worker, instruction.resumeAt);
      case 'claim-start':
        return this.deps.coordinator.claim(this.io.keys.startClaim(instruction.worker), instruction.owner).then((won) => ({ type: 'start-claimed', won }));
      case 'notify':
        this.io.sendTo(this.io.keys.workerInbox(instruction.worker), instruction.taskId);
        return undefined;
      case 'prewarm':
        this.prewarm(instruction.worker);
        return undefined;
      case 'stop':
        return undefined;
      default:
        return carrySharedInstruction(instruction, this.context, this.machine.currentTask);
    }
  }

  private async waitOnInbox(taskId: string, timeoutMs: number): Promise<PlannedEvent> {
    const t0 = this.deps.clock.now();
    this.onWaiting?.(true);
    try {
      // Any message is a wake-up: the worker rereads the fan-in marks either way.
      await this.deps.coordinator.receive(this.io.keys.workerInbox(this.payload.worker), Math.max(1, Math.ceil(timeoutMs)));
    } finally {
      this.onWaiting?.(false);
    }
    return { type: 'woken', taskId, waitedMs: this.deps.clock.now() - t0 };
  }

  private async invokeWorker(worker: number, resumeAt: string | undefined): Promise<PlannedEvent> {
    const memoryMb = this.layout.memoryMbOf(worker);
    const payload: ExecutorPayload = {
      kind: 'execute',
      runId: this.payload.runId,
      source: '',
      taskId: resumeAt ?? this.layout.first(worker),
      inline: [],
      executorId: workerExecutorId(worker, resumeAt),
      invokedAt: this.deps.clock.now(),
      worker,
      ...(resumeAt === undefined ? {} : { resumeAt }),
      ...(memoryMb > 0 ? { memoryMb } : {}),
    };
    this.invoked.push(payload.executorId);
    await this.deps.invoker.invoke(payload);
    return { type: 'worker-invoked', worker };
  }

  private prewarm(worker: number): void {
    this.prewarms += 1;
    const prewarm = this.deps.invoker.prewarm?.bind(this.deps.invoker);
    if (!prewarm) return;
    // A failed prewarm costs only a cold start later: log it, never fail the run for it.
    this.io.track(
      prewarm(this.layout.memoryMbOf(worker)).catch((error: unknown) => {
        this.deps.logger.warn({ runId: this.payload.runId, executorId: this.payload.executorId, worker }, `prewarm failed: ${(error as Error).message}`);
      }),
    );
  }
}
