import * as z from 'zod';
import { BadInputError } from '../model/errors.js';
import { KernelTableSchema } from './kernel-rates.js';
import { BLAS_KERNEL_RATES } from './kernels/blas-rates.js';
import { DETERMINISTIC_KERNEL_RATES } from './kernels/deterministic-rates.js';
import { PROJECT_KERNEL_RATES } from './kernels/project-rates.js';
import { LAMBDA_USD_PER_GB_SECOND, LAMBDA_USD_PER_REQUEST, MB_PER_VCPU, S3_USD_PER_GET, S3_USD_PER_PUT } from '../model/cost-model.js';

/**
 * The simulator's cost profile: what each kind of step costs in time and money on a platform.
 * zod is the source of truth for the format; `--profile FILE` reads a JSON object of this shape
 * (optionally `"extends": "aws"` with only the fields that change).
 */

/** A latency as median and p90 in ms, drawn as a lognormal; p90 equal to the median means fixed. */
export const LatencySchema = z
  .object({
    medianMs: z.number().nonnegative().finite(),
    p90Ms: z.number().nonnegative().finite(),
  })
  .strict()
  .refine((l) => l.p90Ms >= l.medianMs, { message: 'p90Ms must be at least medianMs' });

/** Bandwidth of one function instance at a memory size; interpolated linearly in between. */
export const BandwidthPointSchema = z
  .object({
    memoryMb: z.number().int().positive(),
    /** 1 MB = 1,000,000 bytes. */
    mbPerSecond: z.number().positive().finite(),
  })
  .strict();

export const StoreProfileSchema = z
  .object({
    /** Request latency before the first byte moves (ms). */
    getLatency: LatencySchema,
    putLatency: LatencySchema,
    /** What one function instance can move to or from this store, by its memory size. */
    functionBandwidth: z.array(BandwidthPointSchema).min(1),
    /** Throughput of the store's server, shared by every executor; absent: the store scales out. */
    serverMbPerSecond: z.number().positive().finite().optional(),
    usdPerPut: z.number().nonnegative(),
    usdPerGet: z.number().nonnegative(),
  })
  .strict();

export const LambdaProfileSchema = z
  .object({
    usdPerGbSecond: z.number().nonnegative(),
    usdPerRequest: z.number().nonnegative(),
    billingGranularityMs: z.number().int().positive(),
    /** Whether a cold start's INIT phase is billed (counted in the executor's duration). */
    billInitPhase: z.boolean(),
    minMemoryMb: z.number().int().positive(),
    maxMemoryMb: z.number().int().positive(),
    /** Memory that buys one full vCPU; CPU share grows linearly with memory. */
    mbPerVcpu: z.number().positive(),
    maxVcpu: z.number().positive(),
    /** New execution environment: from assignment to the handler running. */
    coldStart: LatencySchema,
    /** Reused (warm) environment: from assignment to the handler running. */
    warmStart: LatencySchema,
    /** An asynchronous Invoke API call, as the caller waits for it. */
    invokeApi: LatencySchema,
    /** Executions running at once in the account (over it, invocations queue). */
    accountConcurrency: z.number().int().positive(),
    /** At most this many new environments per `burstWindowMs` for one function. */
    burstEnvironments: z.number().int().positive(),
    burstWindowMs: z.number().positive(),
    /** An idle environment is reclaimed after this long. */
    idleExpiryMs: z.number().positive(),
    /**
     * CPU cores shared by every execution, each CPU-bound task taking one while it runs (FIFO).
     * Absent: each execution has its own CPU share, as on Lambda. The `local` profile sets it to
     * the embedded pool's threads, whose executors share their thread's core.
     */
    sharedCpuCores: z.number().int().positive().optional(),
    /**
     * CPU time the runtime itself spends per task (dispatch, invocations, fan-in marks, encoding,
     * store calls, reports), taken on the task's core before its op. Absent: 0. The `local` profile
     * fits it from the embedded runs' pool records; on Lambda it is inside the measured latencies.
     */
    taskOverheadMs: z.number().nonnegative().finite().optional(),
    /**
     * CPU time per task that the platform spends beside the task rather than in its way (the
     * embedded backend's V8 compiler and garbage-collector threads): with sharedCpuCores it takes a
     * core from when the task is issued, delaying what comes after, never the task itself. Absent: 0.
     */
    taskBackgroundCpuMs: z.number().nonnegative().finite().optional(),
  })
  .strict()
  .refine((l) => l.maxMemoryMb >= l.minMemoryMb, { message: 'maxMemoryMb must be at least minMemoryMb' });

