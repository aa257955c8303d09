import { decodeValue, encodeValue } from './codec.js';
import { bytes, matrix } from './value.js';

/**
 * Encodes and decodes a tiny value of each column kind once, so that V8 compiles Arrow's writer
 * and reader (and ours around them) before a thread's first task rather than during it: in a fresh
 * executor thread the first put of a 64 KiB output took 7.9-10.8 ms, 10 ms of it encoding, against
 * 0.05-0.2 ms for the puts after it (sim-fidelity's fanout-fanin and chain, whose first task holds
 * up every other).
 */
export function warmCodec(): void {
  for (const value of [bytes(new Uint8Array(8)), matrix(1, 1)]) decodeValue(encodeValue(value));
}
