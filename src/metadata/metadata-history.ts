import { BadInputError } from '../model/errors.js';
import { MetadataRecordSchema, type InvokeRecord, type MetadataRecord, type PoolRecord, type TaskRecord, type TransferRecord } from './records.js';

/**
 * Everything a MetadataStore holds, grouped by record type for the predictor. Plain arrays (no
 * classes), so a history can be built by hand in tests or shipped as JSON.
 */
export interface MetadataHistory {
  readonly tasks: readonly TaskRecord[];
  readonly transfers: readonly TransferRecord[];
  readonly invokes: readonly InvokeRecord[];
  /** Embedded runs' CPU (absent in histories built by hand or older than the record). */
  readonly pools?: readonly PoolRecord[];
  /** Stored entries that were not valid records (a torn line, garbage) and were left out. */
  readonly skipped: number;
}

export function emptyHistory(): MetadataHistory {
  return { tasks: [], transfers: [], invokes: [], pools: [], skipped: 0 };
}

/** Groups records by type, keeping their order. */
export function historyFromRecords(records: Iterable<MetadataRecord>, skipped = 0): MetadataHistory {
  const tasks: TaskRecord[] = [];
  const transfers: TransferRecord[] = [];
  const invokes: InvokeRecord[] = [];
  const pools: PoolRecord[] = [];
  for (const record of records) {
    if (record.type === 'task') tasks.push(record);
    else if (record.type === 'transfer') transfers.push(record);
    else if (record.type === 'invoke') invokes.push(record);
    else pools.push(record);
  }
  return { tasks, transfers, invokes, pools, skipped };
}

/** The records of a history, tasks first, then transfers, invokes and pools (for export). */
export function recordsOfHistory(history: MetadataHistory): MetadataRecord[] {
  return [...history.tasks, ...history.transfers, ...history.invokes, ...(history.pools ?? [])];
}

/**
 * Splits records to import into those of runs the store does not hold yet and those of runs it
 * does: a run is recorded once, so importing the same export twice must not double its samples.
 */
export function recordsOfNewRuns(records: readonly MetadataRecord[], stored: MetadataHistory): { fresh: MetadataRecord[]; skippedRecords: number; skippedRuns: number } {
  const storedRuns = new Set(recordsOfHistory(stored).map((r) => r.runId));
  const fresh = records.filter((r) => !storedRuns.has(r.runId));
  const skippedRuns = new Set(records.filter((r) => storedRuns.has(r.runId)).map((r) => r.runId)).size;
  return { fresh, skippedRecords: records.length - fresh.length, skippedRuns };
}

export function recordCount(history: MetadataHistory): number {
  return history.tasks.length + history.transfers.length + history.invokes.length + (history.pools?.length ?? 0);
}

/** How many records of each kind the predictor reads a history has (pools only fit the local profile). */
export interface HistoryRecordCounts {
  readonly tasks: number;
  readonly transfers: number;
  readonly invokes: number;
}

export function historyRecordCounts(history: MetadataHistory): HistoryRecordCounts {
  return { tasks: history.tasks.length, transfers: history.transfers.length, invokes: history.invokes.length };
}

/**
 * Validates records before a store writes them, so that nothing invalid is ever stored. Throws
 * BadInputError naming the first bad record and field; returns the parsed records.
 */
export function validateRecords(records: readonly unknown[]): MetadataRecord[] {
  return records.map((record, index) => {
    const parsed = MetadataRecordSchema.safeParse(record);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(record)';
    throw new BadInputError(`metadata record ${index}: ${path}: ${issue?.message ?? 'invalid'}`);
  });
}
