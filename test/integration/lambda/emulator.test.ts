import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient, ListFunctionsCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../../src/emulator/functions-file.js';
import { LambdaEmulator, type InvocationRecord } from '../../../src/emulator/lambda-emulator.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES, LAMBDA_SYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';

/**
 * The emulator through the real @aws-sdk/client-lambda: the Invoke API's status codes, headers and
 * error types, and Lambda's execution model (cold and warm environments, timeouts, concurrency,
 * the async queue with its retries, payload limits).
 */
const BUNDLE = fileURLToPath(new URL('./fixtures/test-functions.mjs', import.meta.url));

function fn(name: string, handler: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return { name, bundlePath: BUNDLE, handlerExport: handler, memoryMb: 256, timeoutSeconds: 10, environment: {}, ...extra };
}

function clientFor(emulator: LambdaEmulator): LambdaClient {
  return new LambdaClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'dummy', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));
const decode = (output: InvokeCommandOutput) => JSON.parse(Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
const baseEnvironment = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Rejection of `promise` as the SDK's error, for asserting on its name and status. */
async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number }; Reason?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail');
}

describe('Lambda emulator: the Invoke API', () => {
  let emulator: LambdaEmulator;
  let lambda: LambdaClient;
  let scratch: string;
  const records: InvocationRecord[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wukong-emulator-'));
    emulator = await LambdaEmulator.start({
      functions: [
        fn('echo', 'echo', { environment: { GREETING: 'hello' } }),
        fn('fail', 'fail'),
        fn('sleepy', 'sleep', { timeoutSeconds: 1 }),
        fn('recorder', 'record'),
        fn('crasher', 'crash'),
        fn('broken', 'notAFunction'),
      ],
      accountConcurrency: 8,
      asyncRetryDelaysMs: [30, 30],
      baseEnvironment,
      onInvocation: (record) => records.push(record),
    });
    lambda = clientFor(emulator);
  });

  afterAll(async () => {
    lambda?.destroy();
    await emulator?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers RequestResponse with the handler result and a Lambda context', async () => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ x: 1, nested: { y: [1, 2] } }) }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(output.ExecutedVersion).toBe('$LATEST');
    const result = decode(output);
    expect(result.event).toEqual({ x: 1, nested: { y: [1, 2] } });
    expect(result.functionName).toBe('echo');
    expect(result.memoryLimitInMB).toBe('256');
    expect(result.remainingMs).toBeGreaterThan(9_000);
    expect(result.remainingMs).toBeLessThanOrEqual(10_000);
    expect(result.env).toEqual({ GREETING: 'hello', AWS_LAMBDA_FUNCTION_NAME: 'echo', AWS_REGION: 'us-east-1' });
  });

  it('accepts a function ARN and $LATEST, and lists its functions', async () => {
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo', Qualifier: '$LATEST', Payload: encode({}) }),
    );
    expect(output.StatusCode).toBe(200);
    const list = await lambda.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => f.FunctionName).sort()).toEqual(['broken', 'crasher', 'echo', 'fail', 'recorder', 'sleepy']);
  });

  it('keeps an environment warm between invocations (one cold start)', async () => {
    const before = emulator.stats('echo').coldStarts;
    const first = decode(await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) })));
    const second = decode(await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) })));
    expect(second.pid).toBe(first.pid);
    expect(second.invocationsHere).toBe((first.invocationsHere as number) + 1);
    expect(emulator.stats('echo').coldStarts).toBe(before);
  });

  it('answers Event with 202 and runs the event afterwards', async () => {
    const file = join(scratch, 'event.log');
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: encode({ file, tag: 'e1' }) }));
    expect(output.StatusCode).toBe(202);
    expect(Buffer.from(output.Payload ?? new Uint8Array()).byteLength).toBe(0);
    await emulator.whenIdle();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { tag: string }).tag)).toEqual(['e1']);
  });

  it('retries a failing Event twice, then drops it', async () => {
    const flaky = join(scratch, 'flaky.log');
    const hopeless = join(scratch, 'hopeless.log');
    const retriesBefore = emulator.stats('recorder').asyncRetries;
    // Fails on its first two attempts, succeeds on the third.
    await lambda.send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: encode({ file: flaky, failTimes: 2 }) }));
    // Fails on every attempt.
    await lambda.send(new InvokeCommand({ FunctionName: 'recorder', InvocationType: 'Event', Payload: encode({ file: hopeless, failTimes: 99 }) }));
    await emulator.whenIdle();
    expect((await readFile(flaky, 'utf8')).trim().split('\n')).toHaveLength(3);
    expect((await readFile(hopeless, 'utf8')).trim().split('\n')).toHaveLength(3);
    const stats = emulator.stats('recorder');
    expect(stats.asyncRetries - retriesBefore).toBe(4);
    expect(stats.asyncDropped).toBe(1);
    const hopelessAttempts = records.filter((r) => r.functionName === 'recorder' && r.outcome === 'function-error').map((r) => r.attempt);
    expect(hopelessAttempts).toEqual(expect.arrayContaining([0, 1, 2]));
  });

  it('answers DryRun with 204 and runs nothing', async () => {
    const before = emulator.stats('echo').invocations;
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun', Payload: encode({}) }));
    expect(output.StatusCode).toBe(204);
    expect(emulator.stats('echo').invocations).toBe(before);
  });

  it('answers an unknown function with 404 ResourceNotFoundException, as AWS does', async () => {
    const error = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'no-such-function', Payload: encode({}) })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toContain('Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function');
    const raw = await fetch(`${emulator.url}/2015-03-31/functions/no-such-function/invocations`, { method: 'POST', body: '{}' });
    expect(raw.status).toBe(404);
    expect(raw.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await raw.json()).toEqual({ Type: 'User', message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function' });
    const qualified = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: 'prod', Payload: encode({}) })));
    expect(qualified.name).toBe('ResourceNotFoundException');
  });

  it('reports a handler error as 200 with X-Amz-Function-Error: Unhandled', async () => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'fail', Payload: encode({}) }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    const error = decode(output);
    expect(error.errorType).toBe('BoomError');
    expect(error.errorMessage).toBe('boom');
    expect(Array.isArray(error.trace)).toBe(true);
  });

  it('reports a handler that is not a function, and a process that exits, as runtime errors', async () => {
    const broken = decode(await lambda.send(new InvokeCommand({ FunctionName: 'broken', Payload: encode({}) })));
    expect(broken.errorType).toBe('Runtime.HandlerNotFound');
    const crashed = await lambda.send(new InvokeCommand({ FunctionName: 'crasher', Payload: encode({}) }));
    expect(crashed.FunctionError).toBe('Unhandled');
    expect(decode(crashed)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(String(decode(crashed).errorMessage)).toContain('exit status 3');
  });

  it('kills an invocation at its timeout and reports "Task timed out"', async () => {
    const pidFile = join(scratch, 'sleepy.pid');
    const coldBefore = emulator.stats('sleepy').coldStarts;
    const startedAt = Date.now();
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'sleepy', Payload: encode({ ms: 5_000, pidFile }) }));
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    expect(output.FunctionError).toBe('Unhandled');
    const error = decode(output);
    expect(error.errorType).toBe('Sandbox.Timedout');
    expect(error.errorMessage).toContain('Task timed out after 1.00 seconds');
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => isAlive(pid), { timeout: 2_000 }).toBe(false);
    expect(emulator.stats('sleepy').timeouts).toBe(1);
    // The killed environment is not reused: the next invocation starts cold.
    const next = decode(await lambda.send(new InvokeCommand({ FunctionName: 'sleepy', Payload: encode({ ms: 1 }) })));
    expect(next.pid).not.toBe(pid);
    expect(emulator.stats('sleepy').coldStarts).toBe(coldBefore + 2);
  });

  it('refuses an Event payload over 1 MB with 413, while a RequestResponse of that size runs', async () => {
    const big = { padding: 'x'.repeat(LAMBDA_ASYNC_PAYLOAD_BYTES) };
    const error = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: encode(big) })));
    expect(error.name).toBe('RequestEntityTooLargeException');
    expect(error.$metadata.httpStatusCode).toBe(413);
    expect(error.message).toContain(`too large for the Event invocation type (limit ${LAMBDA_ASYNC_PAYLOAD_BYTES} bytes)`);
    const sync = await lambda.send(new InvokeCommand({ FunctionName: 'sleepy', Payload: encode({ ms: 1, ...big }) }));
    expect(sync.StatusCode).toBe(200);
    expect(sync.FunctionError).toBeUndefined();
    const tooBig = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ padding: 'x'.repeat(LAMBDA_SYNC_PAYLOAD_BYTES) }) })));
    expect(tooBig.name).toBe('RequestEntityTooLargeException');
    expect(tooBig.message).toBe(`Request must be smaller than ${LAMBDA_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
  });

  it('refuses a body that is not JSON with InvalidRequestContentException', async () => {
    const error = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{nope') })));
    expect(error.name).toBe('InvalidRequestContentException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe('Lambda emulator: concurrency and idle expiry', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wukong-emulator-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('throttles a RequestResponse over the reserved concurrency with 429 TooManyRequestsException', async () => {
    const emulator = await LambdaEmulator.start({ functions: [fn('one-at-a-time', 'sleep', { reservedConcurrency: 1 })], baseEnvironment });
    const lambda = clientFor(emulator);
    try {
      const running = lambda.send(new InvokeCommand({ FunctionName: 'one-at-a-time', Payload: encode({ ms: 1_500 }) }));
      await expect.poll(() => emulator.environments('one-at-a-time').running).toBe(1);
      const error = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'one-at-a-time', Payload: encode({ ms: 1 }) })));
      expect(error.name).toBe('TooManyRequestsException');
      expect(error.$metadata.httpStatusCode).toBe(429);
      expect(error.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
      expect((await running).StatusCode).toBe(200);
      expect(emulator.stats('one-at-a-time').throttles).toBe(1);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });

  it('throttles at the account limit, and queues Events instead of failing them', async () => {
    const emulator = await LambdaEmulator.start({
      functions: [fn('a', 'record'), fn('b', 'sleep')],
      accountConcurrency: 1,
      baseEnvironment,
    });
    const lambda = clientFor(emulator);
    try {
      const file = join(scratch, 'queued.log');
      for (let i = 0; i < 4; i += 1) {
        const output = await lambda.send(new InvokeCommand({ FunctionName: 'a', InvocationType: 'Event', Payload: encode({ file, ms: 200, tag: i }) }));
        expect(output.StatusCode).toBe(202);
      }
      await expect.poll(() => emulator.environments('a').running).toBe(1);
      const error = await sdkError(lambda.send(new InvokeCommand({ FunctionName: 'b', Payload: encode({ ms: 1 }) })));
      expect(error.name).toBe('TooManyRequestsException');
      expect(error.Reason).toBe('ConcurrentInvocationLimitExceeded');
      await emulator.whenIdle();
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { pid: number; tag: number });
      // One slot: the four events ran one after another, in order, in one warm environment.
      expect(lines.map((l) => l.tag)).toEqual([0, 1, 2, 3]);
      expect(new Set(lines.map((l) => l.pid)).size).toBe(1);
      expect(emulator.stats('a').coldStarts).toBe(1);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });

  it('a rewritten bundle (wukong bundle again) is run by fresh environments, not by the warm ones on the old code', async () => {
    // Prepare: a bundle of its own, which the test rewrites as a second `wukong bundle` would.
    const bundle = join(scratch, 'versioned.mjs');
    await writeFile(bundle, 'export const handler = async () => ({ version: 1, pid: process.pid });\n');
    const emulator = await LambdaEmulator.start({ functions: [{ ...fn('versioned', 'handler'), bundlePath: bundle }], baseEnvironment });
    const lambda = clientFor(emulator);
    try {
      const first = decode(await lambda.send(new InvokeCommand({ FunctionName: 'versioned', Payload: encode({}) })));
      const warm = decode(await lambda.send(new InvokeCommand({ FunctionName: 'versioned', Payload: encode({}) })));
      expect([first.version, warm.version, warm.pid]).toEqual([1, 1, first.pid]);
      // Act: the bundle is rewritten (another size: the check does not hang on the clock's resolution)
      await writeFile(bundle, 'export const handler = async () => ({ version: 22, pid: process.pid });\n');
      const after = decode(await lambda.send(new InvokeCommand({ FunctionName: 'versioned', Payload: encode({}) })));
      // Assess: the new code, in a new environment; the old one is shut down
      expect(after.version).toBe(22);
      expect(after.pid).not.toBe(first.pid);
      expect(emulator.stats('versioned').coldStarts).toBe(2);
      await expect.poll(() => isAlive(first.pid as number)).toBe(false);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });

  it('shuts down an idle environment after the idle expiry (the next start is cold)', async () => {
    const emulator = await LambdaEmulator.start({ functions: [fn('echo', 'echo')], idleExpiryMs: 150, baseEnvironment });
    const lambda = clientFor(emulator);
    try {
      const first = decode(await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) })));
      await expect.poll(() => emulator.environments('echo').warm).toBe(0);
      await expect.poll(() => isAlive(first.pid as number)).toBe(false);
      const second = decode(await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) })));
      expect(second.pid).not.toBe(first.pid);
      expect(emulator.stats('echo').coldStarts).toBe(2);
    } finally {
      lambda.destroy();
      await emulator.stop();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
