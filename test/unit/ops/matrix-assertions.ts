import { expect } from 'vitest';
import { matrix, type MatrixBlock, type Value } from '../../../src/data/value.js';

/** Straightforward references, written independently of the kernels under test. */
export function referenceProduct(a: MatrixBlock, b: MatrixBlock): MatrixBlock {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i += 1) {
    for (let j = 0; j < b.cols; j += 1) {
      let sum = 0;
      for (let k = 0; k < a.cols; k += 1) sum += at(a, i, k) * at(b, k, j);
      out.data[i * b.cols + j] = sum;
    }
  }
  return out;
}

export function referenceTranspose(a: MatrixBlock): MatrixBlock {
  return fromFunction(a.cols, a.rows, (i, j) => at(a, j, i));
}

export function fromFunction(rows: number, cols: number, f: (i: number, j: number) => number): MatrixBlock {
  const out = matrix(rows, cols);
  for (let i = 0; i < rows; i += 1) for (let j = 0; j < cols; j += 1) out.data[i * cols + j] = f(i, j);
  return out;
}

export function fromRows(rows: number[][]): MatrixBlock {
  return fromFunction(rows.length, rows[0]?.length ?? 0, (i, j) => rows[i]![j]!);
}

export function at(a: MatrixBlock, i: number, j: number): number {
  return a.data[i * a.cols + j]!;
}

export function asMatrix(value: Value | undefined): MatrixBlock {
  if (value?.kind !== 'matrix') throw new Error(`expected a matrix, got ${value?.kind ?? 'nothing'}`);
  return value;
}

export function asBytes(value: Value | undefined): Uint8Array {
  if (value?.kind !== 'bytes') throw new Error(`expected bytes, got ${value?.kind ?? 'nothing'}`);
  return value.data;
}

/**
 * Relative error against the expected block's magnitude: max |actual - expected| / max |expected|
 * (absolute when expected is all zeros).
 */
export function relativeError(actual: MatrixBlock, expected: MatrixBlock): number {
  let worstDiff = 0;
  let scale = 0;
  for (let i = 0; i < expected.data.length; i += 1) {
    worstDiff = Math.max(worstDiff, Math.abs(actual.data[i]! - expected.data[i]!));
    scale = Math.max(scale, Math.abs(expected.data[i]!));
  }
  return scale === 0 ? worstDiff : worstDiff / scale;
}

export function expectMatrixClose(actual: MatrixBlock, expected: MatrixBlock, tolerance = 1e-9): void {
  expect(`${actual.rows}x${actual.cols}`).toBe(`${expected.rows}x${expected.cols}`);
  expect(relativeError(actual, expected)).toBeLessThanOrEqual(tolerance);
}

/** Pseudo-random test data from a tiny LCG, independent of the generator under test. */
export function testMatrix(rows: number, cols: number, seed: number): MatrixBlock {
  let state = seed >>> 0 || 1;
  return fromFunction(rows, cols, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}
