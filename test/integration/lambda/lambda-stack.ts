import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { FunctionDefinition } from '../../../src/emulator/functions-file.js';
import { LambdaEmulator } from '../../../src/emulator/lambda-emulator.js';
import { buildRunReport, RunReportSchema, type RunReport } from '../../../src/report/run-report.js';
import { runOnLambda, type LambdaOutcome } from '../../../src/runtime/lambda/lambda-backend.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';
import type { CompiledRunDag } from '../../../src/model/compiled-dag.js';
import type { StoreConfig } from '../../../src/runtime/store-config.js';
import type { WukongOptions } from '../../../src/model/wukong-options.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

/**
 * The local stand-in for a deployed wukong, shared by the Lambda integration suites: the esbuild
 * bundle of lambda/handler.ts (built into a temp dir), a real redis-server, s3rver, and the Lambda
 * emulator serving the bundle under one function name per memory tier. Nothing is mocked: the
 * client (runOnLambda) and the functions talk through @aws-sdk/client-lambda, ioredis and
 * @aws-sdk/client-s3 exactly as on AWS.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What every executor function needs to reach Redis, s3rver and its sibling functions. */
export interface FunctionContext {
  readonly bundlePath: string;
  /** WUKONG_* and AWS_* variables of a working executor function (add WUKONG_MEMORY_MB). */
  readonly environment: Readonly<Record<string, string>>;
}

export interface LambdaStackOptions {
  /** Memory tier (MB, as a string key) -> function name; the executors' WUKONG_FUNCTIONS_BY_TIER. */
  readonly functionsByTier: Readonly<Record<string, string>>;
  /** The emulator's functions, built from the shared bundle and environment. */
  readonly functions: (context: FunctionContext) => FunctionDefinition[];
  readonly accountConcurrency?: number;
  /** Fault injection: see LambdaEmulatorOptions.killAfterMs. */
  readonly killAfterMs?: (functionName: string, attempt: number) => number | undefined;
  /** User op modules to bundle in (`wukong bundle --ops`); none: the built-ins' bundle script. */
  readonly opModules?: readonly string[];
}

export interface LambdaStack {
  readonly redis: RedisServerHandle;
  readonly s3: S3rverHandle;
  readonly emulator: LambdaEmulator;
  readonly bundleDir: string;
  /** The stores the functions use, for the client side of a run. */
  readonly stores: StoreConfig;
  readonly functionsByTier: Readonly<Record<string, string>>;
  /**
   * Runs a DAG on the tier's function, as `submit --backend lambda` does: WUKONG mode, unless
   * `extra` adds to the run spec (e.g. a plan, once run specs carry one).
   */
  run(
    spec: DagSpec,
    dag: CompiledRunDag,
    wukong: WukongOptions,
    memoryMb: number,
    extra?: Partial<RunRequest['spec']>,
    /** A result cache and the planner of what misses, as `submit --cache --planner` passes them. */
    cached?: Pick<RunRequest, 'cache' | 'planToRun'>,
  ): Promise<LambdaOutcome>;
  /** The functions' last log lines (stdout and stderr), to explain a failed run. */
  recentLogs(): string;
  stop(): Promise<void>;
}

const KEPT_LOG_LINES = 60;
/** Below vitest's 60 s test timeout, so that a stuck run fails with its reason and the logs. */
const RUN_DEADLINE_MS = 50_000;

/** An executor function on the shared bundle, with the shared environment plus its tier. */
export function executorFunction(
  context: FunctionContext,
  name: string,
  memoryMb: number,
  timeoutSeconds: number,
  extraEnvironment: Record<string, string> = {},
): FunctionDefinition {
  return {
    name,
    bundlePath: context.bundlePath,
    handlerExport: 'handler',
    memoryMb,
    timeoutSeconds,
    environment: { ...context.environment, WUKONG_MEMORY_MB: String(memoryMb), ...extraEnvironment },
  };
}

/** The tiers the planners choose from, one executor function each. */
export const PLAN_TIERS_MB = [1024, 1769, 3008] as const;

/** One function name per planner tier: `${prefix}-${mb}`, keyed by the tier's MB as a string. */
export function tierFunctionNames(prefix: string): Readonly<Record<string, string>> {
  return Object.fromEntries(PLAN_TIERS_MB.map((mb) => [String(mb), `${prefix}-${mb}`]));
}

