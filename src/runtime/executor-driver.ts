import { decodeValue, encodeValue, valueByteSize } from '../data/codec.js';
import type { Value } from '../data/value.js';
import { MAX_OUTPUT_BYTES_PER_TASK } from '../limits.js';
import type { OpRegistry } from '../ops/registry.js';
import type { ExecutorEvent, Instruction } from '../scheduler/events.js';
import { WukongExecutor } from '../scheduler/wukong-executor.js';
import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import type { Clock } from './clock.js';
import type { Invoker } from './invoker.js';
import { runKeys } from './keys.js';
import type { Logger } from './logger.js';
import { MetadataRecorder } from './metadata-recorder.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { WorkerConfig } from '../metadata/records.js';
import { MB_PER_VCPU } from '../report/cost-model.js';
import type { ExecutorPayload, InlineOutput } from './payload.js';
import { emptyTaskTiming, type ExecutorReport, type RunEvent, type TaskTiming } from './run-events.js';
import type { LoadedRun, RunCache } from './run-cache.js';
import { Semaphore } from './semaphore.js';

/** Everything the driver touches, injected (Temporal's WorkerDeps): no globals, no env. */
export interface DriverDeps {
  readonly store: IntermediateStore;
  readonly coordinator: Coordinator;
  readonly invoker: Invoker;
  readonly ops: OpRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runs: RunCache;
  /** The executor's memory tier (Lambda) or 0 (embedded thread). */
  readonly memoryMb: number;
  /** Invocations in flight at once from one executor (large fan-outs). */
  readonly invokeConcurrency: number;
  /** CPU time of this thread/process so far, in ms (for the report). */
  readonly cpuMs: () => number;
  readonly memoryBytes: () => number;
  /**
   * Time this invocation may still use, in ms (Lambda: the remaining time minus a safety buffer).
   * When it falls to the longest task seen so far, the executor starts no new task: it settles
   * what it owes (puts, marks, invokes), then hands its remaining tasks to fresh invocations
   * instead of being killed mid-task. Absent: no deadline (embedded threads).
   */
  readonly timeLeftMs?: () => number;
  /** Where executors record task, transfer and invoke metadata; none: nothing is recorded. */
  readonly metadata?: MetadataStore;
  /** The worker configuration metadata records name; default: derived from memoryMb. */
  readonly workerConfig?: WorkerConfig;
}

/**
 * A worker's configuration as metadata records name it: Lambda gives 1 vCPU per 1,769 MB (up to
 * 6 at 10,240 MB); an embedded thread (memoryMb 0) is one core, recorded as a 1,769 MB worker.
 */
export function workerConfigOf(deps: Pick<DriverDeps, 'memoryMb' | 'workerConfig'>): WorkerConfig {
  if (deps.workerConfig) return deps.workerConfig;
  if (deps.memoryMb <= 0) return { memoryMb: MB_PER_VCPU, vcpu: 1 };
  return { memoryMb: deps.memoryMb, vcpu: Math.min(6, deps.memoryMb / MB_PER_VCPU) };
}

/** Host facts about this invocation. */
export interface InvocationContext {
  readonly cold: boolean;
}

/**
 * Runs one executor invocation to its end: feeds the pure WukongExecutor events and carries out
 * its instructions with real I/O. The same instructions are carried out in virtual time by the
 * simulator, so the policy lives in one place.
 */
export async function runExecutor(payload: ExecutorPayload, deps: DriverDeps, context: InvocationContext): Promise<ExecutorReport> {
  const startedAt = deps.clock.now();
  const cpuAtStart = deps.cpuMs();
  const run = await deps.runs.load(payload.runId);
  const worker = workerConfigOf(deps);
  const recorder = new MetadataRecorder(payload.runId, worker);
  if (payload.invokedAt !== undefined) recorder.invoke(worker.memoryMb, context.cold, startedAt - payload.invokedAt, startedAt);
  const session = new ExecutorSession(payload, deps, run, recorder);
  await session.execute();
  // After the last task: one batch, one round trip, off every task's critical path.
  await recorder.flush(deps.metadata).catch((error: unknown) => {
    deps.logger.warn({ runId: payload.runId, executorId: payload.executorId }, `metadata not recorded: ${(error as Error).message}`);
  });
  return {
    executorId: payload.executorId,
    startTaskId: payload.taskId,
    startedAt,
    endedAt: deps.clock.now(),
    cold: context.cold,
    memoryMb: deps.memoryMb,
    cpuMs: deps.cpuMs() - cpuAtStart,
    peakMemoryBytes: session.peakMemoryBytes,
    invocations: session.invoked.length,
    invoked: session.invoked,
    tasks: session.timings(),
  };
}

