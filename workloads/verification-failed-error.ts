import { WukongError } from '../src/model/errors.js';

/** A run finished but its outputs failed the workload's verifier (CLI exit 1). */
export class VerificationFailedError extends WukongError {
  constructor(
    readonly workload: string,
    readonly failedChecks: readonly string[],
  ) {
    super('RUN_FAILED', `${workload}: verification failed: ${failedChecks.join('; ')}`);
  }
}
