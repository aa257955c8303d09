import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadValidDag } from '../../../src/cli/load-valid-dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { LambdaOutcome } from '../../../src/runtime/lambda/lambda-backend.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';
import { runDagFromSpec, type CompiledRunDag } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../../../src/model/wukong-options.js';
import { executorFunction, lambdaRunReport, startLambdaStack, type LambdaStack } from './lambda-stack.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * The Lambda path end to end, with nothing mocked: the esbuild bundle of lambda/handler.ts runs in
 * the emulator's child processes, coordinates through a real redis-server, moves intermediates
 * through s3rver, and invokes further executors through @aws-sdk/client-lambda; the client is
 * runOnLambda. Outputs must equal the sequential evaluation.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = join(ROOT, 'workloads/examples');
const TIERS = { '1769': 'wukong-executor-1769', '512': 'wukong-short-512', '256': 'wukong-overrun-256' } as const;

let stack: LambdaStack;

beforeAll(async () => {
  stack = await startLambdaStack({
    functionsByTier: TIERS,
    functions: (context) => [
      executorFunction(context, TIERS['1769'], 1769, 60),
      // A 2 s timeout with a 0.5 s buffer: a chain of 0.4 s tasks must be handed off to finish.
      executorFunction(context, TIERS['512'], 512, 2, { WUKONG_DEADLINE_BUFFER_MS: '500' }),
      // Deployed without its environment: must say which variables are missing.
      { name: 'wukong-misconfigured', bundlePath: context.bundlePath, handlerExport: 'handler', memoryMb: 128, timeoutSeconds: 10, environment: { WUKONG_MEMORY_MB: '64' } },
      executorFunction(context, TIERS['256'], 256, 1, { WUKONG_DEADLINE_BUFFER_MS: '400' }),
    ],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function runExample(spec: DagSpec, dag: CompiledRunDag, wukong: WukongOptions, memoryMb = 1769): Promise<LambdaOutcome> {
  return stack.run(spec, dag, wukong, memoryMb);
}

async function expectSuccessfulRun(outcome: LambdaOutcome, dag: CompiledRunDag): Promise<void> {
  expect(outcome.failure).toBeUndefined();
  expect(outcome.ok).toBe(true);
  await expectReferenceOutputs(dag, outcome.outputs);
}

describe('the Lambda backend on the emulator, Redis and s3rver', () => {
  it('bundles the handler into one module with the Lua scripts beside it', () => {
    expect(existsSync(join(stack.bundleDir, 'handler.mjs'))).toBe(true);
    for (const script of ['fan-in-mark.lua', 'claim.lua', 'take-all.lua']) expect(existsSync(join(stack.bundleDir, 'lua', script)), script).toBe(true);
  });

  it('pre-warms a container, and fails loudly when the function\'s environment is incomplete', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', endpoint: stack.emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
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
      const before = stack.emulator.stats(TIERS['1769']);
      const outcome = await runExample(spec, dag, DEFAULT_WUKONG_OPTIONS);
      await expectSuccessfulRun(outcome, dag);

      const report = lambdaRunReport(outcome, spec.name ?? example, 'wukong');
      expect(report.summary.tasks).toBe(spec.tasks.length);
      expect(new Set(report.tasks.map((t) => t.taskId)).size).toBe(spec.tasks.length);
      expect(report.executors.every((e) => e.memoryMb === 1769)).toBe(true);
      expect(report.summary.costUsd).toBeGreaterThan(0);

      // The DAG and schedules travel by key: the client's events carry ids only, and the executors'
      // events carry at most inline outputs within the budget, far below Lambda's limit.
      const after = stack.emulator.stats(TIERS['1769']);
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
    await expectSuccessfulRun(outcome, dag);
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
    await expectSuccessfulRun(outcome, dag);
    // 6 x 0.4 s does not fit one 2 s invocation: the chain ran in several, none timed out.
    expect(outcome.executors.length).toBeGreaterThanOrEqual(2);
    expect(outcome.executors.flatMap((e) => e.tasks)).toHaveLength(6);
    expect(stack.emulator.stats(TIERS['512']).timeouts).toBe(0);
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
  const coordinator = new RedisCoordinator(stack.redis.url);
  try {
    return { keys: (await coordinator.keys(`wk:${runId}:`)).length };
  } finally {
    await coordinator.close();
  }
}
