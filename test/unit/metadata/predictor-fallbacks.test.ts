import { describe, expect, it } from 'vitest';
import { cpuShareOf, LAMBDA_MB_PER_VCPU } from '../../../src/metadata/cpu-share.js';
import { emptyHistory, historyFromRecords } from '../../../src/metadata/metadata-history.js';
import type { TaskDescriptor } from '../../../src/metadata/metadata-access.js';
import { DEFAULT_COLD_START, DEFAULT_EXEC_MS, DEFAULT_SOURCE_OUTPUT_BYTES, DEFAULT_WARM_START, PREDICTION_DEFAULTS } from '../../../src/metadata/prediction-defaults.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';
import { invokeRecord, taskRecord, transferRecord } from './record-fixtures.js';

const ONE_VCPU = { memoryMb: LAMBDA_MB_PER_VCPU, vcpu: 1 };
const task: TaskDescriptor = { taskId: 'mul-0', op: 'matrix.matmul', taskKey: 'mm', hints: { durationMs: 300, outputBytes: 4096 } };
const bare: TaskDescriptor = { taskId: 'bare', op: 'matrix.matmul', taskKey: 'mm-unseen' };

describe('MetadataPredictor fallback order: task id, task key, hints, defaults', () => {
  it("answers from the task id's own history first", () => {
    const history = historyFromRecords([
      taskRecord({ taskId: 'mul-0', taskKey: 'mm', execMs: 100, inputBytes: 1000, outputBytes: 500 }),
      taskRecord({ taskId: 'elsewhere', taskKey: 'mm', execMs: 900, inputBytes: 1000, outputBytes: 900 }),
    ]);
    const predictor = new MetadataPredictor(history, [task]);
    const explained = predictor.explainExecutionTime('mul-0', 1000, [ONE_VCPU]);
    expect(explained).toMatchObject({ source: 'task', samples: 1 });
    expect(explained.estimates[0]?.ms).toBeCloseTo(100, 9);
    expect(predictor.explainOutputSize('mul-0', 1000)).toEqual({ source: 'task', samples: 1, bytes: 500 });
  });

  it('ignores records of the same task id under another task key (another DAG reusing the id)', () => {
    const history = historyFromRecords([
      taskRecord({ taskId: 'mul-0', taskKey: 'something-else', execMs: 5 }),
      taskRecord({ taskId: 'other', taskKey: 'mm', execMs: 80, inputBytes: 1000 }),
    ]);
    expect(new MetadataPredictor(history, [task]).explainExecutionTime('mul-0', 1000, [ONE_VCPU])).toMatchObject({ source: 'taskKey', samples: 1 });
  });

  it("answers from the task key's history of other runs and DAGs, scaled to the input size", () => {
    const history = historyFromRecords([
      taskRecord({ taskId: 'a', taskKey: 'mm', execMs: 100, inputBytes: 1000, outputBytes: 2000 }),
      taskRecord({ taskId: 'b', taskKey: 'mm', execMs: 110, inputBytes: 1000, outputBytes: 2000 }),
      taskRecord({ taskId: 'c', taskKey: 'mm', execMs: 90, inputBytes: 1000, outputBytes: 2000 }),
    ]);
    const predictor = new MetadataPredictor(history, [task]);
    const explained = predictor.explainExecutionTime('mul-0', 2000, [ONE_VCPU]);
    expect(explained).toMatchObject({ source: 'taskKey', samples: 3 });
    expect(explained.estimates[0]?.ms).toBeCloseTo(200, 9); // median 100 ms at 1,000 bytes, twice the input
    expect(predictor.explainOutputSize('mul-0', 2000)).toEqual({ source: 'taskKey', samples: 3, bytes: 4000 });
  });

  it('answers from the DAG hints when no history exists, scaling time by the CPU share', () => {
    const predictor = new MetadataPredictor(historyFromRecords([taskRecord({ taskKey: 'unrelated' })]), [task]);
    const explained = predictor.explainExecutionTime('mul-0', 1000, [ONE_VCPU, { memoryMb: 884.5, vcpu: 0.5 }]);
    expect(explained.source).toBe('hint');
    expect(explained.estimates.map((e) => e.ms)).toEqual([300, 600]);
    expect(predictor.explainOutputSize('mul-0', 1000)).toEqual({ source: 'hint', samples: 0, bytes: 4096 });
  });

  it('answers with the documented defaults last', () => {
    const predictor = new MetadataPredictor(emptyHistory(), [bare]);
    expect(predictor.explainExecutionTime('bare', 1000, [ONE_VCPU])).toMatchObject({ source: 'default', estimates: [{ ms: DEFAULT_EXEC_MS }] });
    expect(predictor.explainOutputSize('bare', 0)).toEqual({ source: 'default', samples: 0, bytes: DEFAULT_SOURCE_OUTPUT_BYTES });
    expect(predictor.explainOutputSize('bare', 5000)).toEqual({ source: 'default', samples: 0, bytes: 5000 });
    // A task the planner never described still gets an answer.
    expect(predictor.explainExecutionTime('nobody', 0, [ONE_VCPU])).toMatchObject({ source: 'default' });
  });

  it('takes the input size from the descriptor when the call passes none', () => {
    const history = historyFromRecords([taskRecord({ taskId: 'x', taskKey: 'mm', execMs: 10, inputBytes: 100 })]);
    const predictor = new MetadataPredictor(history, [{ ...task, inputBytes: 300 }]);
    expect(predictor.predictExecutionTime('mul-0', undefined, [ONE_VCPU])[0]?.ms).toBeCloseTo(30, 9);
    expect(() => predictor.predictExecutionTime('mul-0', -1, [ONE_VCPU])).toThrow(RangeError);
  });

  it('transfers: this store kind and direction, else the default latency + bytes / bandwidth', () => {
    const history = historyFromRecords([
      transferRecord({ store: 'redis', direction: 'get', bytes: 1_000_000, ms: 11 }),
      transferRecord({ store: 'redis', direction: 'get', bytes: 2_000_000, ms: 21 }),
      transferRecord({ store: 'redis', direction: 'get', bytes: 3_000_000, ms: 31 }),
    ]);
    const predictor = new MetadataPredictor(history);
    const fromHistory = predictor.explainTransferTime('get', 10_000_000, 'median', 'redis');
    expect(fromHistory).toMatchObject({ source: 'store', samples: 3, store: 'redis' });
    expect(fromHistory.ms).toBeCloseTo(101, 6); // 1 ms latency + 10 ms per MB
    // Unnamed store: the kind with the most recorded downloads.
    expect(predictor.explainTransferTime('get', 10_000_000).store).toBe('redis');
    const s3 = PREDICTION_DEFAULTS.transfers.s3.get;
    expect(predictor.explainTransferTime('get', 7_000_000, 'median', 's3')).toEqual({
      source: 'default',
      samples: 0,
      store: 's3',
      ms: s3.latency.medianMs + 7_000_000 / (s3.megabytesPerSecond * 1000),
    });
    expect(predictor.explainTransferTime('put', 1, 'median', 'redis').source).toBe('default');
    expect(new MetadataPredictor(emptyHistory()).explainTransferTime('put', 1).store).toBe('s3');
  });

  it('transfers at one recorded size keep a latency: the line runs from the default latency through the median', () => {
    const history = historyFromRecords([10, 12, 14].map((ms) => transferRecord({ store: 's3', bytes: 4_000_000, ms: 20 + ms })));
    const predictor = new MetadataPredictor(history);
    const latency = PREDICTION_DEFAULTS.transfers.s3.get.latency.medianMs;
    expect(predictor.predictRemoteDownloadTime(0, 'median', 's3')).toBeCloseTo(latency, 9);
    expect(predictor.predictRemoteDownloadTime(4_000_000, 'median', 's3')).toBeCloseTo(32, 9);
  });

  it('start-ups: this tier, else every tier, else the documented priors', () => {
    const history = historyFromRecords([
      invokeRecord({ tier: 1024, cold: true, startupMs: 400 }),
      invokeRecord({ tier: 1024, cold: true, startupMs: 500 }),
      invokeRecord({ tier: 3008, cold: true, startupMs: 300 }),
    ]);
    const predictor = new MetadataPredictor(history);
    expect(predictor.explainStartup(true, 1024)).toEqual({ source: 'tier', samples: 2, ms: 450 });
    expect(predictor.explainStartup(true, 512)).toEqual({ source: 'allTiers', samples: 3, ms: 400 });
    expect(predictor.explainStartup(false, 1024)).toEqual({ source: 'default', samples: 0, ms: DEFAULT_WARM_START.medianMs });
    expect(new MetadataPredictor(emptyHistory()).predictColdStartMs(1024, { percentile: 90 })).toBeCloseTo(DEFAULT_COLD_START.p90Ms, 3);
  });
});

