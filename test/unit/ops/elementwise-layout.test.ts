import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { add } from '../../../src/ops/matrix/kernels/index.js';
import { OpInputError } from '../../../src/ops/op-input-error.js';
import { asMatrix, at, expectMatrixClose, fromFunction, fromRows, referenceTranspose, testMatrix } from './matrix-assertions.js';

const registry = createBuiltinRegistry();

async function runOne(op: string, inputs: Value[], rawArgs: unknown = {}): Promise<ReturnType<typeof asMatrix>> {
  const def = registry.get(op);
  const outputs = await def.run(inputs, def.args.parse(rawArgs));
  expect(outputs).toHaveLength(def.outputs);
  return asMatrix(outputs[0]);
}

describe('matrix constructors', () => {
  it('matrix.fill, matrix.identity and matrix.random build blocks of the asked shape', async () => {
    expectMatrixClose(await runOne('matrix.fill', [], { rows: 2, cols: 3, value: -1.5 }), fromRows([[-1.5, -1.5, -1.5], [-1.5, -1.5, -1.5]]));
    expectMatrixClose(await runOne('matrix.identity', [], { n: 3 }), fromFunction(3, 3, (i, j) => (i === j ? 1 : 0)));
    const random = await runOne('matrix.random', [], { rows: 3, cols: 4, seed: 8 });
    expect([random.rows, random.cols]).toEqual([3, 4]);
    expect((await runOne('matrix.random', [], { rows: 3, cols: 4, seed: 8 })).data).toEqual(random.data);
  });
});

describe('elementwise ops', () => {
  const a = testMatrix(5, 7, 1);
  const b = testMatrix(5, 7, 2);
  const c = testMatrix(5, 7, 3);

  it('matrix.add sums any number of same-shape inputs', async () => {
    expectMatrixClose(await runOne('matrix.add', [a]), a);
    expectMatrixClose(await runOne('matrix.add', [a, b, c]), fromFunction(5, 7, (i, j) => at(a, i, j) + at(b, i, j) + at(c, i, j)));
  });

  it('matrix.add does not modify its inputs', async () => {
    const before = Float64Array.from(a.data);
    await runOne('matrix.add', [a, b]);
    expect(a.data).toEqual(before);
  });

  it('matrix.add is commutative (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (rows, cols, seed) => {
        const x = testMatrix(rows, cols, seed);
        const y = testMatrix(rows, cols, seed + 1);
        expect(add([x, y]).data).toEqual(add([y, x]).data);
      }),
      { numRuns: 200 },
    );
  });

  it('matrix.sub, matrix.scale and matrix.sum match elementwise references', async () => {
    expectMatrixClose(await runOne('matrix.sub', [a, b]), fromFunction(5, 7, (i, j) => at(a, i, j) - at(b, i, j)));
    expectMatrixClose(await runOne('matrix.scale', [a], { factor: -2.5 }), fromFunction(5, 7, (i, j) => -2.5 * at(a, i, j)));
    const sum = await runOne('matrix.sum', [a]);
    expect([sum.rows, sum.cols]).toEqual([1, 1]);
    expect(sum.data[0]).toBeCloseTo(a.data.reduce((s, x) => s + x, 0), 12);
  });

  it('shape mismatches throw naming every shape', async () => {
    await expect(runOne('matrix.add', [a, testMatrix(7, 5, 1)])).rejects.toThrow('matrix.add: all inputs must have the same shape, got 5x7, 7x5');
    await expect(runOne('matrix.sub', [a, testMatrix(5, 6, 1)])).rejects.toThrow(OpInputError);
  });
});

describe('layout ops', () => {
  it('matrix.transpose matches the reference, including shapes larger than one tile', async () => {
    for (const [rows, cols] of [[1, 1], [3, 5], [33, 70]] as const) {
      const x = testMatrix(rows, cols, rows + cols);
      expectMatrixClose(await runOne('matrix.transpose', [x]), referenceTranspose(x));
    }
  });

  it('matrix.vstack and matrix.hstack concatenate in deps order', async () => {
    const top = fromRows([[1, 2], [3, 4]]);
    const bottom = fromRows([[5, 6]]);
    expectMatrixClose(await runOne('matrix.vstack', [top, bottom]), fromRows([[1, 2], [3, 4], [5, 6]]));
    const right = fromRows([[7], [8]]);
    expectMatrixClose(await runOne('matrix.hstack', [top, right, top]), fromRows([[1, 2, 7, 1, 2], [3, 4, 8, 3, 4]]));
    expectMatrixClose(await runOne('matrix.vstack', [bottom]), bottom);
  });

  it('stacks reject mismatched sides, naming the shapes', async () => {
    await expect(runOne('matrix.vstack', [testMatrix(2, 2, 1), testMatrix(2, 3, 1)])).rejects.toThrow(
      'matrix.vstack: all inputs must have the same number of columns, got 2x2, 2x3',
    );
    await expect(runOne('matrix.hstack', [testMatrix(2, 2, 1), testMatrix(3, 2, 1)])).rejects.toThrow(
      'matrix.hstack: all inputs must have the same number of rows, got 2x2, 3x2',
    );
  });

  it('matrix.slice takes a half-open window, and slices re-stack to the original', async () => {
    const x = testMatrix(6, 5, 4);
    const window = await runOne('matrix.slice', [x], { rowStart: 1, rowEnd: 4, colStart: 2, colEnd: 5 });
    expectMatrixClose(window, fromFunction(3, 3, (i, j) => at(x, i + 1, j + 2)));
    const slice = (rowStart: number, rowEnd: number, colStart: number, colEnd: number): Promise<ReturnType<typeof asMatrix>> =>
      runOne('matrix.slice', [x], { rowStart, rowEnd, colStart, colEnd });
    const left = await runOne('matrix.vstack', [await slice(0, 2, 0, 3), await slice(2, 6, 0, 3)]);
    const right = await runOne('matrix.vstack', [await slice(0, 2, 3, 5), await slice(2, 6, 3, 5)]);
    expectMatrixClose(await runOne('matrix.hstack', [left, right]), x, 0);
  });

  it('matrix.slice outside the input fails at run time with the window and the shape', async () => {
    await expect(runOne('matrix.slice', [testMatrix(3, 4, 1)], { rowStart: 0, rowEnd: 4, colStart: 0, colEnd: 1 })).rejects.toThrow(
      'matrix.slice: rows [0, 4) x cols [0, 1) do not fit a 3x4 matrix',
    );
  });
});
