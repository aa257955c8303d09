import { BadInputError } from '../model/errors.js';
import { lambdaVcpuOf, MAX_VCPU } from '../model/cost-model.js';
import type { WorkerSpec } from '../model/annotated-dag.js';

/**
 * Memory tiers (MB) a plan may use when the user names none: below, at and above one full vCPU.
 * Lambda's largest (10,240 MB, 6 vCPUs; the CDK stack deploys it too, infra/stack-options.ts) is
 * left to `--tiers`: with it in the default, uniform picked it where it does not pay (aws-blas
 * svd-square: a 4-worker plan, 6.75 s against 4.35 s; aws tsqr and svd: 14-15 % dearer at the
 * same makespan, branch blasvcpu, 2026-12-06).
 */
export const DEFAULT_TIERS: readonly number[] = Object.freeze([1024, 1769, 3008]);

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
