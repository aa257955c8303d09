import { Xoshiro128StarStar } from '../ops/random/xoshiro128-star-star.js';

/** z of the standard normal's 90th percentile: Phi^-1(0.9). */
const Z_P90 = 1.2815515655446004;

/** A latency distribution given as its median and 90th percentile (ms). */
export interface LatencyQuantiles {
  readonly medianMs: number;
  readonly p90Ms: number;
}

/**
 * A seeded stream of random numbers for one purpose of the simulation (start-ups, store latencies,
 * ...). Separate streams per purpose keep, say, cold-start draws unchanged when a change of store
 * adds or removes transfers, which makes comparisons between runs of one seed fairer.
 */
export class SeededRandom {
  private readonly generator: Xoshiro128StarStar;
  private spareNormal: number | undefined;

  constructor(seed: number, stream: number) {
    // Mix the stream into the high bits so streams of one seed never share state.
    this.generator = Xoshiro128StarStar.fromSeed(BigInt.asUintN(64, (BigInt(stream) << 40n) ^ BigInt(Math.trunc(seed))));
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return (this.generator.nextSignedUnit() + 1) / 2;
  }

  /** Standard normal (Marsaglia's polar method; deterministic given the stream). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const scale = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * scale;
        return u * scale;
      }
    }
  }

  /**
   * A lognormal draw with the given median and p90: mu = ln(median), sigma = ln(p90/median) / z90.
   * With p90 equal to the median (or a zero median) the value is fixed and no random number is used.
   */
  lognormal(quantiles: LatencyQuantiles): number {
    const { medianMs, p90Ms } = quantiles;
    if (medianMs <= 0 || p90Ms <= medianMs) return medianMs;
    const sigma = Math.log(p90Ms / medianMs) / Z_P90;
    return medianMs * Math.exp(sigma * this.normal());
  }
}
