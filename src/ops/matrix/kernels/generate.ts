import { matrix, type MatrixBlock } from '../../../data/value.js';
import { Xoshiro128StarStar } from '../../random/xoshiro128-star-star.js';

/**
 * A rows x cols block uniform on [-1, 1), filled in row-major order from xoshiro128** seeded with
 * `seed` (see Xoshiro128StarStar: SplitMix64 seeding, two 32-bit outputs per exact double). Stable:
 * the same seed gives the same bits on every machine and in every version; tests pin it.
 */
export function randomMatrix(rows: number, cols: number, seed: number): MatrixBlock {
  const rng = Xoshiro128StarStar.fromInteger(seed);
  const out = matrix(rows, cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = rng.nextSignedUnit();
  return out;
}
