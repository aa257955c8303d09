import type { Value } from '../data/value.js';
import type { OpDefinition } from '../ops/op-definition.js';
import { bytesShapeOf, matrixShapeOf, type ValueShape } from '../ops/value-shape.js';

/**
 * Whether the op declares this run's time a wait (its cost's `waitMs`: matrix.add's delayMs,
 * synthetic.work sleeping). Such an op computes before it waits (OpCost.waitMs), so its
 * synchronous part is all its CPU. False when it cannot be told: no cost declaration, a table
 * input (whose shape the runtime does not derive), or a declaration that throws.
 */
export function declaresWait<Args>(op: OpDefinition<Args>, inputs: readonly Value[], args: Args): boolean {
  if (!op.cost) return false;
  const shapes: ValueShape[] = [];
  for (const input of inputs) {
    if (input.kind === 'table') return false;
    shapes.push(input.kind === 'matrix' ? matrixShapeOf(input.rows, input.cols) : bytesShapeOf(input.data.byteLength));
  }
  try {
    return (op.cost(shapes, args)?.waitMs ?? 0) > 0;
  } catch {
    return false;
  }
}
