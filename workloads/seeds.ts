import { SplitMix64 } from '../src/ops/random/splitmix64.js';

/**
 * The seed of one generated block: SplitMix64 folded over the workload's base seed, a stream
 * number (one per kind of block: A, B, Ω, ...) and the block's indices. Distinct blocks get
 * unrelated streams, and the verifier recomputes the same seed for the same block. The result is
 * a non-negative safe integer (52 bits), as matrix.random's `seed` arg requires.
 */
export function deriveSeed(baseSeed: number, stream: number, ...indices: readonly number[]): number {
  let state = BigInt.asUintN(64, BigInt(baseSeed));
  for (const part of [stream, ...indices]) state = new SplitMix64(state ^ BigInt.asUintN(64, BigInt(part))).next();
  return Number(state >> 12n);
}
