import { z } from 'zod';
import { BadInputError } from '../src/model/errors.js';
import { functionNameForTier, type FunctionNames } from '../src/runtime/lambda/lambda-invoker.js';
import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from '../src/runtime/lambda-config.js';
import { StoreConfigSchema, type StoreConfig } from '../src/runtime/store-config.js';
import { DEFAULT_TTL_SECONDS } from '../src/storage/coordinator.js';

/** Time kept back from the function's timeout for handing off work and reporting (see handler.ts). */
export const DEFAULT_DEADLINE_BUFFER_MS = 2_000;
/** Invocations in flight at once from one executor (large fan-outs). */
export const DEFAULT_INVOKE_CONCURRENCY = 64;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The handler's settings, parsed once per container from the function's environment. */
export interface HandlerConfig {
  readonly stores: StoreConfig;
  readonly functions: FunctionNames;
  /** This function's memory tier; executors it starts run in the same tier (WUKONG mode). */
  readonly memoryMb: number;
  readonly region: string;
  /** AWS_ENDPOINT_URL_LAMBDA: the local emulator. */
  readonly lambdaEndpoint?: string;
  readonly invokeConcurrency: number;
  /** Where executors record metadata (a Redis URL); absent: not recorded. */
  readonly metadataUrl?: string;
  readonly deadlineBufferMs: number;
  readonly logLevel: LogLevel;
}

/** A missing or bad environment variable of the executor function; every one is named. */
export class HandlerConfigError extends BadInputError {}

// Lambda passes every variable as a string; an empty one counts as unset.
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `between ${min} and ${max}` });

const TierMapSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'JSON such as {"1769":"wukong-executor-1769"}' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(z.string().regex(/^\d+$/, 'memory tiers in MB as keys'), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Lambda function names as values'))
      .refine((map) => Object.keys(map).length > 0, { message: 'at least one tier' }),
  );

const EnvSchema = z.object({
  WUKONG_REDIS_URL: z.preprocess(unsetIfEmpty, z.string({ error: 'required: the coordination store, redis:// or rediss:// URL' }).regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL')),
  WUKONG_S3_BUCKET: optional(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
  WUKONG_FUNCTIONS_BY_TIER: optional(TierMapSchema),
  WUKONG_FUNCTION_PREFIX: optional(z.string().regex(/^[A-Za-z0-9_-]{1,58}$/, 'letters, digits, - and _ (function names are <prefix><memoryMb>)')),
  WUKONG_MEMORY_MB: optional(wholeNumber(LAMBDA_MIN_MEMORY_MB, LAMBDA_MAX_MEMORY_MB)),
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: optional(wholeNumber(LAMBDA_MIN_MEMORY_MB, LAMBDA_MAX_MEMORY_MB)),
  WUKONG_TTL_SECONDS: optional(wholeNumber(1, 30 * 24 * 60 * 60)),
  WUKONG_INVOKE_CONCURRENCY: optional(wholeNumber(1, 10_000)),
  WUKONG_DEADLINE_BUFFER_MS: optional(wholeNumber(0, 600_000)),
  WUKONG_LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  WUKONG_METADATA_URL: optional(z.union([z.literal('off'), z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL, or "off"')])),
  AWS_REGION: optional(z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, 'an AWS region such as us-east-1')),
  AWS_ENDPOINT_URL_S3: optional(z.url()),
  AWS_ENDPOINT_URL_LAMBDA: optional(z.url()),
  AWS_ENDPOINT_URL: optional(z.url()),
});

/**
 * Parses the executor function's environment (set by the CDK stack, or by the emulator's functions
 * file) into a frozen config. Every bad or missing variable is named in one error, so a broken
 * deployment fails loudly on its first invocation.
 */
export function handlerConfigFromEnv(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new HandlerConfigError(`executor function environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  const memoryMb = e.WUKONG_MEMORY_MB ?? e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  if (memoryMb === undefined) problems.push('WUKONG_MEMORY_MB: required (this function\'s memory tier in MB; AWS_LAMBDA_FUNCTION_MEMORY_SIZE is used when set)');
  let functions: FunctionNames | undefined;
  if (e.WUKONG_FUNCTIONS_BY_TIER) functions = { byTier: e.WUKONG_FUNCTIONS_BY_TIER };
  else if (e.WUKONG_FUNCTION_PREFIX) functions = { prefix: e.WUKONG_FUNCTION_PREFIX };
  else problems.push('WUKONG_FUNCTIONS_BY_TIER or WUKONG_FUNCTION_PREFIX: one is required (which function runs each memory tier)');
  if (functions && memoryMb !== undefined) {
    try {
      functionNameForTier(functions, memoryMb);
    } catch (error) {
      problems.push(`WUKONG_FUNCTIONS_BY_TIER: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0 || functions === undefined || memoryMb === undefined) {
    throw new HandlerConfigError(`executor function environment: ${problems.join('; ')}`);
  }
  const region = e.AWS_REGION ?? 'us-east-1';
  const s3Endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL;
  const lambdaEndpoint = e.AWS_ENDPOINT_URL_LAMBDA ?? e.AWS_ENDPOINT_URL;
  const stores = StoreConfigSchema.parse({
    coordinator: { kind: 'redis', url: e.WUKONG_REDIS_URL },
    // Without a bucket, intermediates live in Redis too (small runs, local set-ups).
    intermediate: e.WUKONG_S3_BUCKET
      ? { kind: 's3', bucket: e.WUKONG_S3_BUCKET, region, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) }
      : { kind: 'redis', url: e.WUKONG_REDIS_URL },
    ttlSeconds: e.WUKONG_TTL_SECONDS ?? DEFAULT_TTL_SECONDS,
  });
  return Object.freeze({
    stores,
    functions,
    memoryMb,
    region,
    ...(lambdaEndpoint ? { lambdaEndpoint } : {}),
    invokeConcurrency: e.WUKONG_INVOKE_CONCURRENCY ?? DEFAULT_INVOKE_CONCURRENCY,
    // Metadata defaults to the coordination Redis (keys under wkmeta:, no TTL); "off" records none.
    ...(e.WUKONG_METADATA_URL === 'off' ? {} : { metadataUrl: e.WUKONG_METADATA_URL ?? e.WUKONG_REDIS_URL }),
    deadlineBufferMs: e.WUKONG_DEADLINE_BUFFER_MS ?? DEFAULT_DEADLINE_BUFFER_MS,
    logLevel: e.WUKONG_LOG_LEVEL ?? 'info',
  });
}
