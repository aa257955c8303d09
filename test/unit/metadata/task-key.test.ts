import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { bytes, matrix } from '../../../src/data/value.js';
import { bytesShape, canonicalJson, matrixShape, powerOfTwoAtLeast, shapeOfValue, taskKeyOf } from '../../../src/metadata/task-key.js';

describe('taskKeyOf', () => {
  it('renders op, canonical args and input shapes', () => {
    expect(taskKeyOf('matrix.matmul', undefined, ['500x500', '500x500'])).toBe('matrix.matmul|{}|500x500,500x500');
    expect(taskKeyOf('synthetic.work', { ms: 120, mode: 'spin' }, ['b:1048576'])).toBe('synthetic.work|{"mode":"spin","ms":120}|b:1048576');
  });

  it('is the same for the same op and shapes whatever the task ids, key order or seed', () => {
    // Two DAGs: different ids and seeds, args written in a different key order.
    const inDagA = taskKeyOf('matrix.random', { rows: 1000, cols: 1000, seed: 1 }, []);
    const inDagB = taskKeyOf('matrix.random', { seed: 42, cols: 1000, rows: 1000 }, []);
    expect(inDagA).toBe(inDagB);
    expect(taskKeyOf('matrix.scale', { factor: 2 }, ['10x10'])).toBe(taskKeyOf('matrix.scale', { factor: -3.5 }, ['10x10']));
  });

  it('differs when the work differs: args that shape it, the op, or the input shapes', () => {
    const base = taskKeyOf('matrix.random', { rows: 1000, cols: 1000 }, []);
    expect(taskKeyOf('matrix.random', { rows: 1000, cols: 500 }, [])).not.toBe(base);
    expect(taskKeyOf('matrix.zeros', { rows: 1000, cols: 1000 }, [])).not.toBe(base);
    expect(taskKeyOf('matrix.matmul', {}, ['10x10', '10x10'])).not.toBe(taskKeyOf('matrix.matmul', {}, ['20x20', '20x20']));
    expect(taskKeyOf('synthetic.work', { ms: 1, mode: 'spin' }, [])).not.toBe(taskKeyOf('synthetic.work', { ms: 1, mode: 'sleep' }, []));
  });

  it('keeps input order (an op input list is ordered)', () => {
    expect(taskKeyOf('matrix.matmul', {}, ['10x20', '20x30'])).not.toBe(taskKeyOf('matrix.matmul', {}, ['20x30', '10x20']));
  });

  it('canonicalJson sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: { y: 1, x: [2, { d: 1, c: 2 }] }, a: undefined, c: null })).toBe('{"b":{"x":[2,{"c":2,"d":1}],"y":1},"c":null}');
  });

  it('shapes: exact matrix blocks, bytes bucketed up to a power of two, tables by rows and columns', () => {
    expect(matrixShape(1000, 1000)).toBe('1000x1000');
    expect(shapeOfValue(matrix(3, 4))).toBe('3x4');
    expect(bytesShape(1_000_000)).toBe('b:1048576');
    expect(bytesShape(1_048_576)).toBe('b:1048576');
    expect(bytesShape(1_048_577)).toBe('b:2097152');
    expect(bytesShape(0)).toBe('b:0');
    expect(shapeOfValue(bytes(new Uint8Array(3)))).toBe('b:4');
    expect(shapeOfValue({ kind: 'table', table: tableFromArrays({ a: [1, 2, 3], b: [4, 5, 6] }) })).toBe('t:4x2');
  });

  it('powerOfTwoAtLeast is exact at and around every power of two', () => {
    for (let k = 0; k <= 52; k += 1) {
      const power = 2 ** k;
      expect(powerOfTwoAtLeast(power)).toBe(power);
      if (k > 1) expect(powerOfTwoAtLeast(power - 1)).toBe(power);
      if (k < 52) expect(powerOfTwoAtLeast(power + 1)).toBe(power * 2);
    }
  });
});
