/**
 * AWS Lambda facts and pricing used by run reports, planners and the simulator (DESIGN.md §6; AWS Lambda
 * pricing page, x86, us-east-1): $0.0000166667 per GB-second billed per 1 ms, $0.20 per 1M
 * requests. S3: PUT $0.005 per 1,000, GET $0.0004 per 1,000.
 */
export const LAMBDA_USD_PER_GB_SECOND = 0.0000166667;
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1_000_000;
export const S3_USD_PER_PUT = 0.005 / 1000;
export const S3_USD_PER_GET = 0.0004 / 1000;
/** Lambda gives 1 vCPU at 1,769 MB (AWS Lambda memory/CPU documentation): the one place this is written. */
export const MB_PER_VCPU = 1769;
/** 10,240 MB buys 6 vCPUs, the most a function gets. */
export const MAX_VCPU = 6;

/** vCPUs Lambda gives a function of `memoryMb`: min(6, memoryMb / 1769), unrounded. */
export function lambdaVcpuOf(memoryMb: number): number {
  return Math.min(MAX_VCPU, memoryMb / MB_PER_VCPU);
}

export interface CostInput {
  /** Per executor: billed duration in ms and memory in MB. */
  readonly executors: readonly { readonly durationMs: number; readonly memoryMb: number }[];
  readonly invocations: number;
  readonly s3Puts?: number;
  readonly s3Gets?: number;
}

export interface CostEstimate {
  readonly usd: number;
  readonly gbSeconds: number;
  readonly formula: string;
}

export function estimateCost(input: CostInput): CostEstimate {
  // Lambda bills duration rounded up to the next 1 ms.
  const gbSeconds = input.executors.reduce((sum, e) => sum + (Math.ceil(e.durationMs) / 1000) * (e.memoryMb / 1024), 0);
  const puts = input.s3Puts ?? 0;
  const gets = input.s3Gets ?? 0;
  const usd = gbSeconds * LAMBDA_USD_PER_GB_SECOND + input.invocations * LAMBDA_USD_PER_REQUEST + puts * S3_USD_PER_PUT + gets * S3_USD_PER_GET;
  const s3 = puts + gets > 0 ? ` + ${puts} PUT x $0.005/1k + ${gets} GET x $0.0004/1k` : '';
  const formula = `${gbSeconds.toFixed(3)} GB-s x $0.0000166667 + ${input.invocations} requests x $0.20/1M${s3} = $${usd.toFixed(6)}`;
  return { usd, gbSeconds, formula };
}