class ExecutorSession {
  private readonly machine: WukongExecutor;
  private readonly values = new Map<string, Value[]>();
  private readonly events: ExecutorEvent[] = [];
  private wake: (() => void) | undefined;
  private readonly timing = new Map<string, TaskTiming>();
  private readonly sends: Promise<void>[] = [];
  private readonly invokeSlots: Semaphore;
  private readonly keys;
  private progress: string[] = [];
  private lastProgressAt: number;
  /** Deadline hand-off (see DriverDeps.timeLeftMs): answers awaited, what is stored and marked. */
  private handingOff = false;
  private inFlight = 0;
  private longestTaskMs = 0;
  private readonly stored = new Set<string>();
  private readonly marked = new Set<string>();
  readonly invoked: string[] = [];
  peakMemoryBytes = 0;

  constructor(
    private readonly payload: ExecutorPayload,
    private readonly deps: DriverDeps,
    private readonly run: LoadedRun,
    private readonly recorder: MetadataRecorder,
  ) {
    this.machine = new WukongExecutor(run.dag, run.spec.wukong, run.rank(payload.source));
    this.invokeSlots = new Semaphore(deps.invokeConcurrency);
    this.keys = runKeys(payload.runId);
    this.lastProgressAt = deps.clock.now();
  }

  async execute(): Promise<void> {
    for (const inline of this.payload.inline) this.values.set(inline.taskId, decodeInline(inline));
    this.carryAll(this.machine.handle({ type: 'start', taskId: this.payload.taskId, inline: this.payload.inline.map((i) => i.taskId) }));
    while (!this.machine.isStopped) {
      if (this.handingOff && this.inFlight === 0 && this.events.length === 0) {
        await this.handOff();
        break;
      }
      const event = await this.nextEvent();
      // Decided before the machine sees the event, so that the next task it starts is held back.
      if (event.type === 'ran' && !this.handingOff && this.timeIsShort()) this.handingOff = true;
      this.carryAll(this.machine.handle(event));
    }
    this.notePeakMemory();
    this.flushProgress();
    await Promise.all(this.sends);
  }

  timings(): TaskTiming[] {
    return [...this.timing.values()];
  }