describe('CPU share scaling', () => {
  it('is linear in memory below 1,769 MB and flat above (single-threaded ops)', () => {
    expect(cpuShareOf({ memoryMb: 1769 })).toBe(1);
    expect(cpuShareOf({ memoryMb: 884.5 })).toBe(0.5);
    expect(cpuShareOf({ memoryMb: 10_240 })).toBe(1);
  });

  it('normalizes history by the recorded worker and predicts each config by its own share', () => {
    // The same work measured on a half-vCPU worker (200 ms) and a full one (100 ms): 100 ms at 1 vCPU.
    const history = historyFromRecords([
      taskRecord({ taskId: 'a', taskKey: 'mm', execMs: 200, inputBytes: 1000, worker: { memoryMb: 884.5, vcpu: 0.5 } }),
      taskRecord({ taskId: 'b', taskKey: 'mm', execMs: 100, inputBytes: 1000, worker: { memoryMb: 1769, vcpu: 1 } }),
      taskRecord({ taskId: 'c', taskKey: 'mm', execMs: 100, inputBytes: 1000, worker: { memoryMb: 3538, vcpu: 2 } }),
    ]);
    const predictor = new MetadataPredictor(history, [task]);
    const configs = [
      { memoryMb: 442.25, vcpu: 0.25 },
      { memoryMb: 1769, vcpu: 1 },
      { memoryMb: 10_240, vcpu: 6 },
    ];
    const estimates = predictor.predictExecutionTime('mul-0', 1000, configs, { percentile: 90 });
    expect(estimates.map((e) => e.config)).toEqual(configs);
    expect(estimates[0]?.ms).toBeCloseTo(400, 9);
    expect(estimates[1]?.ms).toBeCloseTo(100, 9);
    expect(estimates[2]?.ms).toBeCloseTo(100, 9); // no gain above one vCPU
  });
});

describe('SLA input', () => {
  it('accepts the text form from untyped plug-ins and refuses nonsense with BadInputError', () => {
    const predictor = new MetadataPredictor(historyFromRecords([invokeRecord({ startupMs: 100 }), invokeRecord({ startupMs: 300 })]));
    expect(predictor.predictColdStartMs(1769, 'p90' as never)).toBeCloseTo(280, 9);
    expect(() => predictor.predictColdStartMs(1769, { percentile: 120 })).toThrow(/bad SLA/);
    expect(() => predictor.predictColdStartMs(1769, 'fastest' as never)).toThrow(/bad SLA/);
  });
});
