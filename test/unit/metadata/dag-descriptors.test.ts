import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { valueByteSize } from '../../../src/data/codec.js';
import { bytes, matrix, type Value } from '../../../src/data/value.js';
import { describeDagTasks, predictorForDag, UNKNOWN_SHAPE } from '../../../src/metadata/dag-descriptors.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import { shapeOfValue, taskKeyOf } from '../../../src/metadata/task-key.js';
import { BUILTIN_OPS, createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { defineOp, NO_ARGS } from '../../../src/ops/define-op.js';
import { exactly } from '../../../src/ops/op-definition.js';
import { byteSizeOfShape, type ValueShape } from '../../../src/ops/value-shape.js';
import { taskRecord } from './record-fixtures.js';

const ONE_VCPU = { memoryMb: 1769, vcpu: 1 };

function shapeOf(value: Value): ValueShape {
  if (value.kind === 'matrix') return { kind: 'matrix', rows: value.rows, cols: value.cols };
  if (value.kind === 'bytes') return { kind: 'bytes', byteLength: value.data.byteLength };
  throw new Error('no tables here');
}

function filled(rows: number, cols: number): Value {
  return matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => ((i * 7) % 11) - 5 + (i === 0 ? 20 : 0)));
}

/** Inputs each built-in op accepts, with its args. */
const SAMPLES: Record<string, { inputs: Value[]; args: Record<string, unknown> }> = {
  'synthetic.work': { inputs: [bytes(new Uint8Array(3))], args: { ms: 0, outputBytes: 100 } },
  'synthetic.bytes': { inputs: [], args: { bytes: 77 } },
  'synthetic.concat': { inputs: [bytes(new Uint8Array(3)), bytes(new Uint8Array(5))], args: {} },
  'matrix.random': { inputs: [], args: { rows: 3, cols: 4 } },
  'matrix.fill': { inputs: [], args: { rows: 3, cols: 4, value: 1 } },
  'matrix.identity': { inputs: [], args: { n: 5 } },
  'matrix.add': { inputs: [filled(3, 4), filled(3, 4), filled(3, 4)], args: {} },
  'matrix.sub': { inputs: [filled(3, 4), filled(3, 4)], args: {} },
  'matrix.matmul': { inputs: [filled(3, 4), filled(4, 6)], args: {} },
  'matrix.scale': { inputs: [filled(3, 4)], args: { factor: 2 } },
  'matrix.sum': { inputs: [filled(3, 4)], args: {} },
  'matrix.transpose': { inputs: [filled(3, 4)], args: {} },
  'matrix.vstack': { inputs: [filled(3, 4), filled(2, 4)], args: {} },
  'matrix.hstack': { inputs: [filled(3, 4), filled(3, 1)], args: {} },
  'matrix.slice': { inputs: [filled(6, 5)], args: { rowStart: 1, rowEnd: 4, colStart: 0, colEnd: 2 } },
  'matrix.qr': { inputs: [filled(6, 3)], args: {} },
  'matrix.svd': { inputs: [filled(3, 5)], args: {} },
  'svc.make-chunk': { inputs: [], args: { rows: 10, features: 3, seed: 1, modelSeed: 2 } },
  'svc.train-chunk': { inputs: [filled(10, 3), matrix(10, 1, new Float64Array(10).fill(1)), matrix(1, 4)], args: { lambda: 0.1 } },
  'svc.predict': { inputs: [filled(10, 3), matrix(1, 4)], args: {} },
};

describe('op shape declarations', () => {
  // Table ops declare no shapes: their row counts depend on the data (docs/ARCHITECTURE.md, Tables).
  it.each(BUILTIN_OPS.filter((op) => !op.name.startsWith('table.')).map((op) => [op.name, op] as const))('%s declares the shapes run returns', async (name, op) => {
    const sample = SAMPLES[name];
    expect(sample, `add a sample for ${name}`).toBeDefined();
    const args = op.args.parse(sample!.args);
    const outputs = await op.run(sample!.inputs, args);
    const declared = op.shape?.(sample!.inputs.map(shapeOf), args);
    expect(declared).toEqual(outputs.map(shapeOf));
    expect(declared?.map(byteSizeOfShape)).toEqual(outputs.map(valueByteSize));
  });

  it('declare nothing for inputs run would reject', () => {
    const registry = createBuiltinRegistry();
    expect(registry.get('matrix.matmul').shape?.([{ kind: 'bytes', byteLength: 8 }, { kind: 'matrix', rows: 1, cols: 1 }], {})).toBeUndefined();
    expect(registry.get('matrix.qr').shape?.([{ kind: 'matrix', rows: 2, cols: 3 }], {})).toBeUndefined();
    expect(registry.get('matrix.slice').shape?.([{ kind: 'matrix', rows: 2, cols: 3 }], { rowStart: 0, rowEnd: 3, colStart: 0, colEnd: 1 })).toBeUndefined();
  });
});

