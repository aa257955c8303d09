import * as z from 'zod';
import { bytes } from '../../data/value.js';
import { defineOp } from '../define-op.js';
import { exactly } from '../op-definition.js';
import { Xoshiro128StarStar } from '../random/xoshiro128-star-star.js';
import { MAX_SYNTHETIC_BYTES } from './work.js';
import { bytesShapeOf } from '../value-shape.js';
import { generateCost } from '../op-costs.js';

export const SyntheticBytesArgsSchema = z
  .object({
    bytes: z.number().int().nonnegative().max(MAX_SYNTHETIC_BYTES),
    seed: z.number().int().default(0),
  })
  .strict();

/** `count` bytes of the xoshiro128** stream seeded with `seed` (see Xoshiro128StarStar.fillBytes). */
export function seededBytes(count: number, seed: number): Uint8Array {
  const out = new Uint8Array(count);
  Xoshiro128StarStar.fromInteger(seed).fillBytes(out);
  return out;
}

/** A source of deterministic bytes: the same (bytes, seed) gives the same output everywhere. */
export const syntheticBytes = defineOp({
  name: 'synthetic.bytes',
  description: 'Output `bytes` deterministic pseudo-random bytes from `seed` (default 0)',
  args: SyntheticBytesArgsSchema,
  arity: exactly(0),
  outputs: 1,
  shape: (_inputs, args) => [bytesShapeOf(args.bytes)],
  cost: (_inputs, args) => generateCost('random', args.bytes),
  run(_inputs, args) {
    return [bytes(seededBytes(args.bytes, args.seed))];
  },
});