export const CostProfileSchema = z
  .object({
    name: z.string().min(1),
    lambda: LambdaProfileSchema,
    coordination: z
      .object({
        /** Fan-in checks and marks, park marks, inbox messages: one round trip to the coordination store (Redis). */
        opLatency: LatencySchema,
        /**
         * Fan-in checks and marks of WUKONG-mode executors, where the platform keeps them out of
         * the coordination store: the embedded backend marks them in a table of shared memory
         * (src/runtime/embedded/run-fan-in-table.ts), an atomic add in the executor's own thread.
         * Absent: opLatency, as on Lambda.
         */
        wukongFanInLatency: LatencySchema.optional(),
      })
      .strict(),
    stores: z.object({ redis: StoreProfileSchema, s3: StoreProfileSchema }).strict(),
    /**
     * How fast one vCPU does each kernel class, to price the ops' cost declarations
     * (./kernel-rates.ts). Absent: tasks are priced from DAG hints, else the default run time.
     */
    kernels: KernelTableSchema.optional(),
  })
  .strict();

export type Latency = z.infer<typeof LatencySchema>;
export type StoreProfile = z.infer<typeof StoreProfileSchema>;
export type CostProfile = z.infer<typeof CostProfileSchema>;
export type StoreKind = keyof CostProfile['stores'];

/** The stores a profile prices, as `--store` and the library's `store` name them. */
export const SIMULATED_STORE_KINDS: readonly StoreKind[] = Object.freeze(['redis', 's3']);

export function isSimulatedStoreKind(value: unknown): value is StoreKind {
  return (SIMULATED_STORE_KINDS as readonly unknown[]).includes(value);
}

/**
 * Per-function bandwidth to S3 is memory dependent, ~50-90 MB/s (DESIGN.md §6; unverified, so it is
 * a parameter). The shape (linear up to 1 vCPU, flat above) is an assumption to calibrate.
 */
const AWS_FUNCTION_BANDWIDTH = [
  { memoryMb: 128, mbPerSecond: 50 },
  { memoryMb: 1769, mbPerSecond: 90 },
];

/**
 * AWS Lambda (x86, us-east-1) with ElastiCache Redis and S3 in the same region, tasks running this
 * project's own kernels at the rates `wukong calibrate` measured (./kernels/project-rates.ts).
 */
