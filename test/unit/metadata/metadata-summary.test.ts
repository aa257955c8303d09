import { describe, expect, it } from 'vitest';
import { formatMetadataSummary } from '../../../src/metadata/format-metadata-summary.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import { summarizeHistory } from '../../../src/metadata/metadata-summary.js';
import { invokeRecord, taskRecord, transferRecord } from './record-fixtures.js';

const history = historyFromRecords(
  [
    ...[10, 20, 30, 40, 50].map((execMs) => taskRecord({ taskKey: 'b-key', execMs })),
    taskRecord({ taskKey: 'a-key', execMs: 7 }),
    transferRecord({ store: 's3', direction: 'get', bytes: 2_000_000, ms: 40 }),
    transferRecord({ store: 's3', direction: 'get', bytes: 1_000_000, ms: 10 }),
    transferRecord({ store: 'redis', direction: 'put', bytes: 0, ms: 0 }),
    invokeRecord({ tier: 3008, cold: false, startupMs: 20 }),
    invokeRecord({ tier: 1024, cold: true, startupMs: 300 }),
  ],
  2,
);

describe('summarizeHistory', () => {
  it('gives samples, avg, median and p90 per task key, per store and direction, per tier', () => {
    const summary = summarizeHistory(history);
    expect(summary.taskKeys).toEqual([
      { taskKey: 'a-key', execMs: { samples: 1, avg: 7, median: 7, p90: 7 } },
      { taskKey: 'b-key', execMs: { samples: 5, avg: 30, median: 30, p90: 46 } },
    ]);
    expect(summary.transfers).toEqual([
      { store: 'redis', direction: 'put', ms: { samples: 1, avg: 0, median: 0, p90: 0 }, megabytesPerSecond: undefined },
      { store: 's3', direction: 'get', ms: { samples: 2, avg: 25, median: 25, p90: 37 }, megabytesPerSecond: { samples: 2, avg: 75, median: 75, p90: 95 } },
    ]);
    expect(summary.startups.map((s) => [s.tier, s.cold, s.startupMs.median])).toEqual([
      [1024, true, 300],
      [3008, false, 20],
    ]);
    expect(summary.skipped).toBe(2);
  });

  it('filters by task key', () => {
    expect(summarizeHistory(history, { taskKey: 'a-key' }).taskKeys.map((t) => t.taskKey)).toEqual(['a-key']);
    expect(summarizeHistory(history, { taskKey: 'nope' }).taskKeys).toEqual([]);
  });

  it('formats as aligned tables, saying when a section is empty', () => {
    const text = formatMetadataSummary(summarizeHistory(history), '/tmp/m');
    expect(text).toContain('metadata at /tmp/m');
    expect(text).toContain('2 stored entries were not valid records');
    expect(text).toMatch(/b-key\s+5\s+30\s+30\s+46/);
    expect(text).toMatch(/s3\s+get\s+2\s+25\s+25\s+37\s+75/);
    expect(text).toMatch(/1024\s+cold\s+1\s+300\s+300\s+300/);
    expect(formatMetadataSummary(summarizeHistory(historyFromRecords([])), 'x')).toContain('no task records');
  });
});
