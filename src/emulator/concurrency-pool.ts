/**
 * Concurrent executions Lambda allows: the account's pool (unreserved functions share what the
 * reservations leave), or one function's reserved concurrency. Over it, Lambda throttles.
 */
export class ConcurrencyPool {
  private inUse = 0;

  constructor(
    readonly limit: number,
    /** The `Reason` of Lambda's 429 when this pool is full. */
    readonly throttleReason: 'ConcurrentInvocationLimitExceeded' | 'ReservedFunctionConcurrentInvocationLimitExceeded',
  ) {}

  get used(): number {
    return this.inUse;
  }

  tryTake(): boolean {
    if (this.inUse >= this.limit) return false;
    this.inUse += 1;
    return true;
  }

  give(): void {
    if (this.inUse === 0) throw new Error('concurrency pool released more often than taken');
    this.inUse -= 1;
  }
}
