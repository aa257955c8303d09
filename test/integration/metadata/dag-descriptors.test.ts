import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordedWorkloadRuns } from '../../../bench/recorded-workload-run.js';
import { describeDagTasks } from '../../../src/metadata/dag-descriptors.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { WORKLOADS } from '../../../workloads/index.js';

/**
 * The static descriptors must name every task by the very key its executor records, and give
 * its exact input bytes: otherwise a planner never finds the history of earlier runs.
 */
let runs: RecordedWorkloadRuns;
beforeAll(async () => {
  runs = await RecordedWorkloadRuns.create(2);
});
afterAll(async () => {
  await runs.dispose();
});

/** Small presets; tr also with delays, which turns its reductions into synthetic.work tasks. */
const CASES = [
  // Table ops' shapes are estimates (a filter's rows depend on the data, src/ops/table/table-costs.ts),
  // and a read's need its source's footer: pipeline's keys are not the ones executors record.
  ...WORKLOADS.filter((workload) => workload.name !== 'pipeline').map((workload) => ({ workload, params: { ...workload.presets.small } as Record<string, number> })),
  { workload: WORKLOADS.find((w) => w.name === 'tr')!, params: { elements: 16, delayMs: 2 } },
];

describe('describeDagTasks derives the task keys executors record (every replay workload, run for real)', () => {
  it.each(CASES.map((c) => [`${c.workload.name} ${JSON.stringify(c.params)}`, c] as const))('%s', async (_name, { workload, params }) => {
    // Prepare: one real run recording metadata.
    const { dag, runId } = await runs.run(workload, params);
    const recorded = (await runs.history()).tasks.filter((record) => record.runId === runId);

    // Act
    const descriptors = describeDagTasks(dag, createBuiltinRegistry());

    // Assess: one record per task, with the descriptor's key and input bytes; outputs too.
    expect(recorded).toHaveLength(dag.taskCount());
    const byId = new Map(descriptors.map((d) => [d.taskId, d]));
    for (const record of recorded) {
      const descriptor = byId.get(record.taskId);
      expect(descriptor, record.taskId).toBeDefined();
      expect({ taskId: record.taskId, taskKey: descriptor?.taskKey, inputBytes: descriptor?.inputBytes, outputBytes: descriptor?.outputBytes }).toEqual({
        taskId: record.taskId,
        taskKey: record.taskKey,
        inputBytes: record.inputBytes,
        outputBytes: record.outputBytes,
      });
      expect(descriptor?.unknownShapesReason).toBeUndefined();
    }
  });
});

describe('transfer records', () => {
  it('record the bytes of every put and get (the memory store must not see a detached buffer first)', async () => {
    // Prepare
    const gemm = WORKLOADS.find((w) => w.name === 'gemm')!;
    const { runId } = await runs.run(gemm, { ...gemm.presets.small } as Record<string, number>);
    // Act
    const transfers = (await runs.history()).transfers.filter((record) => record.runId === runId);
    // Assess
    expect(transfers.some((t) => t.direction === 'put')).toBe(true);
    for (const transfer of transfers) expect(transfer.bytes, `${transfer.direction} of ${transfer.store}`).toBeGreaterThan(0);
  });
});
