import type { BytesValue, MatrixBlock, Value } from '../data/value.js';
import { OpInputError } from './op-input-error.js';

/** `3x4`, for error messages. */
export function shapeOf(block: MatrixBlock): string {
  return `${block.rows}x${block.cols}`;
}

function describe(value: Value | undefined): string {
  if (value === undefined) return 'nothing';
  return value.kind === 'matrix' ? `a ${shapeOf(value)} matrix` : `a ${value.kind} value`;
}

/** Input `index` of an op, which must be a matrix block. */
export function matrixInput(op: string, inputs: readonly Value[], index: number): MatrixBlock {
  const value = inputs[index];
  if (value?.kind !== 'matrix') throw new OpInputError(op, `input ${index} must be a matrix, got ${describe(value)}`);
  return value;
}

/** Every input of an op, each of which must be a matrix block. */
export function matrixInputs(op: string, inputs: readonly Value[]): MatrixBlock[] {
  return inputs.map((_, index) => matrixInput(op, inputs, index));
}

/** Every input of an op, each of which must be a bytes value. */
export function bytesInputs(op: string, inputs: readonly Value[]): BytesValue[] {
  return inputs.map((value, index) => {
    if (value.kind !== 'bytes') throw new OpInputError(op, `input ${index} must be bytes, got ${describe(value)}`);
    return value;
  });
}
