import type { MetadataHistory } from './metadata-history.js';
import type { StoreKind, TransferDirection } from './records.js';
import { mean, percentileOfSorted, sortedAscending } from './statistics.js';

/** What `wukong metadata stats` prints: sample counts and avg / median / p90 per group. */
export interface Distribution {
  readonly samples: number;
  readonly avg: number;
  readonly median: number;
  readonly p90: number;
}

export interface TaskKeySummary {
  readonly taskKey: string;
  /** Recorded execution times, as measured on whatever worker each ran on. */
  readonly execMs: Distribution;
}

export interface TransferSummary {
  readonly store: StoreKind;
  readonly direction: TransferDirection;
  readonly ms: Distribution;
  /** Per transfer: bytes / ms, as MB/s (1 MB = 1,000,000 bytes); transfers of 0 ms left out. */
  readonly megabytesPerSecond: Distribution | undefined;
}

export interface StartupSummary {
  readonly tier: number;
  readonly cold: boolean;
  readonly startupMs: Distribution;
}

export interface MetadataSummary {
  readonly taskKeys: TaskKeySummary[];
  readonly transfers: TransferSummary[];
  readonly startups: StartupSummary[];
  readonly skipped: number;
}

export function distributionOf(values: readonly number[]): Distribution {
  const sorted = sortedAscending(values);
  return { samples: sorted.length, avg: mean(sorted), median: percentileOfSorted(sorted, 50), p90: percentileOfSorted(sorted, 90) };
}

/** Groups and summarizes a history; `taskKey` keeps only that key's task summary. Groups are sorted. */
export function summarizeHistory(history: MetadataHistory, filter: { taskKey?: string } = {}): MetadataSummary {
  const execByKey = groupBy(
    history.tasks.filter((r) => filter.taskKey === undefined || r.taskKey === filter.taskKey),
    (r) => r.taskKey,
    (r) => r.execMs,
  );
  const transfers = groupBy(history.transfers, (r) => `${r.store}\u0000${r.direction}`, (r) => r);
  const startups = groupBy(history.invokes, (r) => `${r.tier}\u0000${r.cold}`, (r) => r);
  return {
    taskKeys: [...execByKey].map(([taskKey, ms]) => ({ taskKey, execMs: distributionOf(ms) })),
    transfers: [...transfers.values()].map((records) => {
      const first = records[0] as (typeof records)[number];
      const rates = records.filter((r) => r.ms > 0).map((r) => r.bytes / r.ms / 1000);
      return {
        store: first.store,
        direction: first.direction,
        ms: distributionOf(records.map((r) => r.ms)),
        megabytesPerSecond: rates.length > 0 ? distributionOf(rates) : undefined,
      };
    }),
    startups: [...startups.values()]
      .map((records) => {
        const first = records[0] as (typeof records)[number];
        return { tier: first.tier, cold: first.cold, startupMs: distributionOf(records.map((r) => r.startupMs)) };
      })
      .sort((a, b) => a.tier - b.tier || Number(b.cold) - Number(a.cold)),
    skipped: history.skipped,
  };
}

/** Groups in key order (sorted), values in input order. */
function groupBy<R, V>(records: readonly R[], keyOf: (record: R) => string, valueOf: (record: R) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const record of records) {
    const key = keyOf(record);
    const list = groups.get(key);
    if (list) list.push(valueOf(record));
    else groups.set(key, [valueOf(record)]);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
