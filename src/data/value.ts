import type { Table } from 'apache-arrow';

/**
 * The values that flow between tasks. Inside one executor they pass as these in-memory objects
 * (no serialization); between executors they travel as Arrow IPC streams (see ./codec.ts).
 */

/** A dense Float64 matrix block in row-major order: element (i, j) is data[i * cols + j]. */
export interface MatrixBlock {
  readonly kind: 'matrix';
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Opaque bytes (synthetic workloads). */
export interface BytesValue {
  readonly kind: 'bytes';
  readonly data: Uint8Array;
}

/** Any Arrow table, passed through untouched. */
export interface TableValue {
  readonly kind: 'table';
  readonly table: Table;
  /**
   * Bytes the op that made this table read from its sources (files, S3 objects): set by
   * `table.read`, counted in the task's timing (`sourceBytes`). Not encoded: travels no further.
   */
  readonly sourceBytes?: number;
}

export type Value = MatrixBlock | BytesValue | TableValue;

export function matrix(rows: number, cols: number, data?: Float64Array): MatrixBlock {
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) {
    throw new RangeError(`matrix ${rows}x${cols} needs ${rows * cols} values, got ${values.length}`);
  }
  return { kind: 'matrix', rows, cols, data: values };
}

export function bytes(data: Uint8Array): BytesValue {
  return { kind: 'bytes', data };
}
