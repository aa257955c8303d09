import { decodeValue, encodeValue, valueByteSize } from '../data/codec.js';
import type { Value } from '../data/value.js';
import { MAX_OUTPUT_BYTES_PER_TASK } from '../model/limits.js';
import { callOp, type OpRunWindow } from './call-op.js';
import { declaresWait } from './declared-wait.js';
import type { DriverDeps } from './driver-deps.js';
import { runKeys } from './keys.js';
import type { MetadataRecorder } from './metadata-recorder.js';
import type { InlineOutput } from './payload.js';
import type { LoadedRun } from './run-cache.js';
import { FetchWindows } from './fetch-windows.js';
import { emptyTaskTiming, type RunEvent, type TaskTiming } from '../model/run-events.js';
import { emptyArray } from '../model/empty-array.js';

/**
 * The task I/O every executor session shares (WUKONG and planned): the outputs held in memory,
 * fetching and storing them with timings and transfer records, running ops with task records,
 * per-task timings for the report, progress and client messages. Sessions decide; this does.
 */
export class TaskIo {
  /** Outputs in this executor's memory, by task id (one value per output of the op). */
  readonly values = new Map<string, Value[]>();
  /** Tasks whose outputs this executor stored (or found stored). */
  readonly stored = new Set<string>();
  readonly keys;
  longestTaskMs = 0;
  peakMemoryBytes = 0;
  private readonly timing = new Map<string, TaskTiming>();
  /**
   * Payload forms of held outputs already encoded: a fan-out hands the same output inline to every
   * child it invokes (10,000 of them in bench/overhead's fan), and a value never changes once held.
   */
  private readonly inlineForms = new WeakMap<Value, string>();
  private readonly fetchWindows = new FetchWindows();
  private readonly sends: Promise<void>[] = [];
  private progress: string[] = [];
  private lastProgressAt: number;

  constructor(
    private readonly runId: string,
    private readonly executorId: string,
    private readonly deps: DriverDeps,
    private readonly run: LoadedRun,
    private readonly recorder: MetadataRecorder,
  ) {
    this.keys = runKeys(runId);
    this.lastProgressAt = deps.clock.now();
  }

  timings(): TaskTiming[] {
    return [...this.timing.values()];
  }

  hasTiming(taskId: string): boolean {
    return this.timing.has(taskId);
  }

  /** Forgets a task's timing (its fetches were timed here, but it runs elsewhere). */
  dropTiming(taskId: string): void {
    this.timing.delete(taskId);
  }

  timingOf(taskId: string): TaskTiming {
    let timing = this.timing.get(taskId);
    if (!timing) {
      timing = emptyTaskTiming(taskId, this.run.dag.task(taskId).op, this.executorId, this.deps.clock.now());
      this.timing.set(taskId, timing);
    }
    return timing;
  }

  /**
   * Fetches outputs of a parent, all at once: those numbered in `outputs` (what the consumer
   * references), every one when undefined. The bytes count for `consumer`, when given, and its
   * getMs is the wall time its fetches overlap, not their sum (FetchWindows).
   */
  async get(parentId: string, outputs: readonly number[] | undefined, consumer: string | undefined): Promise<void> {
    const timing = consumer ? this.timingOf(consumer) : undefined;
    const indices = outputs ?? Array.from({ length: this.outputCount(parentId) }, (_, i) => i);
    if (consumer) this.fetchWindows.open(consumer, this.deps.clock.now());
    try {
      const encoded = await Promise.all(
        indices.map(async (i) => {
          const started = this.deps.clock.now();
          const bytes = await this.deps.store.get(this.keys.output(parentId, i));
          const ended = this.deps.clock.now();
          this.recorder.transfer(this.deps.store.kind, 'get', bytes.byteLength, ended - started, ended);
          return bytes;
        }),
      );
      const values = this.values.get(parentId) ?? [];
      indices.forEach((index, k) => {
        values[index] = decodeValue(encoded[k] as Uint8Array);
      });
      this.values.set(parentId, values);
      if (timing) timing.bytesRead += encoded.reduce((sum, b) => sum + b.byteLength, 0);
    } finally {
      if (consumer && timing) timing.getMs += this.fetchWindows.close(consumer, this.deps.clock.now());
    }
  }

