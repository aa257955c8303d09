/**
 * What a planner can know of a value before it exists: its kind and dimensions. Ops declare how
 * their outputs' shapes follow from their inputs' shapes and args (OpDefinition.shape), so a
 * planner derives the task keys executors will record (src/metadata/dag-descriptors.ts) and every
 * task's input bytes without running anything.
 */
export type ValueShape =
  | { readonly kind: 'matrix'; readonly rows: number; readonly cols: number }
  | { readonly kind: 'bytes'; readonly byteLength: number };

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
  return shape.kind === 'matrix' ? shape.rows * shape.cols * BYTES_PER_ELEMENT : shape.byteLength;
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
