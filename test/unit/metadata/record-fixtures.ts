import type { InvokeRecord, PoolRecord, TaskRecord, TransferRecord } from '../../../src/metadata/records.js';

/** Small valid records for store and predictor tests; override any field. */
export function taskRecord(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    type: 'task',
    runId: 'run-1',
    taskId: 't1',
    op: 'synthetic.work',
    taskKey: 'synthetic.work|{"ms":10}|',
    worker: { memoryMb: 1769, vcpu: 1 },
    execMs: 10,
    inputBytes: 0,
    outputBytes: 8,
    at: 1_700_000_000_000,
    ...overrides,
  };
}

export function transferRecord(overrides: Partial<TransferRecord> = {}): TransferRecord {
  return { type: 'transfer', runId: 'run-1', store: 's3', direction: 'get', bytes: 1_000_000, ms: 30, at: 1_700_000_000_000, ...overrides };
}

export function invokeRecord(overrides: Partial<InvokeRecord> = {}): InvokeRecord {
  return { type: 'invoke', runId: 'run-1', tier: 1769, cold: true, startupMs: 250, at: 1_700_000_000_000, ...overrides };
}

export function poolRecord(overrides: Partial<PoolRecord> = {}): PoolRecord {
  return { type: 'pool', runId: 'run-1', threads: 2, tasks: 10, busyMs: 40, syncOpMs: 25, awaitedOpMs: 0, at: 1_700_000_000_000, ...overrides };
}
