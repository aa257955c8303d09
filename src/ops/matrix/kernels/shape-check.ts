import type { MatrixBlock } from '../../../data/value.js';
import { OpInputError } from '../../op-input-error.js';
import { shapeOf } from '../../input-guards.js';

/** Throws unless every block has the shape of the first; `op` prefixes the message. */
export function requireSameShape(op: string, blocks: readonly MatrixBlock[]): void {
  const first = blocks[0];
  if (!first) throw new OpInputError(op, 'needs at least one matrix');
  if (blocks.some((b) => b.rows !== first.rows || b.cols !== first.cols)) {
    throw new OpInputError(op, `all inputs must have the same shape, got ${blocks.map(shapeOf).join(', ')}`);
  }
}
