import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import type { MetadataAccess } from '../../../src/metadata/metadata-access.js';
import { decodeRecordLine } from '../../../src/metadata/record-lines.js';
import { MAX_OUTPUT_BYTES_PER_TASK, MAX_RECORDED_BYTES, MAX_RECORDED_DURATION_MS } from '../../../src/model/limits.js';
import { validateDag } from '../../../src/dag/validate.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { heftPlanner } from '../../../src/plan/algorithms/heft.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import { parseSla } from '../../../src/metadata/sla.js';
import { PlanValidationError } from '../../../src/plan/validate-plan.js';
import { DEFAULT_TIERS } from '../../../src/plan/tiers.js';
import { taskRecord, transferRecord, invokeRecord } from '../metadata/record-fixtures.js';

const line = (record: unknown) => decodeRecordLine(JSON.stringify(record));

describe('metadata records are bounded', () => {
  it.each([
    ['execMs 1e308', taskRecord({ execMs: 1e308 })],
    ['execMs over a day', taskRecord({ execMs: MAX_RECORDED_DURATION_MS + 1 })],
    ['negative execMs', taskRecord({ execMs: -1 })],
    ['outputBytes over 1 TiB', taskRecord({ outputBytes: MAX_RECORDED_BYTES + 1 })],
    ['worker memory 1e308', taskRecord({ worker: { memoryMb: 1e308, vcpu: 1 } })],
    ['transfer ms 1e308', transferRecord({ ms: 1e308 })],
    ['transfer bytes 1e300', transferRecord({ bytes: 1e300 })],
    ['startupMs 1e308', invokeRecord({ startupMs: 1e308 })],
  ])('refuses a record with %s (skipped and counted by the stores)', (_what, record) => {
    expect(typeof line(record)).toBe('string');
  });

  it('keeps records at the bounds', () => {
    expect(typeof line(taskRecord({ execMs: MAX_RECORDED_DURATION_MS, outputBytes: MAX_RECORDED_BYTES }))).toBe('object');
  });
});

describe('planning with absurd predictions', () => {
  // A fan-out and fan-in, so heft compares workers for every task.
  const spec = {
    tasks: [
      { id: 'a', op: 'synthetic.work', args: { ms: 1 } },
      { id: 'b', op: 'synthetic.work', args: { ms: 1 }, deps: ['a'] },
      { id: 'c', op: 'synthetic.work', args: { ms: 1 }, deps: ['a'] },
      { id: 'd', op: 'synthetic.work', args: { ms: 1 }, deps: ['b', 'c'] },
    ],
  };
  /** Finite but absurd figures, as a store without bounds handed them out: sums reach Infinity. */
  const absurd: MetadataAccess = {
    predictExecutionTime: (_id, _bytes, configs) => configs.map((config) => ({ config, ms: 1e308 })),
    predictOutputSize: () => 8,
    predictRemoteDownloadTime: () => 1e308,
    predictUploadTime: () => 1e308,
    predictColdStartMs: () => 1e308,
    predictWarmStartMs: () => 1e308,
  };

  it('heft does not throw a TypeError; the plan is refused for its non-finite prediction', async () => {
    const run = planDag(Dag.fromSpec(spec), heftPlanner, { metadata: absurd, sla: parseSla('median'), tiers: DEFAULT_TIERS });
    await expect(run).rejects.toBeInstanceOf(PlanValidationError);
    await expect(run).rejects.toThrow(/not finite/);
  });
});

describe('output size limit, off by none', () => {
  const ops = createBuiltinRegistry();
  const withOutput = (outputBytes: number) => ({ tasks: [{ id: 'big', op: 'synthetic.work', args: { ms: 0, outputBytes } }] });

  it("refuses synthetic.work outputBytes 2^31 at validation (Arrow writes at most 2^31 - 1)", () => {
    const result = validateDag(withOutput(2 ** 31), ops);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems[0]?.message).toContain('args.outputBytes');
  });

  it('accepts 2^31 - 1, the limit itself', () => {
    expect(MAX_OUTPUT_BYTES_PER_TASK).toBe(2 ** 31 - 1);
    expect(validateDag(withOutput(2 ** 31 - 1), ops).ok).toBe(true);
  });

  it('refuses a hint of 2^31 output bytes', () => {
    const result = validateDag({ tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 0 }, hints: { outputBytes: 2 ** 31 } }] }, ops);
    expect(result.ok).toBe(false);
  });
});
