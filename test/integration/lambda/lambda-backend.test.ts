import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadValidDag } from '../../../src/cli/load-valid-dag.js';
import type { DagSpec } from '../../../src/dag/schema.js';
import { encodeValue } from '../../../src/data/codec.js';
import { LambdaEmulator } from '../../../src/emulator/lambda-emulator.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { buildRunReport, RunReportSchema } from '../../../src/report/run-report.js';
import { runOnLambda, type LambdaOutcome } from '../../../src/runtime/lambda/lambda-backend.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';
import { runDagFromSpec, type CompiledRunDag } from '../../../src/runtime/run-dag.js';
import { evaluateSequentially } from '../../../src/runtime/sequential-evaluator.js';
import type { StoreConfig } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../../../src/scheduler/wukong-options.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

/**
 * The Lambda path end to end, with nothing mocked: the esbuild bundle of lambda/handler.ts runs in
 * the emulator's child processes, coordinates through a real redis-server, moves intermediates
 * through s3rver, and invokes further executors through @aws-sdk/client-lambda; the client is
 * runOnLambda. Outputs must equal the sequential evaluation.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = join(ROOT, 'workloads/examples');
const TIERS = { '1769': 'wukong-executor-1769', '512': 'wukong-short-512', '256': 'wukong-overrun-256' } as const;

let redis: RedisServerHandle;
let s3: S3rverHandle;
let emulator: LambdaEmulator;
let bundleDir: string;
let stores: StoreConfig;
const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'wukong-bundle-'));
  const [redisServer, s3Server] = await Promise.all([
    startRedisServer(),
    startS3rver(),
    promisify(execFile)(process.execPath, [join(ROOT, 'scripts/bundle-lambda.mjs'), '--outdir', bundleDir]),
  ]);
  redis = redisServer;
  s3 = s3Server;
  // The client's S3 store takes s3rver's keys from the SDK's default chain, as the functions do.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  stores = {
    coordinator: { kind: 'redis', url: redis.url },
    intermediate: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' },
    ttlSeconds: DEFAULT_TTL_SECONDS,
  };
  const environment = {
    WUKONG_REDIS_URL: redis.url,
    WUKONG_S3_BUCKET: s3.bucket,
    WUKONG_FUNCTIONS_BY_TIER: JSON.stringify(TIERS),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: '{emulatorUrl}',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    WUKONG_LOG_LEVEL: 'warn',
  };
  const bundlePath = join(bundleDir, 'handler.mjs');
  emulator = await LambdaEmulator.start({
    functions: [
      { name: TIERS['1769'], bundlePath, handlerExport: 'handler', memoryMb: 1769, timeoutSeconds: 60, environment: { ...environment, WUKONG_MEMORY_MB: '1769' } },
      // A 2 s timeout with a 0.5 s buffer: a chain of 0.4 s tasks must be handed off to finish.
      {
        name: TIERS['512'],
        bundlePath,
        handlerExport: 'handler',
        memoryMb: 512,
        timeoutSeconds: 2,
        environment: { ...environment, WUKONG_MEMORY_MB: '512', WUKONG_DEADLINE_BUFFER_MS: '500' },
      },
      // Deployed without its environment: must say which variables are missing.
      { name: 'wukong-misconfigured', bundlePath, handlerExport: 'handler', memoryMb: 128, timeoutSeconds: 10, environment: { WUKONG_MEMORY_MB: '64' } },
      {
        name: TIERS['256'],
        bundlePath,
        handlerExport: 'handler',
        memoryMb: 256,
        timeoutSeconds: 1,
        environment: { ...environment, WUKONG_MEMORY_MB: '256', WUKONG_DEADLINE_BUFFER_MS: '400' },
      },
    ],
    accountConcurrency: 16,
    asyncRetryDelaysMs: [50, 50],
    baseEnvironment: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  await Promise.all([redis?.stop(), s3?.stop()]);
  await rm(bundleDir, { recursive: true, force: true });
  restore('AWS_ACCESS_KEY_ID', savedCredentials.id);
  restore('AWS_SECRET_ACCESS_KEY', savedCredentials.secret);
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function runExample(spec: DagSpec, dag: CompiledRunDag, wukong: WukongOptions, memoryMb = 1769): Promise<LambdaOutcome> {
  return runOnLambda(
    { spec: { dag: spec, wukong, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
    { functions: { byTier: TIERS }, memoryMb, region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, stores },
  );
}

async function expectReferenceOutputs(outcome: LambdaOutcome, dag: CompiledRunDag): Promise<void> {
  expect(outcome.failure).toBeUndefined();
  expect(outcome.ok).toBe(true);
  const reference = await evaluateSequentially(dag, dag.topologicalOrder(), createBuiltinRegistry());
  for (const ref of dag.outputRefs()) {
    const got = outcome.outputs.get(ref);
    expect(got, `output ${ref}`).toBeDefined();
    expect(Buffer.from(encodeValue(got!)).equals(Buffer.from(encodeValue(reference.get(ref)![0]!))), `output ${ref}`).toBe(true);
  }
}

describe('the Lambda backend on the emulator, Redis and s3rver', () => {
  it('bundles the handler into one module with the Lua scripts beside it', () => {
    expect(existsSync(join(bundleDir, 'handler.mjs'))).toBe(true);
    for (const script of ['fan-in-mark.lua', 'claim.lua', 'take-all.lua']) expect(existsSync(join(bundleDir, 'lua', script)), script).toBe(true);
  });

  it('pre-warms a container, and fails loudly when the function\'s environment is incomplete', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const prewarm = await lambda.send(new InvokeCommand({ FunctionName: TIERS['1769'], Payload: Buffer.from('{"kind":"prewarm"}') }));
      expect(prewarm.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(prewarm.Payload!).toString())).toEqual({ kind: 'prewarmed', cold: true });
      const broken = await lambda.send(new InvokeCommand({ FunctionName: 'wukong-misconfigured', Payload: Buffer.from('{"kind":"prewarm"}') }));
      expect(broken.FunctionError).toBe('Unhandled');
      const error = JSON.parse(Buffer.from(broken.Payload!).toString()) as { errorType: string; errorMessage: string };
      expect(error.errorType).toBe('HandlerConfigError');
      expect(error.errorMessage).toContain('WUKONG_REDIS_URL: required');
      expect(error.errorMessage).toContain('WUKONG_MEMORY_MB: between 128 and 10240');
    } finally {
      lambda.destroy();
    }
  });

  for (const example of ['diamond', 'gemm-2x2']) {
    it(`runs ${example}.json with the sequential reference's outputs and a run report`, async () => {
      const { spec, dag } = await loadValidDag(join(EXAMPLES, `${example}.json`));
      const before = emulator.stats(TIERS['1769']);
      const outcome = await runExample(spec, dag, DEFAULT_WUKONG_OPTIONS);
      await expectReferenceOutputs(outcome, dag);

      const report = RunReportSchema.parse(
        buildRunReport({
          runId: outcome.runId,
          dagName: spec.name ?? example,
          backend: 'lambda',
          planner: 'wukong',
          options: {},
          ok: outcome.ok,
          failure: outcome.failure,
          startedAt: outcome.startedAt,
          finishedAt: outcome.finishedAt,
          executors: outcome.executors,
          costMemoryMb: 1769,
        }),
      );
      expect(report.summary.tasks).toBe(spec.tasks.length);
      expect(new Set(report.tasks.map((t) => t.taskId)).size).toBe(spec.tasks.length);
      expect(report.executors.every((e) => e.memoryMb === 1769)).toBe(true);
      expect(report.summary.costUsd).toBeGreaterThan(0);

      // The DAG and schedules travel by key: the client's events carry ids only, and the executors'
      // events carry at most inline outputs within the budget, far below Lambda's limit.
      const after = emulator.stats(TIERS['1769']);
      expect(outcome.maxPayloadBytes).toBeLessThan(300);
      const inlineBudgetAsBase64 = Math.ceil((DEFAULT_WUKONG_OPTIONS.inlineBudgetBytes * 4) / 3);
      expect(after.maxRequestBytes).toBeLessThan(inlineBudgetAsBase64 + 4096);
      expect(after.maxRequestBytes).toBeLessThan(LAMBDA_ASYNC_PAYLOAD_BYTES);
      expect(after.invocations - before.invocations).toBe(outcome.executors.length);
      expect(after.functionErrors + after.timeouts + after.runtimeErrors).toBe(0);
    });
  }

  it('moves outputs through S3 when they exceed the inline budget', async () => {
    const { spec, dag } = await loadValidDag(join(EXAMPLES, 'gemm-2x2.json'));
    const outcome = await runExample(spec, dag, { ...DEFAULT_WUKONG_OPTIONS, inlineBudgetBytes: 1024, thresholdBytes: 1024 });
    await expectReferenceOutputs(outcome, dag);
    const bytesRead = outcome.executors.flatMap((e) => e.tasks).reduce((sum, t) => sum + t.bytesRead, 0);
    expect(bytesRead).toBeGreaterThan(0);
    // Nothing of the run is left behind in Redis or S3.
    const check = await runOnLambdaLeftovers(outcome.runId);
    expect(check).toEqual({ keys: 0 });
  });

  it('hands the rest of a chain to a fresh invocation before the function times out', async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => ({
      id: `t${i}`,
      op: 'synthetic.work',
      args: { ms: 400, outputBytes: 64, mode: 'sleep' },
      ...(i > 0 ? { deps: [`t${i - 1}`] } : {}),
    }));
    const spec = { name: 'chain', tasks } as DagSpec;
    const dag = runDagFromSpec(spec);
    const outcome = await runExample(spec, dag, DEFAULT_WUKONG_OPTIONS, 512);
    await expectReferenceOutputs(outcome, dag);
    // 6 x 0.4 s does not fit one 2 s invocation: the chain ran in several, none timed out.
    expect(outcome.executors.length).toBeGreaterThanOrEqual(2);
    expect(outcome.executors.flatMap((e) => e.tasks)).toHaveLength(6);
    expect(emulator.stats(TIERS['512']).timeouts).toBe(0);
  });

  it('fails the run with the reason when one task outlasts the function timeout', async () => {
    const spec = { name: 'overrun', tasks: [{ id: 'long', op: 'synthetic.work', args: { ms: 3_000, outputBytes: 8, mode: 'sleep' } }] } as DagSpec;
    const dag = runDagFromSpec(spec);
    const startedAt = Date.now();
    const outcome = await runExample(spec, dag, DEFAULT_WUKONG_OPTIONS, 256);
    expect(outcome.ok).toBe(false);
    expect(outcome.failure?.message).toContain('ran out of time');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});

/** Keys of a finished run still in Redis (runOnLambda removes them unless asked to keep them). */
async function runOnLambdaLeftovers(runId: string): Promise<{ keys: number }> {
  const { RedisCoordinator } = await import('../../../src/storage/redis/redis-coordinator.js');
  const coordinator = new RedisCoordinator(redis.url);
  try {
    return { keys: (await coordinator.keys(`wk:${runId}:`)).length };
  } finally {
    await coordinator.close();
  }
}
