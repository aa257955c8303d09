import { describe, expect, it } from 'vitest';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import type { TaskRecord } from '../../../src/metadata/records.js';
import { DETERMINISTIC_PROFILE, parseCostProfile } from '../../../src/cost/profile.js';
import { historyForProfile } from '../../../src/sim/shared-core-history.js';

function task(taskId: string, execMs: number, extra: Partial<TaskRecord> = {}): TaskRecord {
  return { type: 'task', runId: 'r1', taskId, op: 'matrix.qr', taskKey: 'k', worker: { memoryMb: 1769, vcpu: 1 }, execMs, inputBytes: 1, outputBytes: 1, at: 1, ...extra };
}

describe('historyForProfile', () => {
  const history = historyFromRecords([task('a', 90, { cpuMs: 40 }), task('b', 50), task('c', 70, { cpuMs: 10, awaited: true })]);

  it("on shared cores, reads a synchronous op's CPU time as its time; the rest as recorded", () => {
    const shared = parseCostProfile({ extends: 'deterministic', name: 'shared', lambda: { sharedCpuCores: 2 } });
    const read = historyForProfile(history, shared);
    expect(read.tasks.map((t) => t.execMs)).toEqual([40, 50, 70]);
  });

  it('leaves the history as recorded for a profile whose executions have their own CPUs', () => {
    expect(historyForProfile(history, DETERMINISTIC_PROFILE)).toBe(history);
  });
});