describe('describeDagTasks', () => {
  const spec: DagSpec = {
    tasks: [
      { id: 'a', op: 'matrix.random', args: { rows: 40, cols: 8, seed: 3 } },
      { id: 'qr', op: 'matrix.qr', deps: ['a'] },
      { id: 'r-t', op: 'matrix.transpose', deps: ['qr#1'], hints: { durationMs: 4 } },
      { id: 'w', op: 'synthetic.work', args: { ms: 5 }, deps: ['qr#0', 'r-t'] },
    ],
  };

  it('derives keys as executors compute them (parsed args, seed dropped, #i outputs) and input bytes', () => {
    const byId = new Map(describeDagTasks(Dag.fromSpec(spec), createBuiltinRegistry()).map((d) => [d.taskId, d]));
    expect(byId.get('a')).toMatchObject({ taskKey: 'matrix.random|{"cols":8,"rows":40}|', inputBytes: 0, outputBytes: 40 * 8 * 8 });
    expect(byId.get('qr')).toMatchObject({ taskKey: 'matrix.qr|{}|40x8', inputBytes: 40 * 8 * 8, outputBytes: (40 * 8 + 8 * 8) * 8 });
    expect(byId.get('r-t')).toMatchObject({ taskKey: 'matrix.transpose|{}|8x8', inputBytes: 512, hints: { durationMs: 4 } });
    // synthetic.work's defaults (outputBytes 8, mode spin) are part of the key, as the executor parses them.
    expect(byId.get('w')?.taskKey).toBe(taskKeyOf('synthetic.work', { ms: 5, outputBytes: 8, mode: 'spin' }, [shapeOfValue(matrix(40, 8)), shapeOfValue(matrix(8, 8))]));
    expect(byId.get('w')?.unknownShapesReason).toBeUndefined();
  });

  it('leaves shapes unknown downstream of an op without a declaration, says why, and the predictor falls back', () => {
    const opaque = defineOp({ name: 'plugin.opaque', description: 'no shape declaration', args: NO_ARGS, arity: exactly(1), outputs: 1, run: (inputs) => [inputs[0] as Value] });
    const registry = createBuiltinRegistry().register(opaque);
    const withPlugin: DagSpec = {
      tasks: [
        { id: 'a', op: 'matrix.random', args: { rows: 4, cols: 4 } },
        { id: 'p', op: 'plugin.opaque', deps: ['a'] },
        { id: 't', op: 'matrix.transpose', deps: ['p'], hints: { durationMs: 12, outputBytes: 99 } },
      ],
    };
    const dag = Dag.fromSpec(withPlugin);
    const byId = new Map(describeDagTasks(dag, registry).map((d) => [d.taskId, d]));
    expect(byId.get('p')).toMatchObject({ taskKey: 'plugin.opaque|{}|4x4', inputBytes: 128 });
    expect(byId.get('p')?.outputBytes).toBeUndefined();
    const t = byId.get('t');
    expect(t?.taskKey).toBe(`matrix.transpose|{}|${UNKNOWN_SHAPE}`);
    expect(t?.inputBytes).toBeUndefined();
    expect(t?.unknownShapesReason).toBe('task p: op plugin.opaque declares no output shapes');

    // History of transposes at known shapes must not answer for t: its size is unknown.
    const history = historyFromRecords([taskRecord({ op: 'matrix.transpose', taskKey: 'matrix.transpose|{}|4x4', execMs: 1000, inputBytes: 128, outputBytes: 128 })]);
    const predictor = predictorForDag(dag, registry, history);
    expect(predictor.explainExecutionTime('t', undefined, [ONE_VCPU])).toMatchObject({ source: 'hint', estimates: [{ ms: 12 }] });
    expect(predictor.explainOutputSize('t', undefined)).toEqual({ source: 'hint', samples: 0, bytes: 99 });
  });

  it('names an unknown op and args that fail the schema', () => {
    const bad: DagSpec = {
      tasks: [
        { id: 'x', op: 'no.such-op' },
        { id: 'y', op: 'matrix.transpose', deps: ['x'] },
        { id: 'z', op: 'matrix.random', args: { rows: -1, cols: 2 } },
        { id: 'zz', op: 'matrix.transpose', deps: ['z'] },
      ],
    };
    const byId = new Map(describeDagTasks(Dag.fromSpec(bad), createBuiltinRegistry()).map((d) => [d.taskId, d]));
    expect(byId.get('y')?.unknownShapesReason).toBe('task x: op no.such-op is not registered');
    expect(byId.get('zz')?.unknownShapesReason).toBe('task z: its args fail the schema of op matrix.random');
  });
});