/** A stack with one executor function per planner tier (60 s timeout). */
export function tieredStackOptions(functionsByTier: Readonly<Record<string, string>>): LambdaStackOptions {
  return {
    functionsByTier,
    functions: (context) => PLAN_TIERS_MB.map((mb) => executorFunction(context, functionsByTier[String(mb)]!, mb, 60)),
    // Four environments at most: on a shared 2-core machine, 16 Node processes starting at once
    // miss Lambda's 10 s init limit. Further Event invocations queue, as on Lambda, and reuse
    // warm environments.
    accountConcurrency: 4,
  };
}

/**
 * Bundles the handler, starts redis-server, s3rver and the emulator (any free ports), and points
 * the process's default AWS credentials at s3rver's keys (the client's S3 store takes them from
 * the SDK's default chain, as the functions do); `stop()` restores them.
 */
export async function startLambdaStack(options: LambdaStackOptions): Promise<LambdaStack> {
  const bundleDir = await mkdtemp(join(tmpdir(), 'wukong-bundle-'));
  const [redis, s3] = await Promise.all([
    startRedisServer(),
    startS3rver(),
    options.opModules
      ? promisify(execFile)(process.execPath, [join(ROOT, 'bin/wukong.js'), 'bundle', '--output-dir', bundleDir, ...options.opModules.flatMap((path) => ['--ops', path])])
      : promisify(execFile)(process.execPath, [join(ROOT, 'scripts/bundle-lambda.mjs'), '--outdir', bundleDir]),
  ]);
  const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  const stores: StoreConfig = {
    coordinator: { kind: 'redis', url: redis.url },
    intermediate: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' },
    ttlSeconds: DEFAULT_TTL_SECONDS,
  };
  const context: FunctionContext = {
    bundlePath: join(bundleDir, 'handler.mjs'),
    environment: {
      WUKONG_REDIS_URL: redis.url,
      WUKONG_S3_BUCKET: s3.bucket,
      WUKONG_FUNCTIONS_BY_TIER: JSON.stringify(options.functionsByTier),
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: '{emulatorUrl}',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      WUKONG_LOG_LEVEL: 'warn',
    },
  };
  const stopServers = async () => {
    await Promise.all([redis.stop(), s3.stop()]);
    await rm(bundleDir, { recursive: true, force: true });
    restoreEnv('AWS_ACCESS_KEY_ID', savedCredentials.id);
    restoreEnv('AWS_SECRET_ACCESS_KEY', savedCredentials.secret);
  };
  const logLines: string[] = [];
  const keep = (line: string) => {
    logLines.push(line);
    if (logLines.length > KEPT_LOG_LINES) logLines.shift();
  };
  let emulator: LambdaEmulator;
  try {
    emulator = await LambdaEmulator.start({
      functions: options.functions(context),
      accountConcurrency: options.accountConcurrency ?? 16,
      // Lambda retries a failed Event after minutes; a test cannot wait that long.
      asyncRetryDelaysMs: [50, 50],
      ...(options.killAfterMs ? { killAfterMs: options.killAfterMs } : {}),
      baseEnvironment: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      onLogLine: (functionName, line) => keep(`${functionName}: ${line}`),
      onInvocation: (record) => {
        if (record.error) keep(`${record.functionName} ${record.requestId} ${record.outcome}: ${record.error.errorType}: ${record.error.errorMessage}`);
      },
    });
  } catch (error) {
    await stopServers();
    throw error;
  }
  return {
    redis,
    s3,
    emulator,
    bundleDir,
    stores,
    functionsByTier: options.functionsByTier,
    run: (spec, dag, wukong, memoryMb, extra = {}, cached = {}) =>
      runOnLambda(
        { spec: { dag: spec, wukong, progressIntervalMs: 0, ...extra }, dag, outputRefs: dag.outputRefs(), deadlineMs: RUN_DEADLINE_MS, ...cached },
        {
          functions: { byTier: options.functionsByTier },
          memoryMb,
          region: 'us-east-1',
          endpoint: emulator.url,
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
          stores,
        },
      ),
    recentLogs: () => logLines.join('\n'),
    stop: async () => {
      await emulator.stop();
      await stopServers();
    },
  };
}

/** The run report `submit --backend lambda` writes for an outcome, schema-checked. */
export function lambdaRunReport(outcome: LambdaOutcome, dagName: string, planner: string): RunReport {
  return RunReportSchema.parse(
    buildRunReport({
      runId: outcome.runId,
      dagName,
      backend: 'lambda',
      planner,
      options: {},
      ok: outcome.ok,
      failure: outcome.failure,
      startedAt: outcome.startedAt,
      finishedAt: outcome.finishedAt,
      executors: outcome.executors,
      costMemoryMb: outcome.memoryMb,
    }),
  );
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