export const AWS_PROFILE: CostProfile = deepFreeze({
  name: 'aws',
  lambda: {
    // AWS Lambda pricing page (DESIGN.md §6): $0.0000166667 per GB-s, $0.20 per 1M requests, 1 ms billing.
    usdPerGbSecond: LAMBDA_USD_PER_GB_SECOND,
    usdPerRequest: LAMBDA_USD_PER_REQUEST,
    billingGranularityMs: 1,
    // AWS Compute Blog, "AWS Lambda standardizes billing for INIT Phase": billed from 2025-08-01.
    billInitPhase: true,
    // AWS Lambda docs, "Configure Lambda function memory": 128 MB to 10,240 MB; 1,769 MB = 1 vCPU,
    // 10,240 MB = 6 vCPUs.
    minMemoryMb: 128,
    maxMemoryMb: 10_240,
    mbPerVcpu: MB_PER_VCPU,
    maxVcpu: 6,
    // DESIGN.md §6: Node cold start ~250 ms median, ~600 ms p90 for a small bundle.
    coldStart: { medianMs: 250, p90Ms: 600 },
    // DESIGN.md §6: warm invoke ~25 ms; the p90 (50 ms) is an assumption.
    warmStart: { medianMs: 25, p90Ms: 50 },
    // WUKONG (Carver et al., SoCC'20): an Invoke API call takes ~50 ms; the p90 (100 ms) is an assumption.
    invokeApi: { medianMs: 50, p90Ms: 100 },
    // AWS Lambda quotas: 1,000 concurrent executions per account and Region by default.
    accountConcurrency: 1000,
    // AWS Lambda docs, "Lambda scaling behavior" (since 2023-11): +1,000 environments per 10 s per function.
    burstEnvironments: 1000,
    burstWindowMs: 10_000,
    // Not documented by AWS; community measurements see idle environments reclaimed after ~5-15
    // minutes. 5 minutes is the conservative end.
    idleExpiryMs: 5 * 60_000,
  },
  coordination: {
    // DESIGN.md §6: ElastiCache Redis GET p50 ~0.4 ms in-AZ; the p90 (1 ms) is an assumption.
    opLatency: { medianMs: 0.4, p90Ms: 1 },
  },
  stores: {
    redis: {
      // As coordination: one request round trip (DESIGN.md §6), then the bytes move.
      getLatency: { medianMs: 0.4, p90Ms: 1 },
      putLatency: { medianMs: 0.4, p90Ms: 1 },
      // The function's own network limits it as for S3 (assumption: same curve).
      functionBandwidth: AWS_FUNCTION_BANDWIDTH,
      // One Redis node shared by all executors (WUKONG's bottleneck for large data). 1,250 MB/s =
      // 10 Gbit/s, a mid-size ElastiCache node's "up to 10 Gigabit"; a parameter to calibrate.
      serverMbPerSecond: 1250,
      usdPerPut: 0,
      usdPerGet: 0,
    },
    s3: {
      // DESIGN.md §6: small-object latency tens of ms. Medians 20 / 30 ms and p90s 60 / 80 ms are
      // assumptions within that range (a PUT is acknowledged after a durable write, so slower).
      getLatency: { medianMs: 20, p90Ms: 60 },
      putLatency: { medianMs: 30, p90Ms: 80 },
      functionBandwidth: AWS_FUNCTION_BANDWIDTH,
      // S3 scales out per prefix; no shared server limit is modelled.
      // S3 pricing (DESIGN.md §6): PUT $0.005 per 1,000, GET $0.0004 per 1,000.
      usdPerPut: S3_USD_PER_PUT,
      usdPerGet: S3_USD_PER_GET,
    },
  },
  kernels: PROJECT_KERNEL_RATES,
});

/**
 * The `aws` platform with BLAS-class kernel rates (./kernels/blas-rates.ts): tasks priced as the
 * numpy tasks of the SoCC'20 evaluation ran, to reproduce the paper's figures.
 */
export const AWS_BLAS_PROFILE: CostProfile = deepFreeze({ ...AWS_PROFILE, name: 'aws-blas', kernels: BLAS_KERNEL_RATES });

/**
 * Fixed latencies and no randomness, for tests whose makespans are computed by hand: cold start
 * 100 ms, warm start 10 ms, Invoke call 20 ms, Redis 1 ms, S3 10 ms, 100 MB/s (100,000 bytes/ms)
 * per function, no shared server limit, INIT not billed; kernels at 1 GFLOP/s and 1 GB/s.
 */
export const DETERMINISTIC_PROFILE: CostProfile = deepFreeze({
  name: 'deterministic',
  lambda: {
    ...AWS_PROFILE.lambda,
    billInitPhase: false,
    coldStart: fixed(100),
    warmStart: fixed(10),
    invokeApi: fixed(20),
    idleExpiryMs: 10 * 60_000,
  },
  coordination: { opLatency: fixed(1) },
  stores: {
    redis: { getLatency: fixed(1), putLatency: fixed(1), functionBandwidth: [{ memoryMb: 128, mbPerSecond: 100 }], usdPerPut: 0, usdPerGet: 0 },
    s3: {
      getLatency: fixed(10),
      putLatency: fixed(10),
      functionBandwidth: [{ memoryMb: 128, mbPerSecond: 100 }],
      usdPerPut: S3_USD_PER_PUT,
      usdPerGet: S3_USD_PER_GET,
    },
  },
  kernels: DETERMINISTIC_KERNEL_RATES,
});

export const BUILTIN_PROFILES: Readonly<Record<string, CostProfile>> = Object.freeze({
  aws: AWS_PROFILE,
  'aws-blas': AWS_BLAS_PROFILE,
  deterministic: DETERMINISTIC_PROFILE,
});

