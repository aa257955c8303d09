import { valueByteSize } from '../data/codec.js';
import type { ExecutorEvent, HandOffInstruction, Instruction } from '../scheduler/events.js';
import { WukongExecutor } from '../scheduler/wukong-executor.js';
import type { DriverDeps } from './driver-deps.js';
import type { ExecutorPayload } from './payload.js';
import type { LoadedRun } from './run-cache.js';
import { Semaphore } from './semaphore.js';
import { carrySharedInstruction, EventPump, failedEvent, timeIsShort, type SessionContext } from './session-common.js';
import type { TaskIo } from './task-io.js';
import { wukongHintsOf } from './wukong-hints.js';
import { emptyArray } from '../model/empty-array.js';

/**
 * One WUKONG-mode executor invocation: feeds the pure WukongExecutor events and carries out its
 * instructions through the shared TaskIo, with the deadline hand-off of DriverDeps.timeLeftMs.
 */
export class WukongSession {
  private readonly machine: WukongExecutor;
  private readonly answers = new EventPump<ExecutorEvent>();
  private readonly invokeSlots: Semaphore;
  /** The deadline hand-off the machine asked for (see DriverDeps.timeLeftMs), awaited at the end. */
  private handOffWork: Promise<void> | undefined;
  readonly invoked: string[] = [];
  private readonly context: SessionContext;

  constructor(
    private readonly payload: ExecutorPayload,
    private readonly deps: DriverDeps,
    private readonly run: LoadedRun,
    private readonly io: TaskIo,
  ) {
    this.machine = new WukongExecutor(run.dag, run.spec.wukong, wukongHintsOf(run, payload.source));
    this.invokeSlots = new Semaphore(deps.invokeConcurrency);
    this.context = { payload, deps, io };
  }

  /** The id this invocation reports under (see PlannedSession.reportedExecutorId): always its own. */
  get reportedExecutorId(): string {
    return this.payload.executorId;
  }

  async execute(): Promise<void> {
    for (const inline of this.payload.inline) this.io.addInline(inline);
    const inline = this.payload.inline.length === 0 ? emptyArray<string>() : this.payload.inline.map((i) => i.taskId);
    this.carryAll(this.machine.handle({ type: 'start', taskId: this.payload.taskId, inline }));
    let deadlineSignalled = false;
    while (!this.machine.isStopped) {
      const event = await this.answers.next();
      // Told before the machine sees the task finished, so that it starts no next task.
      if (event.type === 'ran' && !deadlineSignalled && timeIsShort(this.deps, this.io)) {
        deadlineSignalled = true;
        this.carryAll(this.machine.handle({ type: 'deadline-near' }));
      }
      this.carryAll(this.machine.handle(event));
    }
    await this.handOffWork;
    await this.io.settle();
  }

  private carryAll(instructions: Instruction[]): void {
    for (const instruction of instructions) {
      const answer = this.carry(instruction);
      if (answer) this.answers.expect(answer, (error) => failedEvent(instruction, this.payload.taskId, this.io, error));
    }
  }

  /** Carries out one instruction; returns the promise of its answer, if it has one. */
  private carry(instruction: Instruction): Promise<ExecutorEvent> | undefined {
    switch (instruction.type) {
      case 'run':
        return this.io.runTask(instruction.taskId).then((outputBytes) => ({ type: 'ran', taskId: instruction.taskId, outputBytes }));
      case 'invoke':
        return this.invoke(instruction.taskId, instruction.inline);
      case 'sleep':
        return new Promise((resolve) => setTimeout(() => resolve({ type: 'woke' }), instruction.ms));
      case 'hand-off':
        this.handOffWork = this.handOff(instruction);
        return undefined;
      case 'stop':
        return undefined;
      default:
        return carrySharedInstruction(instruction, this.context, this.machine.currentTask);
    }
  }

  /**
   * Carries out the machine's deadline hand-off (HandOffInstruction): every put, mark and invoke it
   * asked for is done; the marks it still owes (delayed I/O) are settled the safe way, store then
   * mark, and a fan-in so completed is handed off too. Each task goes to a new executor with its
   * inputs inline when they fit the budget and by key otherwise.
   */
  private async handOff(plan: HandOffInstruction): Promise<void> {
    const dag = this.run.dag;
    const tasks = new Set(plan.tasks);
    for (const { childId, parentId } of plan.owedMarks) {
      await this.storeHeld(parentId);
      const mark = await this.deps.coordinator.markFanIn(this.io.keys.fanIn(childId), parentId, dag.parents(childId).length);
      if (mark.complete) tasks.add(childId);
    }
    const left = this.deps.timeLeftMs?.();
    this.deps.logger.info(
      { runId: this.payload.runId, executorId: this.payload.executorId, tasks: [...tasks], timeLeftMs: left },
      `handing ${tasks.size} task(s) to fresh executors before the deadline`,
    );
    const handOffs = [...tasks].map(async (taskId) => {
      // Fetches of a handed-off task may have been timed here; it runs elsewhere.
      if (this.machine.stateOf(taskId) !== 'done') this.io.dropTiming(taskId);
      await this.invoke(taskId, await this.inputsForHandOff(taskId));
    });
    await Promise.all(handOffs);
  }

  /** Parents of `taskId` held only here: inline while the budget lasts, stored otherwise. */
  private async inputsForHandOff(taskId: string): Promise<string[]> {
    let budgetBytes = this.run.spec.wukong.inlineBudgetBytes;
    const inline: string[] = [];
    for (const parentId of this.run.dag.parents(taskId)) {
      const values = this.io.values.get(parentId);
      if (values === undefined || this.io.stored.has(parentId)) continue;
      const bytes = values.reduce((sum, v) => sum + valueByteSize(v), 0);
      if (bytes <= budgetBytes) {
        inline.push(parentId);
        budgetBytes -= bytes;
      } else {
        await this.storeHeld(parentId);
      }
    }
    return inline;
  }

  private storeHeld(taskId: string): Promise<void> {
    return this.io.storeHeld(taskId, this.machine.stateOf(taskId) === 'done');
  }

  private async invoke(taskId: string, inline: readonly string[]): Promise<ExecutorEvent> {
    const payload: ExecutorPayload = {
      kind: 'execute',
      runId: this.payload.runId,
      source: this.payload.source,
      taskId,
      inline: inline.map((parentId) => ({ taskId: parentId, outputs: this.io.inlineOutputs(parentId) })),
      executorId: `x-${taskId}`,
      invokedAt: this.deps.clock.now(),
    };
    this.invoked.push(payload.executorId);
    await this.invokeSlots.run(() => this.deps.invoker.invoke(payload));
    return { type: 'invoked', taskId };
  }
}

