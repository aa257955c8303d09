/** Wall-clock time, injected so the driver never reads the clock itself. */
export interface Clock {
  /** Milliseconds since the epoch, fractional allowed. */
  now(): number;
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
};