  /** Runs `taskId` on the inputs in memory; returns its output bytes. `dup`: a task-dup copy. */
  async runTask(taskId: string, dup = false): Promise<number> {
    const task = this.run.dag.task(taskId);
    const op = this.deps.ops.get(task.op);
    const refs = this.run.dag.inputRefs(taskId);
    // A source's inputs: the shared empty array, not a fresh `[]` of another elements kind.
    const inputs: readonly Value[] = refs.length === 0 ? emptyArray<Value>() : refs.map((ref) => {
      const value = this.values.get(ref.taskId)?.[ref.output];
      if (value === undefined) throw new Error(`input ${ref.taskId}#${ref.output} of ${taskId} is not in memory`);
      return value;
    });
    const timing = this.timingOf(taskId);
    if (dup) timing.dup = true;
    timing.inputBytes = inputs.reduce((sum, v) => sum + valueByteSize(v), 0);
    // Built-in ops (no user module) never change their args: equal args may share one parse.
    const args = this.run.args(taskId, (raw) => op.args.parse(raw), op.source === undefined);
    // The op's own run, not the neighbours' ops this executor's thread ran while it was queued.
    const window: OpRunWindow = { startAt: this.deps.clock.now(), endAt: Number.NaN };
    this.deps.onOpCall?.(taskId);
    // One object of one shape per task (a spread of an optional clock would build it the slow way).
    const outputs = await callOp(op, inputs, args, this.run.spec.taskTimeoutMs, { now: () => this.deps.clock.now(), cpu: this.deps.opCpuMs, into: window });
    timing.startAt = window.startAt;
    timing.endAt = Number.isNaN(window.endAt) ? this.deps.clock.now() : window.endAt;
    timing.execMs = timing.endAt - timing.startAt;
    if (window.cpuMs !== undefined) timing.cpuMs = window.cpuMs;
    if (window.awaited) {
      timing.awaited = true;
      // Only where a CPU clock was read (a run that records metadata): the op's cost is asked then.
      if (window.prefixCpuMs !== undefined) {
        const cpuMs = declaresWait(op, inputs, args) ? window.prefixCpuMs : window.windowCpuMs;
        if (cpuMs !== undefined) timing.awaitedCpuMs = cpuMs;
      }
    }
    this.longestTaskMs = Math.max(this.longestTaskMs, timing.execMs);
    timing.outputBytes = outputs.reduce((sum, v) => sum + valueByteSize(v), 0);
    const sourceBytes = outputs.reduce((sum, v) => sum + (v.kind === 'table' ? (v.sourceBytes ?? 0) : 0), 0);
    if (sourceBytes > 0) timing.sourceBytes = sourceBytes;
    if (timing.outputBytes > MAX_OUTPUT_BYTES_PER_TASK) {
      throw new Error(`output of ${timing.outputBytes} bytes exceeds the limit of ${MAX_OUTPUT_BYTES_PER_TASK} bytes per task`);
    }
    this.recorder.task(taskId, task.op, args, inputs, timing.execMs, timing.inputBytes, timing.outputBytes, timing.endAt, timing.awaited === true, timing.cpuMs);
    this.values.set(taskId, outputs);
    // Sampling RSS is a system call: every 32nd task and at the end is enough for a peak.
    if (this.timing.size % 32 === 1) this.notePeakMemory();
    // A duplicate is reported by the worker that owns the task.
    if (!dup) this.progress.push(taskId);
    if (this.run.spec.progressIntervalMs > 0 && timing.endAt - this.lastProgressAt >= this.run.spec.progressIntervalMs) this.flushProgress();
    return timing.outputBytes;
  }

