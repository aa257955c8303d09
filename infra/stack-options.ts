import { z } from 'zod';
import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from '../src/runtime/lambda-config.js';

/**
 * The knobs of the wukong stack, parsed once (defaults applied, bad values named) from CDK context
 * (`-c tiers=1024,3008`) or from props in code. Everything has a default, so `cdk deploy` with no
 * context gives a working stack.
 */

/**
 * Default memory tiers. 1,769 MB is exactly one vCPU and 10,240 MB (6 vCPU) Lambda's maximum
 * (DESIGN.md §6); 3,008 MB is the size WUKONG's paper ran (§7); 1,024 MB is a cheap tier for
 * I/O-bound tasks.
 */
export const DEFAULT_TIERS_MB = [1024, 1769, 3008, 10_240] as const;

/** Lambda's hard ceiling on a function's timeout (900 s). */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Context values arrive as strings from `-c key=value` and as JSON values from cdk.json. */
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

const TiersSchema = z
  .preprocess((value) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value), z.array(integer(LAMBDA_MIN_MEMORY_MB, LAMBDA_MAX_MEMORY_MB)).min(1))
  .refine((tiers) => new Set(tiers).size === tiers.length, { message: 'memory tiers must be distinct' })
  .transform((tiers) => [...tiers].sort((a, b) => a - b));

export const WukongStackOptionsSchema = z
  .object({
    /** One executor function per tier (MB). */
    tiersMb: TiersSchema.default([...DEFAULT_TIERS_MB]),
    /**
     * x86_64 by default: the cost model and the simulator's profile use the x86 price
     * ($0.0000166667 per GB-s, DESIGN.md §6) and per-task times calibrated on x86 machines, and the
     * matrix kernels are benchmarked locally on x86; a Graviton run would break that parity.
     * arm64 is ~20% cheaper per GB-s; choose it for cost, then recalibrate the profile.
     */
    architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
    /**
     * 900 s (Lambda's maximum) by default. Billing is per ms actually used, so a long limit costs
     * nothing unless an executor hangs, while a short one kills long tasks (a large GEMM block)
     * that cannot be split; the handler itself stops before the deadline and hands its remaining
     * work to a fresh invocation.
     */
    timeoutSeconds: integer(1, LAMBDA_MAX_TIMEOUT_SECONDS).default(LAMBDA_MAX_TIMEOUT_SECONDS),
    /** Reserved concurrency per executor function; absent = the account's unreserved pool. */
    reservedConcurrency: integer(0, 100_000).optional(),
    /** ElastiCache node type; the default is a small burstable node, fine for experiments. */
    redisNodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as cache.t4g.medium').default('cache.t4g.medium'),
    /** Valkey: Redis-OSS compatible and priced lower than Redis OSS on ElastiCache. */
    redisEngineVersion: z.string().regex(/^\d+\.\d+$/, 'a major.minor version such as 8.0').default('8.0'),
    /** Read replicas (0-5); with at least one, automatic failover and Multi-AZ are on. */
    redisReplicas: integer(0, 5).default(0),
    /**
     * Days before S3 deletes intermediates under `wk/`. Matches the runs' coordination TTL
     * (DEFAULT_TTL_SECONDS, one day); 1 is S3's minimum.
     */
    intermediateExpiryDays: integer(1, 365).default(1),
    /** How long executor logs are kept. */
    logRetentionDays: z.coerce
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), { message: `one of ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(7),
    /**
     * A security group (output ClientSecurityGroupId) that may reach Redis and the Lambda endpoint,
     * for the host that runs `wukong submit`: ElastiCache is reachable only from inside the VPC.
     * false leaves Redis reachable by the executor functions alone.
     */
    clientAccess: flag.default(true),
    /**
     * Availability zones of the VPC: 1 or 2. Two are what an environment-agnostic stack (one that
     * synthesizes offline) can see, and each AZ adds an hour-priced interface endpoint ENI.
     */
    maxAzs: integer(1, 2).default(2),
  })
  .strict()
  .refine((options) => options.redisReplicas === 0 || options.maxAzs >= 2, {
    message: 'Redis replicas (Multi-AZ) need maxAzs 2',
    path: ['redisReplicas'],
  });

export type WukongStackOptions = z.output<typeof WukongStackOptionsSchema>;
export type WukongStackOptionsInput = z.input<typeof WukongStackOptionsSchema>;

/** Parses options, naming the offending field (`tiersMb: ...`) on bad input. */
export function parseStackOptions(raw: unknown): WukongStackOptions {
  const parsed = WukongStackOptionsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`);
  throw new Error(`bad wukong stack options: ${problems.join('; ')}`);
}

/** The CDK context keys (`-c key=value`) that map to options. */
const CONTEXT_KEYS: Record<string, keyof WukongStackOptions> = {
  tiers: 'tiersMb',
  architecture: 'architecture',
  timeoutSeconds: 'timeoutSeconds',
  reservedConcurrency: 'reservedConcurrency',
  redisNodeType: 'redisNodeType',
  redisEngineVersion: 'redisEngineVersion',
  redisReplicas: 'redisReplicas',
  intermediateExpiryDays: 'intermediateExpiryDays',
  logRetentionDays: 'logRetentionDays',
  clientAccess: 'clientAccess',
  maxAzs: 'maxAzs',
};

export const STACK_CONTEXT_KEYS = Object.keys(CONTEXT_KEYS);

/** Reads the options from CDK context (`app.node.tryGetContext`). */
export function stackOptionsFromContext(tryGetContext: (key: string) => unknown): WukongStackOptions {
  const raw: Record<string, unknown> = {};
  for (const [contextKey, option] of Object.entries(CONTEXT_KEYS)) {
    const value = tryGetContext(contextKey);
    if (value !== undefined) raw[option] = value;
  }
  return parseStackOptions(raw);
}
