/**
 * SplitMix64 (Steele, Lea & Flood 2014; the seeding generator Vigna recommends for the xoshiro
 * family). BigInt is slow, so it is used only to turn a seed into generator state (a handful of
 * calls), never per random number.
 */
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const MASK_64 = (1n << 64n) - 1n;

export class SplitMix64 {
  private state: bigint;

  /** `seed` is taken modulo 2^64 (a negative integer wraps, two's complement). */
  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }

  /** The next 64-bit output, as an unsigned BigInt. */
  next(): bigint {
    this.state = (this.state + GOLDEN_GAMMA) & MASK_64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    return z ^ (z >> 31n);
  }
}
