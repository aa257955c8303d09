import { BadInputError } from '../model/errors.js';
import { lambdaVcpuOf, MAX_VCPU } from '../model/cost-model.js';
import type { WorkerSpec } from '../model/annotated-dag.js';

/**
 * Memory tiers (MB) a plan may use when the user names none: below, at and above one full vCPU,
 * and Lambda's largest (6 vCPUs), where multi-threaded kernels (aws-blas matmul, qr, svd) run
 * faster at about the same cost per task. The same tiers the CDK stack deploys one executor
 * function each for (infra/stack-options.ts DEFAULT_TIERS_MB), so a default plan runs there as is.
 */
export const DEFAULT_TIERS: readonly number[] = Object.freeze([1024, 1769, 3008, 10_240]);

/** AWS Lambda docs, "Configure Lambda function memory": 128 MB to 10,240 MB. */
export const MIN_TIER_MB = 128;
export const MAX_TIER_MB = 10_240;
export { MAX_VCPU };

/** vCPUs Lambda gives a function of `memoryMb`: min(6, memoryMb / 1769), kept to 3 decimals. */
export function vcpuOfMemory(memoryMb: number): number {
  return Math.round(lambdaVcpuOf(memoryMb) * 1000) / 1000;
}

/** The worker configuration of a tier. */
export function workerSpecOfTier(memoryMb: number): WorkerSpec {
  return { memoryMb, vcpu: vcpuOfMemory(memoryMb) };
}

/** Whether `vcpu` is what Lambda gives `memoryMb` (min(6, MB / 1769)), allowing rounding to 2 decimals. */
export function vcpuMatchesMemory(memoryMb: number, vcpu: number): boolean {
  return Math.abs(vcpu - lambdaVcpuOf(memoryMb)) <= 0.0051;
}

/** Checks a tier list: whole MB within Lambda's range, no repeats; returns it ascending. */
export function normalizeTiers(tiers: readonly number[], what = 'tiers'): number[] {
  if (tiers.length === 0) throw new BadInputError(`${what}: give at least one memory tier (MB)`);
  const seen = new Set<number>();
  for (const tier of tiers) {
    if (!Number.isInteger(tier) || tier < MIN_TIER_MB || tier > MAX_TIER_MB) {
      throw new BadInputError(`${what}: ${tier} is not a Lambda memory size (whole MB from ${MIN_TIER_MB} to ${MAX_TIER_MB})`);
    }
    if (seen.has(tier)) throw new BadInputError(`${what}: ${tier} is listed twice`);
    seen.add(tier);
  }
  return [...tiers].sort((a, b) => a - b);
}

/** Parses `1024,1769,3008` (the `--tiers` flag). */
export function parseTiers(text: string, flag = '--tiers'): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const tiers = parts.map((part) => {
    if (!/^\d+$/.test(part)) throw new BadInputError(`${flag}: "${part}" is not a whole number of MB (e.g. ${flag} 1024,1769,3008)`);
    return Number(part);
  });
  return normalizeTiers(tiers, flag);
}