  /** Stores the outputs of `taskId`, timed and recorded as its put. */
  async put(taskId: string): Promise<void> {
    const timing = this.timingOf(taskId);
    const t0 = this.deps.clock.now();
    const outputs = this.values.get(taskId) ?? [];
    for (let i = 0; i < outputs.length; i += 1) {
      const encoded = encodeValue(outputs[i] as Value);
      // Read the size first: the embedded memory store transfers the buffer to the main thread,
      // which detaches it here (byteLength 0 afterwards).
      const bytes = encoded.byteLength;
      timing.bytesWritten += bytes;
      const started = this.deps.clock.now();
      await this.deps.store.put(this.keys.output(taskId, i), encoded);
      const ended = this.deps.clock.now();
      this.recorder.transfer(this.deps.store.kind, 'put', bytes, ended - started, ended);
    }
    timing.putMs += this.deps.clock.now() - t0;
    this.stored.add(taskId);
  }

  /** Stores the outputs of `taskId` held in memory (once), off any task's timing but its bytes. */
  async storeHeld(taskId: string, countBytes: boolean): Promise<void> {
    if (this.stored.has(taskId)) return;
    this.stored.add(taskId);
    const outputs = this.values.get(taskId) ?? [];
    const timing = countBytes ? this.timing.get(taskId) : undefined;
    for (let i = 0; i < outputs.length; i += 1) {
      const encoded = encodeValue(outputs[i] as Value);
      if (timing) timing.bytesWritten += encoded.byteLength;
      await this.deps.store.put(this.keys.output(taskId, i), encoded);
    }
  }

  /** The payload form of outputs held here (base64 Arrow IPC), for inline hand-over. */
  inlineOutputs(taskId: string): string[] {
    return (this.values.get(taskId) ?? []).map((v) => {
      let form = this.inlineForms.get(v);
      if (form === undefined) {
        form = Buffer.from(encodeValue(v)).toString('base64');
        this.inlineForms.set(v, form);
      }
      return form;
    });
  }

  addInline(inline: InlineOutput): void {
    this.values.set(inline.taskId, decodeInline(inline));
  }

  outputCount(taskId: string): number {
    return this.deps.ops.get(this.run.dag.task(taskId).op).outputs;
  }

  /** Sends a message to an inbox; every send is awaited by `settle`. */
  sendTo(key: string, message: string): void {
    this.sends.push(this.deps.coordinator.send(key, message));
  }

  send(event: RunEvent): void {
    this.sendTo(this.keys.clientInbox, JSON.stringify(event));
  }

  /** Keeps a fire-and-forget effect so that the session does not end before it does. */
  track(effect: Promise<void>): void {
    this.sends.push(effect);
  }

  flushProgress(): void {
    // Without a progress interval the executor's final report carries every finished task.
    if (this.progress.length === 0 || this.run.spec.progressIntervalMs === 0) return;
    this.send({ kind: 'progress', executorId: this.executorId, done: this.progress });
    this.progress = [];
    this.lastProgressAt = this.deps.clock.now();
  }

  notePeakMemory(): void {
    this.peakMemoryBytes = Math.max(this.peakMemoryBytes, this.deps.memoryBytes());
  }

  /** At the end of a session: final progress and every message sent. */
  async settle(): Promise<void> {
    this.notePeakMemory();
    this.flushProgress();
    await Promise.all(this.sends);
  }

  /** A failed instruction's message, naming the task and, for a run, its op. */
  failureMessage(kind: string, taskId: string, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const what = kind === 'run' ? `task ${taskId} (op ${this.run.dag.task(taskId).op}) failed` : `${kind} of ${taskId} failed`;
    return `${what}: ${message}`;
  }
}

function decodeInline(inline: InlineOutput): Value[] {
  return inline.outputs.map((b64) => {
    const buffer = Buffer.from(b64, 'base64');
    return decodeValue(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  });
}