  private nextEvent(): Promise<ExecutorEvent> {
    const ready = this.events.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      this.wake = () => resolve(this.events.shift() as ExecutorEvent);
    });
  }

  private deliver(event: ExecutorEvent): void {
    this.inFlight -= 1;
    this.events.push(event);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private carryAll(instructions: Instruction[]): void {
    for (const instruction of instructions) {
      // Handing off: the next task (its fetches and its run) is left for a fresh invocation.
      if (this.handingOff && (instruction.type === 'get' || instruction.type === 'run')) continue;
      const answer = this.carry(instruction);
      if (answer) {
        this.inFlight += 1;
        answer.then(
          (event) => this.deliver(event),
          (error: unknown) => this.deliver(this.failure(instruction, error)),
        );
      }
    }
  }

  /** Carries out one instruction; returns the promise of its answer, if it has one. */
  private carry(instruction: Instruction): Promise<ExecutorEvent> | undefined {
    switch (instruction.type) {
      case 'get':
        return this.get(instruction.taskId);
      case 'run':
        return this.runTask(instruction.taskId);
      case 'put':
        return this.put(instruction.taskId);
      case 'check-fan-in':
        return this.deps.coordinator
          .fanInMembers(this.keys.fanIn(instruction.childId))
          .then((markedParents) => ({ ...instruction, type: 'fan-in-checked', markedParents }));
      case 'mark-fan-in':
        this.marked.add(markKey(instruction.childId, instruction.parentId));
        return this.deps.coordinator
          .markFanIn(this.keys.fanIn(instruction.childId), instruction.parentId, instruction.expected)
          .then((mark) => ({ type: 'fan-in-marked', childId: instruction.childId, parentId: instruction.parentId, complete: mark.complete }));
      case 'invoke':
        return this.invoke(instruction.taskId, instruction.inline);
      case 'output-ready':
        this.send({ kind: 'output', taskId: instruction.taskId });
        return undefined;
      case 'fail-run':
        this.deps.logger.error({ runId: this.payload.runId, executorId: this.payload.executorId, taskId: instruction.taskId }, instruction.message);
        this.send({ kind: 'failed', taskId: instruction.taskId, executorId: this.payload.executorId, message: instruction.message });
        return undefined;
      case 'stop':
        return undefined;
    }
  }

  private failure(instruction: Instruction, error: unknown): ExecutorEvent {
    const message = error instanceof Error ? error.message : String(error);
    const taskId = 'taskId' in instruction ? instruction.taskId : 'childId' in instruction ? instruction.childId : this.payload.taskId;
    const what = instruction.type === 'run' ? `task ${taskId} (op ${this.run.dag.task(taskId).op}) failed` : `${instruction.type} of ${taskId} failed`;
    return { type: 'failed', taskId, message: `${what}: ${message}` };
  }

  private timingOf(taskId: string): TaskTiming {
    let timing = this.timing.get(taskId);
    if (!timing) {
      timing = emptyTaskTiming(taskId, this.run.dag.task(taskId).op, this.payload.executorId, this.deps.clock.now());
      this.timing.set(taskId, timing);
    }
    return timing;
  }

  /** Fetches a parent's outputs for the task now waiting on them. */
  private async get(parentId: string): Promise<ExecutorEvent> {
    const consumer = this.machine.currentTask;
    const timing = consumer ? this.timingOf(consumer) : undefined;
    const t0 = this.deps.clock.now();
    const count = this.outputCount(parentId);
    const outputs: Value[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i += 1) {
      const started = this.deps.clock.now();
      const encoded = await this.deps.store.get(this.keys.output(parentId, i));
      const ended = this.deps.clock.now();
      this.recorder.transfer(this.deps.store.kind, 'get', encoded.byteLength, ended - started, ended);
      bytes += encoded.byteLength;
      outputs.push(decodeValue(encoded));
    }
    this.values.set(parentId, outputs);
    if (timing) {
      timing.getMs += this.deps.clock.now() - t0;
      timing.bytesRead += bytes;
    }
    return { type: 'got', taskId: parentId };
  }

  private async runTask(taskId: string): Promise<ExecutorEvent> {
    const task = this.run.dag.task(taskId);
    const op = this.deps.ops.get(task.op);
    const inputs = this.run.dag.inputRefs(taskId).map((ref) => {
      const value = this.values.get(ref.taskId)?.[ref.output];
      if (value === undefined) throw new Error(`input ${ref.taskId}#${ref.output} of ${taskId} is not in memory`);
      return value;
    });
    const timing = this.timingOf(taskId);
    timing.startAt = this.deps.clock.now();
    timing.inputBytes = inputs.reduce((sum, v) => sum + valueByteSize(v), 0);
    const args = this.run.args(taskId, (raw) => op.args.parse(raw));
    const outputs = await op.run(inputs, args);
    if (outputs.length !== op.outputs) throw new Error(`op ${task.op} returned ${outputs.length} outputs, declared ${op.outputs}`);
    timing.endAt = this.deps.clock.now();
    timing.execMs = timing.endAt - timing.startAt;
    this.longestTaskMs = Math.max(this.longestTaskMs, timing.execMs);
    timing.outputBytes = outputs.reduce((sum, v) => sum + valueByteSize(v), 0);
    if (timing.outputBytes > MAX_OUTPUT_BYTES_PER_TASK) {
      throw new Error(`output of ${timing.outputBytes} bytes exceeds the limit of ${MAX_OUTPUT_BYTES_PER_TASK} bytes per task`);
    }
    this.recorder.task(taskId, task.op, args, inputs, timing.execMs, timing.inputBytes, timing.outputBytes, timing.endAt);
    this.values.set(taskId, outputs);
    // Sampling RSS is a system call: every 32nd task and at the end is enough for a peak.
    if (this.timing.size % 32 === 1) this.notePeakMemory();
    this.progress.push(taskId);
    if (this.run.spec.progressIntervalMs > 0 && timing.endAt - this.lastProgressAt >= this.run.spec.progressIntervalMs) this.flushProgress();
    return { type: 'ran', taskId, outputBytes: timing.outputBytes };
  }

  private async put(taskId: string): Promise<ExecutorEvent> {
    const timing = this.timingOf(taskId);
    const t0 = this.deps.clock.now();
    const outputs = this.values.get(taskId) ?? [];
    for (let i = 0; i < outputs.length; i += 1) {
      const encoded = encodeValue(outputs[i] as Value);
      timing.bytesWritten += encoded.byteLength;
      const started = this.deps.clock.now();
      await this.deps.store.put(this.keys.output(taskId, i), encoded);
      const ended = this.deps.clock.now();
      this.recorder.transfer(this.deps.store.kind, 'put', encoded.byteLength, ended - started, ended);
    }
    timing.putMs += this.deps.clock.now() - t0;
    this.stored.add(taskId);
    return { type: 'put-done', taskId };
  }

  private timeIsShort(): boolean {
    const leftMs = this.deps.timeLeftMs?.();
    return leftMs !== undefined && leftMs <= this.longestTaskMs;
  }

  /**
   * Hands the remaining work to fresh invocations. Called when nothing is in flight, so every put,
   * mark and invoke the machine asked for is done; what is left is the task it was about to start,
   * the tasks queued behind it, and fan-in marks deferred by delayed I/O (settled here the safe
   * way: store the output, then mark). Each task goes to a new executor with its inputs inline when
   * they fit the budget and by key otherwise.
   */
  private async handOff(): Promise<void> {
    const dag = this.run.dag;
    const ranHere = this.machine.ranHere;
    const tasks = new Set<string>();
    const current = this.machine.currentTask;
    if (current !== undefined) tasks.add(current);
    for (const parentId of ranHere) {
      for (const childId of dag.children(parentId)) {
        if (this.machine.stateOf(childId) === 'queued') tasks.add(childId);
      }
    }
    for (const parentId of ranHere) {
      for (const childId of dag.children(parentId)) {
        const expected = dag.parents(childId).length;
        if (expected < 2 || this.marked.has(markKey(childId, parentId))) continue;
        await this.storeHeld(parentId);
        const mark = await this.deps.coordinator.markFanIn(this.keys.fanIn(childId), parentId, expected);
        if (mark.complete) tasks.add(childId);
      }
    }
    const left = this.deps.timeLeftMs?.();
    this.deps.logger.info(
      { runId: this.payload.runId, executorId: this.payload.executorId, tasks: [...tasks], timeLeftMs: left },
      `handing ${tasks.size} task(s) to fresh executors before the deadline`,
    );
    const handOffs = [...tasks].map(async (taskId) => {
      // Fetches of the held task may have been timed here; it runs elsewhere.
      if (this.machine.stateOf(taskId) !== 'done') this.timing.delete(taskId);
      await this.invoke(taskId, await this.inputsForHandOff(taskId));
    });
    await Promise.all(handOffs);
  }

  /** Parents of `taskId` held only here: inline while the budget lasts, stored otherwise. */
  private async inputsForHandOff(taskId: string): Promise<string[]> {
    let budgetBytes = this.run.spec.wukong.inlineBudgetBytes;
    const inline: string[] = [];
    for (const parentId of this.run.dag.parents(taskId)) {
      const values = this.values.get(parentId);
      if (values === undefined || this.stored.has(parentId)) continue;
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

  /** Stores the outputs of `taskId` held in memory (once). */
  private async storeHeld(taskId: string): Promise<void> {
    if (this.stored.has(taskId)) return;
    this.stored.add(taskId);
    const outputs = this.values.get(taskId) ?? [];
    const timing = this.machine.stateOf(taskId) === 'done' ? this.timing.get(taskId) : undefined;
    for (let i = 0; i < outputs.length; i += 1) {
      const encoded = encodeValue(outputs[i] as Value);
      if (timing) timing.bytesWritten += encoded.byteLength;
      await this.deps.store.put(this.keys.output(taskId, i), encoded);
    }
  }

  private async invoke(taskId: string, inline: readonly string[]): Promise<ExecutorEvent> {
    const payload: ExecutorPayload = {
      kind: 'execute',
      runId: this.payload.runId,
      source: this.payload.source,
      taskId,
      inline: inline.map((parentId) => ({
        taskId: parentId,
        outputs: (this.values.get(parentId) ?? []).map((v) => Buffer.from(encodeValue(v)).toString('base64')),
      })),
      executorId: `x-${taskId}`,
      invokedAt: this.deps.clock.now(),
    };
    this.invoked.push(payload.executorId);
    await this.invokeSlots.run(() => this.deps.invoker.invoke(payload));
    return { type: 'invoked', taskId };
  }

  private outputCount(taskId: string): number {
    return this.deps.ops.get(this.run.dag.task(taskId).op).outputs;
  }

  private send(event: RunEvent): void {
    this.sends.push(this.deps.coordinator.send(this.keys.clientInbox, JSON.stringify(event)));
  }

  private flushProgress(): void {
    // Without a progress interval the executor's final report carries every finished task.
    if (this.progress.length === 0 || this.run.spec.progressIntervalMs === 0) return;
    this.send({ kind: 'progress', executorId: this.payload.executorId, done: this.progress });
    this.progress = [];
    this.lastProgressAt = this.deps.clock.now();
  }

  private notePeakMemory(): void {
    this.peakMemoryBytes = Math.max(this.peakMemoryBytes, this.deps.memoryBytes());
  }
}

const markKey = (childId: string, parentId: string): string => `${childId}\u0000${parentId}`;

function decodeInline(inline: InlineOutput): Value[] {
  return inline.outputs.map((b64) => {
    const buffer = Buffer.from(b64, 'base64');
    return decodeValue(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  });
}
