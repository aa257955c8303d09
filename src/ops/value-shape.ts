/**
 * What a planner can know of a value before it exists: its kind and dimensions. Ops declare how
 * their outputs' shapes follow from their inputs' shapes and args (OpDefinition.shape), so a
 * planner derives the task keys executors will record (src/metadata/dag-descriptors.ts) and every
 * task's input bytes without running anything.
 */
export type ValueShape =
  | { readonly kind: 'matrix'; readonly rows: number; readonly cols: number }
  | { readonly kind: 'bytes'; readonly byteLength: number }
  | TableShape;

/**
 * An Arrow table as a planner estimates it: a row count and, per column, its bytes per row in
 * Arrow's layout (values, offsets, validity) and, where the source tells, its distinct values.
 * Estimates (a filter's selectivity, a group count): table op costs (./table/table-costs.ts).
 */
export interface TableShape {
  readonly kind: 'table';
  readonly rows: number;
  readonly columns: readonly TableColumnShape[];
}

export interface TableColumnShape {
  readonly name: string;
  readonly bytesPerRow: number;
  /** Distinct values (an estimate), when known: bounds the groups of an aggregate. */
  readonly distinct?: number;
  /** The smallest and largest value of a numeric column, when the source's statistics tell. */
  readonly min?: number;
  readonly max?: number;
  /** The fraction of its rows that are null, when the source's statistics tell. */
  readonly nullFraction?: number;
  /** Predicates (as JSON) already applied upstream: applied again (pushdown copies a filter into its read), they keep every row. */
  readonly applied?: readonly string[];
}

/** Bytes of Float64 data per matrix element, as data/codec.ts `valueByteSize` counts them. */
const BYTES_PER_ELEMENT = Float64Array.BYTES_PER_ELEMENT;

export function matrixShapeOf(rows: number, cols: number): ValueShape {
  return { kind: 'matrix', rows, cols };
}

export function bytesShapeOf(byteLength: number): ValueShape {
  return { kind: 'bytes', byteLength };
}

/** The bytes a value of this shape holds, as `valueByteSize` counts them for the real value. */
export function byteSizeOfShape(shape: ValueShape): number {
  if (shape.kind === 'table') return Math.round(shape.rows * shape.columns.reduce((sum, c) => sum + c.bytesPerRow, 0));
  return shape.kind === 'matrix' ? shape.rows * shape.cols * BYTES_PER_ELEMENT : shape.byteLength;
}

export function tableShapeOf(rows: number, columns: readonly TableColumnShape[]): TableShape {
  return { kind: 'table', rows, columns };
}

/** Input `index` when it is a table shape, else undefined. */
export function tableShapeAt(inputs: readonly ValueShape[], index: number): TableShape | undefined {
  const shape = inputs[index];
  return shape?.kind === 'table' ? shape : undefined;
}

/** Input `index` when it is a matrix shape, else undefined (the op would fail at run time). */
export function matrixShapeAt(inputs: readonly ValueShape[], index: number): { readonly rows: number; readonly cols: number } | undefined {
  const shape = inputs[index];
  return shape?.kind === 'matrix' ? shape : undefined;
}

/** Every input as a matrix shape, or undefined when one is not a matrix. */
export function allMatrixShapes(inputs: readonly ValueShape[]): { readonly rows: number; readonly cols: number }[] | undefined {
  const shapes: { rows: number; cols: number }[] = [];
  for (const shape of inputs) {
    if (shape.kind !== 'matrix') return undefined;
    shapes.push(shape);
  }
  return shapes;
}
