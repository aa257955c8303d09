import { createHash, randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../src/data/codec.js';
import { matrix } from '../../../src/data/value.js';
import { NotFoundError, WukongError } from '../../../src/model/errors.js';
import { isRetryableS3Error, isS3NotFound } from '../../../src/storage/s3/s3-errors.js';
import { createS3Client, S3IntermediateStore, type S3StoreOptions } from '../../../src/storage/s3/s3-intermediate-store.js';
import { freePort } from '../../../src/cli/free-port.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { describeIntermediateStoreConformance } from './intermediate-store.conformance.js';

const MIB = 1024 * 1024;

/** Deterministic, non-repeating-looking content: chunk `index` of a stream, `bytes` long. */
function patternChunk(index: number, bytes: number): Uint8Array {
  const chunk = new Uint8Array(bytes);
  const words = new Uint32Array(chunk.buffer);
  let state = (index * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i += 1) {
    // xorshift32: cheap, and every chunk differs, so a misplaced part changes the hash.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  return chunk;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

describeIntermediateStoreConformance('s3 (s3rver)', async () => {
  // A fresh key prefix per case: an empty keyspace on the shared server and bucket.
  const store = new S3IntermediateStore({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3.credentials, keyPrefix: `c-${randomUUID()}/` });
  return {
    store,
    cleanup: async () => {
      await store.deletePrefix('');
      await store.close();
    },
  };
});

describe('S3IntermediateStore against s3rver', () => {
  const stores: S3IntermediateStore[] = [];

  /** A store on the test bucket under a fresh key prefix, closed after the suite. */
  function newStore(options: Partial<S3StoreOptions> = {}): S3IntermediateStore {
    const store = new S3IntermediateStore({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3.credentials, keyPrefix: `t-${randomUUID()}/`, ...options });
    stores.push(store);
    return store;
  }

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('puts, gets, sizes and deletes a value', async () => {
    const store = newStore();
    const value = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    await store.put('a', value);
    expect(await store.has('a')).toBe(true);
    expect(await store.size('a')).toBe(1000);
    expect(sha256(await store.get('a'))).toBe(sha256(value));
    await store.delete('a');
    expect(await store.has('a')).toBe(false);
    await store.delete('a'); // absent: still fine
  });

  it('reports absent keys as NotFoundError from get, size and getStream', async () => {
    const store = newStore();
    await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.size('missing')).rejects.toBeInstanceOf(NotFoundError);
    const drain = async (): Promise<void> => {
      for await (const chunk of store.getStream('missing')) expect(chunk).toBeUndefined();
    };
    await expect(drain()).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.has('missing')).toBe(false);
  });

  it('returns an aligned buffer that the codec decodes without copying', async () => {
    const store = newStore();
    const value = matrix(64, 48, Float64Array.from({ length: 64 * 48 }, (_, i) => i / 7));
    await store.put('m', encodeValue(value));
    const stored = await store.get('m');
    const decoded = decodeValue(stored);
    expect(decoded.kind === 'matrix' && decoded.data.buffer).toBe(stored.buffer);
    expect(decoded.kind === 'matrix' && Array.from(decoded.data)).toEqual(Array.from(value.data));
  });

  it('keeps stores with different key prefixes apart, deletePrefix included', async () => {
    const left = newStore();
    const right = newStore();
    await left.put('x', Uint8Array.of(1));
    await right.put('x', Uint8Array.of(2));
    expect(Array.from(await left.get('x'))).toEqual([1]);
    expect(await left.deletePrefix('')).toBe(1);
    expect(Array.from(await right.get('x'))).toEqual([2]);
  });

  /** A client that records the name of every command it sends (a real client, observed). */
  function recordingClient(): { client: S3Client; commands: string[] } {
    const client = createS3Client({ endpoint: s3.endpoint, credentials: s3.credentials });
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandNames' },
    );
    return { client, commands };
  }

  it('uploads a value above the multipart threshold in parts, byte for byte', async () => {
    // Prepare: 12 MiB with 5 MiB parts and a 1 MiB threshold: three parts.
    const { client, commands } = recordingClient();
    const store = newStore({ client, multipartThresholdBytes: 1 * MIB, partSizeBytes: 5 * MIB });
    const value = new Uint8Array(12 * MIB);
    for (let i = 0; i < 12; i += 1) value.set(patternChunk(i, MIB), i * MIB);
    // Act
    await store.put('big', value);
    // Assess
    expect(commands.filter((name) => name !== 'UploadPartCommand')).toEqual(['CreateMultipartUploadCommand', 'CompleteMultipartUploadCommand']);
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(await store.size('big')).toBe(12 * MIB);
    expect(sha256(await store.get('big'))).toBe(sha256(value));
    client.destroy();
  });

  it('uploads a value below the threshold in one PutObject', async () => {
    const { client, commands } = recordingClient();
    const store = newStore({ client, multipartThresholdBytes: 1 * MIB });
    const value = patternChunk(7, MIB - 8);
    await store.put('small', value);
    expect(commands).toEqual(['PutObjectCommand']);
    expect(sha256(await store.get('small'))).toBe(sha256(value));
    client.destroy();
  });

  // The 100 MiB streamed put/get (sha256) is the conformance suite's case, run above against S3
  // with the default 8 MiB parts (13 parts); it is not repeated here.

  it('streams an empty and a tiny value', async () => {
    const store = newStore();
    async function* none(): AsyncIterable<Uint8Array> {}
    await store.putStream('empty', none());
    expect(await store.size('empty')).toBe(0);
    expect((await store.get('empty')).byteLength).toBe(0);
    async function* two(): AsyncIterable<Uint8Array> {
      yield Uint8Array.of(1, 2);
      yield Uint8Array.of(3);
    }
    await store.putStream('tiny', two());
    expect(Array.from(await store.get('tiny'))).toEqual([1, 2, 3]);
  });

  it('deletePrefix pages through the listing and removes only keys under the prefix', async () => {
    // Prepare: 25 keys with pages of 10 (three pages). A page of the real 1,000 would take some
    // 10 s of s3rver writes here; the paging code is the same.
    const store = newStore({ keysPerPage: 10 });
    const keys = Array.from({ length: 25 }, (_, i) => `run/out/${String(i).padStart(5, '0')}`);
    await Promise.all(keys.map((key) => store.put(key, Uint8Array.of(1))));
    await store.put('other/keep', Uint8Array.of(9));
    await store.put('ru', Uint8Array.of(9)); // a prefix of the prefix is not under it
    // Act
    const removed = await store.deletePrefix('run/');
    // Assess
    expect(removed).toBe(keys.length);
    for (const key of keys) expect(await store.has(key)).toBe(false);
    expect(await store.has('other/keep')).toBe(true);
    expect(await store.has('ru')).toBe(true);
    expect(await store.deletePrefix('run/')).toBe(0);
  });

  it('rejects keysPerPage outside 1..1000', () => {
    expect(() => new S3IntermediateStore({ bucket: 'b', keysPerPage: 1001 })).toThrow(/keysPerPage must be an integer from 1 to 1000/);
  });

  it('fails a missing bucket as STORE_FAILED, not retryable', async () => {
    const store = newStore({ bucket: 'no-such-bucket' });
    const error: unknown = await store.put('k', Uint8Array.of(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WukongError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect((error as WukongError).code).toBe('STORE_FAILED');
    expect((error as WukongError).retryable).toBe(false);
    expect((error as WukongError).message).toContain('s3://no-such-bucket/');
  });

  it('fails an unreachable endpoint as STORE_FAILED, retryable', async () => {
    const port = await freePort(); // nothing listens there
    const client = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const store = new S3IntermediateStore({ bucket: s3.bucket, client });
    const error: unknown = await store.get('k').catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(WukongError);
    expect((error as WukongError).code).toBe('STORE_FAILED');
    expect((error as WukongError).retryable).toBe(true);
    expect((error as WukongError).cause).toBeDefined();
  });

  it('leaves a client it was given open on close()', async () => {
    const client = createS3Client({ endpoint: s3.endpoint, credentials: s3.credentials });
    const first = new S3IntermediateStore({ bucket: s3.bucket, client, keyPrefix: `t-${randomUUID()}/` });
    await first.put('k', Uint8Array.of(5));
    await first.close();
    const second = new S3IntermediateStore({ bucket: s3.bucket, client, keyPrefix: (first as unknown as { keyPrefix: string }).keyPrefix });
    expect(Array.from(await second.get('k'))).toEqual([5]);
    client.destroy();
  });

  it('rejects a part size below S3 minimum', () => {
    expect(() => new S3IntermediateStore({ bucket: 'b', partSizeBytes: MIB })).toThrow(/partSizeBytes must be an integer >= 5242880/);
  });
});

describe('S3 error classification', () => {
  it.each([
    [{ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }, true],
    [{ name: 'NotFound', $metadata: { httpStatusCode: 404 } }, true],
    [{ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, false],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, false],
  ])('isS3NotFound(%o) is %s', (error, expected) => {
    expect(isS3NotFound(error)).toBe(expected);
  });

  it.each([
    [{ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'InternalError', $metadata: { httpStatusCode: 500 } }, true],
    [{ name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } }, true],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    [{ name: 'TimeoutError' }, true],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, false],
    [{ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, false],
    [new Error('Body Data is unsupported format'), false],
  ])('isRetryableS3Error(%o) is %s', (error, expected) => {
    expect(isRetryableS3Error(error)).toBe(expected);
  });
});
