import { bytes } from '../../data/value.js';
import { NO_ARGS, defineOp } from '../define-op.js';
import { bytesInputs } from '../input-guards.js';
import { atLeast } from '../op-definition.js';
import { byteSizeOfShape, bytesShapeOf } from '../value-shape.js';
import { copyCost } from '../op-costs.js';

/** Concatenates its bytes inputs in deps order. */
export const syntheticConcat = defineOp({
  name: 'synthetic.concat',
  description: 'Concatenate one or more bytes inputs in deps order',
  args: NO_ARGS,
  arity: atLeast(1),
  outputs: 1,
  shape(inputs) {
    if (!inputs.every((input) => input.kind === 'bytes')) return undefined;
    return [bytesShapeOf(inputs.reduce((sum, input) => sum + byteSizeOfShape(input), 0))];
  },
  cost: (inputs) => (inputs.every((input) => input.kind === 'bytes') ? copyCost(inputs.reduce((sum, input) => sum + byteSizeOfShape(input), 0)) : undefined),
  run(inputs) {
    const parts = bytesInputs('synthetic.concat', inputs);
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.data.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part.data, offset);
      offset += part.data.length;
    }
    return [bytes(out)];
  },
});
