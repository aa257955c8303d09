import { matrix, type MatrixBlock } from '../../../data/value.js';
import { OpInputError } from '../../op-input-error.js';
import { shapeOf } from '../../input-guards.js';

/** aᵀ, copied in 32 x 32 tiles so both the reads and the writes stay within a few cache lines. */
export function transpose(a: MatrixBlock): MatrixBlock {
  const tile = 32;
  const out = matrix(a.cols, a.rows);
  for (let i0 = 0; i0 < a.rows; i0 += tile) {
    const iEnd = Math.min(i0 + tile, a.rows);
    for (let j0 = 0; j0 < a.cols; j0 += tile) {
      const jEnd = Math.min(j0 + tile, a.cols);
      for (let i = i0; i < iEnd; i += 1) {
        for (let j = j0; j < jEnd; j += 1) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
      }
    }
  }
  return out;
}

/** The blocks stacked top to bottom; all must have the same number of columns. */
export function vstack(blocks: readonly MatrixBlock[]): MatrixBlock {
  const first = blocks[0];
  if (!first) throw new OpInputError('matrix.vstack', 'needs at least one matrix');
  if (blocks.some((b) => b.cols !== first.cols)) {
    throw new OpInputError('matrix.vstack', `all inputs must have the same number of columns, got ${blocks.map(shapeOf).join(', ')}`);
  }
  const out = matrix(blocks.reduce((sum, b) => sum + b.rows, 0), first.cols);
  let offset = 0;
  for (const block of blocks) {
    out.data.set(block.data, offset);
    offset += block.data.length;
  }
  return out;
}

/** The blocks side by side, left to right; all must have the same number of rows. */
export function hstack(blocks: readonly MatrixBlock[]): MatrixBlock {
  const first = blocks[0];
  if (!first) throw new OpInputError('matrix.hstack', 'needs at least one matrix');
  if (blocks.some((b) => b.rows !== first.rows)) {
    throw new OpInputError('matrix.hstack', `all inputs must have the same number of rows, got ${blocks.map(shapeOf).join(', ')}`);
  }
  const cols = blocks.reduce((sum, b) => sum + b.cols, 0);
  const out = matrix(first.rows, cols);
  let colOffset = 0;
  for (const block of blocks) {
    for (let i = 0; i < block.rows; i += 1) {
      out.data.set(block.data.subarray(i * block.cols, (i + 1) * block.cols), i * cols + colOffset);
    }
    colOffset += block.cols;
  }
  return out;
}

/** A half-open window [rowStart, rowEnd) x [colStart, colEnd) of a block. */
export interface SliceBounds {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly colStart: number;
  readonly colEnd: number;
}

/** Copies a window out of `a`; throws naming the window and the shape when it does not fit. */
export function slice(a: MatrixBlock, bounds: SliceBounds): MatrixBlock {
  const { rowStart, rowEnd, colStart, colEnd } = bounds;
  const fits = 0 <= rowStart && rowStart <= rowEnd && rowEnd <= a.rows && 0 <= colStart && colStart <= colEnd && colEnd <= a.cols;
  if (!fits) {
    throw new OpInputError('matrix.slice', `rows [${rowStart}, ${rowEnd}) x cols [${colStart}, ${colEnd}) do not fit a ${shapeOf(a)} matrix`);
  }
  const cols = colEnd - colStart;
  const out = matrix(rowEnd - rowStart, cols);
  for (let i = rowStart; i < rowEnd; i += 1) {
    out.data.set(a.data.subarray(i * a.cols + colStart, i * a.cols + colEnd), (i - rowStart) * cols);
  }
  return out;
}
