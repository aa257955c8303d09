import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../../src/emulator/functions-file.js';
import { LambdaEmulator } from '../../../src/emulator/lambda-emulator.js';
import { LambdaInvoker, LambdaPayloadTooLargeError } from '../../../src/runtime/lambda/lambda-invoker.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';
import type { ExecutorPayload } from '../../../src/runtime/payload.js';

/** LambdaInvoker through the real SDK against the emulator: Event invocations, limits, throttling. */
const BUNDLE = fileURLToPath(new URL('./fixtures/test-functions.mjs', import.meta.url));
const baseEnvironment = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const credentials = { accessKeyId: 'dummy', secretAccessKey: 'dummy' };

const slowFunction = (extra: Partial<FunctionDefinition> = {}): FunctionDefinition => ({
  name: 'wk-exec-1769',
  bundlePath: BUNDLE,
  handlerExport: 'slow',
  memoryMb: 1769,
  timeoutSeconds: 10,
  environment: {},
  ...extra,
});

const payload = (taskId: string, inlineBase64 = ''): ExecutorPayload => ({
  kind: 'execute',
  runId: 'run-1',
  source: 'a',
  taskId,
  inline: inlineBase64 ? [{ taskId: 'parent', outputs: [inlineBase64] }] : [],
  executorId: `x-${taskId}`,
});

describe('LambdaInvoker against the emulator', () => {
  let emulator: LambdaEmulator | undefined;
  let invoker: LambdaInvoker | undefined;
  afterEach(async () => {
    invoker?.close();
    await emulator?.stop();
  });

  /** One slot and a queue of one: of quick invocations beyond two, Lambda throttles (429) the rest at first. */
  const startThrottling = async (retry: { baseDelayMs: number; maxDelayMs: number; throttleDeadlineMs: number }) => {
    const started = await LambdaEmulator.start({ functions: [slowFunction({ reservedConcurrency: 1 })], maxQueuedEventsPerFunction: 1, baseEnvironment });
    emulator = started;
    invoker = new LambdaInvoker({ functions: { prefix: 'wk-exec-' }, memoryMb: 1769, region: 'us-east-1', endpoint: started.url, credentials, retry });
    return { emulator: started, invoker };
  };

  it('starts executors as Event invocations of the tier\'s function, and pre-warms', async () => {
    emulator = await LambdaEmulator.start({ functions: [slowFunction()], baseEnvironment });
    invoker = new LambdaInvoker({ functions: { prefix: 'wk-exec-' }, memoryMb: 1769, region: 'us-east-1', endpoint: emulator.url, credentials });
    await invoker.invoke(payload('a'));
    await invoker.prewarm();
    await emulator.whenIdle();
    const stats = emulator.stats('wk-exec-1769');
    expect(stats.asyncAccepted).toBe(2);
    expect(stats.invocations).toBe(2);
    expect(stats.functionErrors).toBe(0);
    expect(invoker.invocations).toBe(2);
    expect(invoker.maxPayloadBytes).toBe(Buffer.byteLength(JSON.stringify(payload('a'))));
  });

  it('refuses a payload over the async limit before sending it', async () => {
    emulator = await LambdaEmulator.start({ functions: [slowFunction()], baseEnvironment });
    invoker = new LambdaInvoker({ functions: { byTier: { '1769': 'wk-exec-1769' } }, memoryMb: 1769, region: 'us-east-1', endpoint: emulator.url, credentials });
    const oversized = payload('big', 'A'.repeat(LAMBDA_ASYNC_PAYLOAD_BYTES));
    const error = await invoker.invoke(oversized).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaPayloadTooLargeError);
    expect((error as LambdaPayloadTooLargeError).code).toBe('LIMIT_EXCEEDED');
    expect((error as Error).message).toMatch(/is \d+ bytes, over Lambda's async payload limit of 1048576 bytes \(function wk-exec-1769\)/);
    expect((error as Error).message).toContain('--inline-budget-bytes');
    // Nothing reached the emulator.
    expect(emulator.stats('wk-exec-1769').maxRequestBytes).toBe(0);
    expect(emulator.stats('wk-exec-1769').asyncAccepted).toBe(0);
  });

  it('retries throttled invocations with backoff until Lambda accepts them', async () => {
    // Of four quick invocations, two are throttled at first.
    const throttled = await startThrottling({ baseDelayMs: 20, maxDelayMs: 200, throttleDeadlineMs: 20_000 });
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => throttled.invoker.invoke(payload(id))));
    await throttled.emulator.whenIdle();
    expect(throttled.invoker.throttles).toBeGreaterThanOrEqual(2);
    expect(throttled.emulator.stats('wk-exec-1769').throttles).toBe(throttled.invoker.throttles);
    expect(throttled.emulator.stats('wk-exec-1769').invocations).toBe(4);
  });

  it('gives up on a throttled invocation at the throttle deadline with a clear error', async () => {
    const { invoker: throttling } = await startThrottling({ baseDelayMs: 5, maxDelayMs: 10, throttleDeadlineMs: 50 });
    await throttling.invoke(payload('a'));
    await throttling.invoke(payload('b'));
    const error = await throttling.invoke(payload('c')).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('LIMIT_EXCEEDED');
    expect((error as Error).message).toMatch(/invoking wk-exec-1769 for executor x-c .* was throttled \d+ times/);
  });
});
