import type { Value } from '../data/value.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { MetadataRecord, StoreKind, WorkerConfig } from '../metadata/records.js';
import { shapeOfValue, taskKeyOf } from '../metadata/task-key.js';

/**
 * Collects one executor's metadata records (DESIGN.md §3) while it works, and writes them in one
 * batch (one round trip) when it has nothing left to run, so recording never sits on a task's
 * critical path.
 */
export class MetadataRecorder {
  private readonly records: MetadataRecord[] = [];

  /**
   * @param recording false when the executor has no metadata store: nothing is collected (a task
   * record's task key is a canonical JSON of its args and input shapes, a cost per task for nothing).
   */
  constructor(
    private readonly runId: string,
    private readonly worker: WorkerConfig,
    private readonly recording = true,
  ) {}

  task(taskId: string, op: string, args: unknown, inputs: readonly Value[], execMs: number, inputBytes: number, outputBytes: number, at: number, awaited = false, cpuMs?: number): void {
    if (!this.recording) return;
    this.records.push({
      type: 'task',
      runId: this.runId,
      taskId,
      op,
      taskKey: taskKeyOf(op, args, inputs.map(shapeOfValue)),
      worker: this.worker,
      execMs,
      inputBytes,
      outputBytes,
      at: Math.round(at),
      ...(awaited ? { awaited: true as const } : {}),
      ...(cpuMs !== undefined ? { cpuMs } : {}),
    });
  }

  transfer(store: StoreKind, direction: 'get' | 'put', bytes: number, ms: number, at: number): void {
    if (!this.recording) return;
    this.records.push({ type: 'transfer', runId: this.runId, store, direction, bytes, ms, at: Math.round(at) });
  }

  invoke(tierMb: number, cold: boolean, startupMs: number, at: number): void {
    if (!this.recording) return;
    this.records.push({ type: 'invoke', runId: this.runId, tier: Math.round(tierMb), cold, startupMs: Math.max(0, startupMs), at: Math.round(at) });
  }

  get size(): number {
    return this.records.length;
  }

  async flush(store: MetadataStore | undefined): Promise<void> {
    if (!store || this.records.length === 0) return;
    await store.append(this.records.splice(0));
  }
}
