import { SplitMix64 } from './splitmix64.js';

/**
 * xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of
 * state, 32-bit outputs, all in int32 arithmetic so it stays fast in JavaScript. Its state is the
 * first two outputs of SplitMix64(seed), low 32 bits first. Everything here is exact integer
 * arithmetic, so the same seed yields the same stream on every machine; the byte and double
 * mappings below are part of that contract and must not change.
 */
export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    // The all-zero state is the one xoshiro cannot leave; SplitMix64 practically never gives it.
    this.s0 = s0 === 0 && s1 === 0 && s2 === 0 && s3 === 0 ? 1 : s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Seeds from a 64-bit value (BigInt, taken modulo 2^64). */
  static fromSeed(seed: bigint): Xoshiro128StarStar {
    const splitmix = new SplitMix64(seed);
    const first = splitmix.next();
    const second = splitmix.next();
    const low = (x: bigint): number => Number(x & 0xffffffffn) | 0;
    const high = (x: bigint): number => Number(x >> 32n) | 0;
    return new Xoshiro128StarStar(low(first), high(first), low(second), high(second));
  }

  /** Seeds from a safe integer (as in DAG JSON args); negative seeds wrap modulo 2^64. */
  static fromInteger(seed: number): Xoshiro128StarStar {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    return Xoshiro128StarStar.fromSeed(BigInt(seed));
  }

  /** The next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /**
   * A double uniform on [-1, 1): 53 random bits k (27 from one output, 26 from the next, high bits
   * first) give k / 2^52 - 1, which is exact, so there is no rounding to differ between machines.
   */
  nextSignedUnit(): number {
    const high27 = this.nextUint32() >>> 5;
    const low26 = this.nextUint32() >>> 6;
    return (high27 * 67108864 + low26) / 4503599627370496 - 1;
  }

  /** Fills `out` with the stream as bytes: each 32-bit output little-endian, the last one cut short. */
  fillBytes(out: Uint8Array): void {
    const wordCount = out.length >>> 2;
    if (IS_LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
      // Fast path: 4 bytes per store, which is what makes multi-megabyte outputs cheap.
      const words = new Uint32Array(out.buffer, out.byteOffset, wordCount);
      for (let i = 0; i < wordCount; i += 1) words[i] = this.nextUint32();
    } else {
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (let i = 0; i < wordCount; i += 1) view.setUint32(i * 4, this.nextUint32(), true);
    }
    let tailIndex = wordCount * 4;
    if (tailIndex < out.length) {
      let word = this.nextUint32();
      for (; tailIndex < out.length; tailIndex += 1) {
        out[tailIndex] = word & 0xff;
        word >>>= 8;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
