import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { functionNameForTier, LambdaInvoker, LambdaPayloadTooLargeError } from '../../../src/runtime/lambda/lambda-invoker.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../../src/runtime/lambda/lambda-limits.js';
import type { ExecutorPayload } from '../../../src/runtime/payload.js';

/** A stand-in Lambda client: records commands and answers from a script (no network). */
function fakeClient(answers: (() => unknown)[] = []) {
  const sent: InvokeCommand['input'][] = [];
  return {
    sent,
    send: async (command: InvokeCommand) => {
      sent.push(command.input);
      const answer = answers.shift();
      if (answer) return answer();
      return { StatusCode: 202, $metadata: { httpStatusCode: 202 } };
    },
  };
}

const payload: ExecutorPayload = { kind: 'execute', runId: 'r', source: 'a', taskId: 'b', inline: [], executorId: 'x-b' };
const instant = { now: () => 0, sleep: async () => undefined, random: () => 0 };

describe('LambdaInvoker', () => {
  it('sends an Event invocation of the tier\'s function with the payload as JSON', async () => {
    const client = fakeClient();
    const invoker = new LambdaInvoker({ functions: { byTier: { '1769': 'exec-1769', '3008': 'exec-3008' } }, memoryMb: 3008, region: 'us-east-1', client: client as never });
    await invoker.invoke(payload);
    await invoker.prewarm(1769);
    expect(client.sent.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      ['exec-3008', 'Event'],
      ['exec-1769', 'Event'],
    ]);
    expect(JSON.parse(Buffer.from(client.sent[0]?.Payload as Uint8Array).toString())).toEqual(payload);
    expect(JSON.parse(Buffer.from(client.sent[1]?.Payload as Uint8Array).toString())).toEqual({ kind: 'prewarm' });
    expect(invoker.invocations).toBe(2);
  });

  it('refuses a payload over the async limit without sending it', async () => {
    const client = fakeClient();
    const invoker = new LambdaInvoker({ functions: { prefix: 'exec-' }, memoryMb: 1769, region: 'us-east-1', client: client as never });
    const big: ExecutorPayload = { ...payload, inline: [{ taskId: 'a', outputs: ['A'.repeat(LAMBDA_ASYNC_PAYLOAD_BYTES)] }] };
    await expect(invoker.invoke(big)).rejects.toBeInstanceOf(LambdaPayloadTooLargeError);
    expect(client.sent).toHaveLength(0);
    // Exactly at the limit is allowed.
    const overhead = Buffer.byteLength(JSON.stringify({ ...payload, inline: [{ taskId: 'a', outputs: [''] }] }));
    await invoker.invoke({ ...payload, inline: [{ taskId: 'a', outputs: ['A'.repeat(LAMBDA_ASYNC_PAYLOAD_BYTES - overhead)] }] });
    expect(client.sent).toHaveLength(1);
  });

  it('retries throttles and counts them; fails clearly on another status', async () => {
    const throttled = () => {
      throw Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    };
    const client = fakeClient([throttled, throttled, () => ({ StatusCode: 200 })]);
    const invoker = new LambdaInvoker({ functions: { prefix: 'exec-' }, memoryMb: 1769, region: 'us-east-1', client: client as never, effects: instant });
    await expect(invoker.invoke(payload)).rejects.toThrow('expected HTTP 202 for an Event invocation, got 200');
    expect(client.sent).toHaveLength(3);
    expect(invoker.throttles).toBe(2);
  });

  it('wraps a refused invocation in an error naming the function and the executor', async () => {
    const client = fakeClient([
      () => {
        throw Object.assign(new Error('Function not found: arn:...:exec-1769'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
      },
    ]);
    const invoker = new LambdaInvoker({ functions: { prefix: 'exec-' }, memoryMb: 1769, region: 'us-east-1', client: client as never, effects: instant });
    await expect(invoker.invoke(payload)).rejects.toThrow('invoking exec-1769 for executor x-b (task b) of run r failed: ResourceNotFoundException: Function not found');
  });

  it('names functions by tier, and refuses a tier without one', () => {
    expect(functionNameForTier({ prefix: 'Wukong-executor-' }, 512)).toBe('Wukong-executor-512');
    expect(() => functionNameForTier({ byTier: { '3008': 'b', '1769': 'a' } }, 512)).toThrow(BadInputError);
    expect(() => functionNameForTier({ byTier: { '3008': 'b', '1769': 'a' } }, 512)).toThrow('functions exist for 1769, 3008 MB');
    expect(() => new LambdaInvoker({ functions: { byTier: { '1769': 'a' } }, memoryMb: 512, region: 'us-east-1', client: fakeClient() as never })).toThrow(BadInputError);
  });
});
