import type { Value, MatrixBlock } from '../../src/data/value.js';
import type { VerifyResult, WorkloadCheck } from '../workload.js';

/** A check that passes when `value <= threshold` (NaN fails). */
export function atMost(name: string, value: number, threshold: number): WorkloadCheck {
  return { name, value, threshold, bound: 'max', ok: value <= threshold };
}

/** A check that passes when `value >= threshold` (NaN fails). */
export function atLeast(name: string, value: number, threshold: number): WorkloadCheck {
  return { name, value, threshold, bound: 'min', ok: value >= threshold };
}

/** An output the verifier cannot use: missing, not a matrix, or not the shape it must have. */
export class UnusableOutputError extends Error {}

/** Looks up output `ref` as a matrix, optionally of a given shape; throws UnusableOutputError. */
export function outputMatrix(outputs: ReadonlyMap<string, Value>, ref: string, shape?: { rows: number; cols: number }): MatrixBlock {
  const value = outputs.get(ref);
  if (value === undefined) throw new UnusableOutputError(`output ${ref} is missing`);
  if (value.kind !== 'matrix') throw new UnusableOutputError(`output ${ref} is ${value.kind}, not a matrix`);
  if (shape && (value.rows !== shape.rows || value.cols !== shape.cols)) {
    throw new UnusableOutputError(`output ${ref} is ${value.rows}x${value.cols}, expected ${shape.rows}x${shape.cols}`);
  }
  return value;
}

/**
 * Runs a verifier body and turns its checks into a verdict. A verifier never throws on bad
 * outputs: an unusable output (or any error the body raises on one) becomes a failed check.
 */
export function verifyWith(body: () => readonly WorkloadCheck[]): VerifyResult {
  try {
    const checks = body();
    return { ok: checks.length > 0 && checks.every((c) => c.ok), checks };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const name = error instanceof UnusableOutputError ? 'outputs-usable' : 'verifier-error';
    return { ok: false, checks: [{ name, value: 1, threshold: 0, bound: 'max', ok: false, detail }] };
  }
}
