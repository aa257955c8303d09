import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { executeJobsOfText, executeJobsText, payloadOfText, payloadText } from '../../../src/runtime/embedded/execute-jobs-text.js';
import { PooledPayload } from '../../../src/runtime/embedded/pooled-payload.js';
import { ExecutorPayloadSchema, type ExecutorPayload } from '../../../src/runtime/payload.js';

const payload: fc.Arbitrary<ExecutorPayload> = fc.record(
  {
    kind: fc.constant('execute' as const),
    runId: fc.string({ minLength: 1, maxLength: 10 }),
    source: fc.string({ maxLength: 10 }),
    taskId: fc.string({ maxLength: 10 }),
    inline: fc.array(fc.record({ taskId: fc.string({ maxLength: 6 }), outputs: fc.array(fc.base64String({ maxLength: 12 }), { maxLength: 2 }) }), { maxLength: 2 }),
    executorId: fc.string({ maxLength: 10 }),
    invokedAt: fc.double({ noNaN: true, noDefaultInfinity: true }),
    worker: fc.nat(),
    resumeAt: fc.string({ maxLength: 6 }),
    hedge: fc.constantFrom(0 as const, 1 as const),
    memoryMb: fc.integer({ min: 1, max: 10_240 }),
  },
  { requiredKeys: ['kind', 'runId', 'source', 'taskId', 'inline', 'executorId'] },
);

describe('invocations as text', () => {
  it('read back as their JSON reads back, whatever optional payload fields they carry', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ payload, cold: fc.boolean(), jobId: fc.nat() }), { maxLength: 6 }), (jobs) => {
        const read = executeJobsOfText(executeJobsText(jobs.map(({ payload: p, cold, jobId }) => ({ payloadText: payloadText(p), cold, jobId }))));
        expect(read).toEqual(JSON.parse(JSON.stringify(jobs)));
        for (const job of read) expect(ExecutorPayloadSchema.parse(job.payload)).toEqual(job.payload);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out a payload key set to undefined, as JSON does', () => {
    const text = payloadText({ kind: 'execute', runId: 'r', source: 's', taskId: 't', inline: [], executorId: 'x', resumeAt: undefined });
    expect(Object.keys(payloadOfText(text))).toEqual(['kind', 'runId', 'source', 'taskId', 'inline', 'executorId']);
  });

  it('a pooled payload made from text reads its fields from the text, made from a payload keeps it', () => {
    const p: ExecutorPayload = { kind: 'execute', runId: 'r', source: 's', taskId: 't', inline: [], executorId: 'x-7', worker: 3 };
    expect(PooledPayload.ofText(payloadText(p)).payload).toEqual(p);
    expect(PooledPayload.of(p).payload).toBe(p);
    expect(PooledPayload.of(p).text).toBe(payloadText(p));
  });
});