function fixed(ms: number): Latency {
  return { medianMs: ms, p90Ms: ms };
}

/**
 * Validates a profile given as JSON. `"extends": "<builtin>"` starts from a built-in profile and
 * deep-merges the given fields over it (arrays replace). Bad input names the field.
 */
export function parseCostProfile(json: unknown): CostProfile {
  let candidate = json;
  if (isPlainObject(json) && 'extends' in json) {
    const { extends: base, ...overrides } = json;
    // Own names only: "constructor" or "toString" are no built-in profile.
    const builtin = typeof base === 'string' ? builtinProfile(base) : undefined;
    if (!builtin) throw new BadInputError(`profile extends "${String(base)}"; built-in profiles: ${Object.keys(BUILTIN_PROFILES).join(', ')}`);
    candidate = deepMerge(builtin, overrides);
  }
  const parsed = CostProfileSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new BadInputError(`invalid cost profile: ${issues.join('; ')}`);
  }
  return deepFreeze(parsed.data);
}

/** The built-in profile of that name, or undefined. */
export function builtinProfile(name: string): CostProfile | undefined {
  return Object.hasOwn(BUILTIN_PROFILES, name) ? BUILTIN_PROFILES[name] : undefined;
}

/**
 * CPU share of a function at `memoryMb`: min(memoryMb / mbPerVcpu, maxVcpu) vCPUs. A
 * single-threaded task uses at most one of them, so its time is base / min(1, share).
 */
export function cpuShare(profile: CostProfile, memoryMb: number): number {
  return Math.min(memoryMb / profile.lambda.mbPerVcpu, profile.lambda.maxVcpu);
}

/** How many times longer a single-threaded task takes at `memoryMb` than on one full vCPU. */
export function cpuSlowdown(profile: CostProfile, memoryMb: number): number {
  return 1 / Math.min(1, cpuShare(profile, memoryMb));
}

/**
 * How many times longer a kernel of `parallelEfficiency` e takes at `memoryMb` than on one full
 * vCPU: below one vCPU the same as a single-threaded task (1 / share); above, 1 / (1 + (v - 1) e)
 * for v = share vCPUs (capped at the profile's maxVcpu). e = 0 is cpuSlowdown. The linear form
 * matches how Lambda gives CPU (a quota of v cores, so OpenBLAS's ceil(v) threads share v cores'
 * time) and the one measured point (e from 1 and 2 threads, bench/numpy-thread-scaling.py).
 */
export function computeSlowdown(profile: CostProfile, memoryMb: number, parallelEfficiency: number): number {
  const share = cpuShare(profile, memoryMb);
  if (share <= 1 || !(parallelEfficiency > 0)) return 1 / Math.min(1, share);
  return 1 / (1 + (share - 1) * Math.min(1, parallelEfficiency));
}

/** Bytes per ms one function at `memoryMb` moves to or from `store` (linear between the points). */
export function functionBytesPerMs(store: StoreProfile, memoryMb: number): number {
  const points = [...store.functionBandwidth].sort((a, b) => a.memoryMb - b.memoryMb);
  const first = points[0] as (typeof points)[number];
  const last = points[points.length - 1] as (typeof points)[number];
  let mbPerSecond = first.mbPerSecond;
  if (memoryMb >= last.memoryMb) mbPerSecond = last.mbPerSecond;
  else {
    for (let i = 1; i < points.length; i += 1) {
      const high = points[i] as (typeof points)[number];
      const low = points[i - 1] as (typeof points)[number];
      if (memoryMb <= high.memoryMb) {
        const t = memoryMb <= low.memoryMb ? 0 : (memoryMb - low.memoryMb) / (high.memoryMb - low.memoryMb);
        mbPerSecond = low.mbPerSecond + t * (high.mbPerSecond - low.mbPerSecond);
        break;
      }
    }
  }
  // 1 MB/s = 1,000,000 bytes / 1,000 ms = 1,000 bytes/ms.
  return mbPerSecond * 1000;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = key in base ? deepMerge(base[key], value) : value;
  return merged;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
