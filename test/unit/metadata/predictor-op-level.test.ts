import { describe, expect, it } from 'vitest';
import { LAMBDA_MB_PER_VCPU } from '../../../src/metadata/cpu-share.js';
import type { TaskDescriptor } from '../../../src/metadata/metadata-access.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';
import { taskRecord } from './record-fixtures.js';

const ONE_VCPU = { memoryMb: LAMBDA_MB_PER_VCPU, vcpu: 1 };

/** A matmul of two n x n blocks as an executor records it: 2n² doubles in, n² out, time ∝ n³. */
function matmulRecord(n: number, msPerMegaFlop: number) {
  return taskRecord({
    taskId: `mul-${n}`,
    op: 'matrix.matmul',
    taskKey: `matrix.matmul|{}|${n}x${n},${n}x${n}`,
    execMs: (n ** 3 / 1e6) * msPerMegaFlop,
    inputBytes: 2 * n * n * 8,
    outputBytes: n * n * 8,
  });
}

const unseen: TaskDescriptor = {
  taskId: 'mul-new',
  op: 'matrix.matmul',
  taskKey: 'matrix.matmul|{}|192x192,192x192',
  inputBytes: 2 * 192 * 192 * 8,
  outputBytes: 192 * 192 * 8,
  hints: { durationMs: 1, outputBytes: 1 },
};

describe('MetadataPredictor same-op level (between the task key and the hints)', () => {
  it('predicts an unseen block size of a known op from other sizes, by a power law of bytes', () => {
    const history = historyFromRecords([128, 256, 128, 256].map((n) => matmulRecord(n, 2)));
    const predictor = new MetadataPredictor(history, [unseen]);
    const explained = predictor.explainExecutionTime('mul-new', undefined, [ONE_VCPU]);
    expect(explained).toMatchObject({ source: 'op', samples: 4 });
    // n³ work: 192³ / 1e6 * 2 ms; a straight line through 128 and 256 would say ~16 % more.
    expect(explained.estimates[0]?.ms).toBeCloseTo((192 ** 3 / 1e6) * 2, 6);
  });

  it('answers output sizes from the static shape before the op level, and from the op level without one', () => {
    const history = historyFromRecords([128, 256].map((n) => matmulRecord(n, 2)));
    expect(new MetadataPredictor(history, [unseen]).explainOutputSize('mul-new', undefined)).toEqual({ source: 'shape', samples: 0, bytes: 192 * 192 * 8 });
    const { outputBytes: _static, ...withoutShape } = unseen;
    expect(new MetadataPredictor(history, [withoutShape]).explainOutputSize('mul-new', undefined)).toEqual({ source: 'op', samples: 2, bytes: 192 * 192 * 8 });
  });

  it('prefers the task key when it has records, and ignores other input counts of the op', () => {
    const sameKey = taskRecord({ taskId: 'x', op: 'matrix.matmul', taskKey: unseen.taskKey, execMs: 99, inputBytes: unseen.inputBytes!, outputBytes: 1 });
    expect(new MetadataPredictor(historyFromRecords([matmulRecord(128, 2), sameKey]), [unseen]).explainExecutionTime('mul-new', undefined, [ONE_VCPU])).toMatchObject({
      source: 'taskKey',
    });
    const threeInputs = taskRecord({ op: 'matrix.matmul', taskKey: 'matrix.matmul|{}|1x1,1x1,1x1', execMs: 5, inputBytes: 24 });
    expect(new MetadataPredictor(historyFromRecords([threeInputs]), [unseen]).explainExecutionTime('mul-new', undefined, [ONE_VCPU]).source).toBe('hint');
  });

  it('places sources (no input) on the curve by their output bytes', () => {
    const random = (n: number) =>
      taskRecord({ op: 'matrix.random', taskKey: `matrix.random|{"cols":${n},"rows":${n}}|`, execMs: n * n * 1e-4, inputBytes: 0, outputBytes: n * n * 8 });
    const source: TaskDescriptor = { taskId: 'r', op: 'matrix.random', taskKey: 'matrix.random|{"cols":300,"rows":300}|', inputBytes: 0, outputBytes: 300 * 300 * 8 };
    const explained = new MetadataPredictor(historyFromRecords([random(100), random(200)]), [source]).explainExecutionTime('r', undefined, [ONE_VCPU]);
    expect(explained.source).toBe('op');
    expect(explained.estimates[0]?.ms).toBeCloseTo(9, 6);
  });

  it('skips the op level when the input bytes of a task with inputs are unknown (shapes not derivable)', () => {
    const unknown: TaskDescriptor = { taskId: 'u', op: 'matrix.matmul', taskKey: 'matrix.matmul|{}|?,?', hints: { durationMs: 7 } };
    const predictor = new MetadataPredictor(historyFromRecords([128, 256].map((n) => matmulRecord(n, 2))), [unknown]);
    expect(predictor.explainExecutionTime('u', undefined, [ONE_VCPU])).toMatchObject({ source: 'hint', estimates: [{ ms: 7 }] });
    // The caller may still pass the bytes it knows.
    expect(predictor.explainExecutionTime('u', 2 * 128 * 128 * 8, [ONE_VCPU]).source).toBe('op');
  });
});

describe('MetadataPredictor: a duration hint beats the op curve of other args (issue 15 item 3)', () => {
  it('matrix.add {delayMs: 500} with a 500 ms hint is not predicted from matrix.add without the delay', () => {
    const plain = [1, 2, 3].map((i) => taskRecord({ taskId: `p${i}`, op: 'matrix.add', taskKey: `matrix.add|{}|${i * 10}x1,${i * 10}x1`, execMs: 0.1, inputBytes: i * 160, outputBytes: i * 80 }));
    const delayed: TaskDescriptor = { taskId: 'd', op: 'matrix.add', taskKey: 'matrix.add|{"delayMs":500}|1x1,1x1', inputBytes: 16, outputBytes: 8, hints: { durationMs: 500 } };
    expect(new MetadataPredictor(historyFromRecords(plain), [delayed]).explainExecutionTime('d', undefined, [ONE_VCPU])).toMatchObject({ source: 'hint', estimates: [{ ms: 500 }] });
    // The same args at other sizes still use the curve.
    const sameArgs = { ...delayed, taskKey: 'matrix.add|{}|1x1,1x1' };
    expect(new MetadataPredictor(historyFromRecords(plain), [sameArgs]).explainExecutionTime('d', undefined, [ONE_VCPU]).source).toBe('op');
  });
});
