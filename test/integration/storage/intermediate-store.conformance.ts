import { createHash, randomFillSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/model/errors.js';
import type { IntermediateStore } from '../../../src/storage/intermediate-store.js';

/** One store under test, fresh for each case (an empty keyspace: its own server, bucket or key prefix). */
export interface IntermediateStoreUnderTest {
  readonly store: IntermediateStore;
  cleanup(): Promise<void>;
}

const MIB = 1024 * 1024;
const LARGE_VALUE_CHUNKS = 100; // x 1 MiB: the 100 MB round trip

/**
 * The one contract every IntermediateStore adapter must meet (memory, Redis, S3): call it from an
 * adapter's test file with a factory that opens a fresh, empty store.
 */
export function describeIntermediateStoreConformance(name: string, factory: () => Promise<IntermediateStoreUnderTest>): void {
  describe(`IntermediateStore conformance: ${name}`, () => {
    let subject: IntermediateStoreUnderTest;
    let store: IntermediateStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('round-trips bytes exactly, every byte value and the empty value', async () => {
      const everyByte = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      await store.put('round/bytes', everyByte);
      await store.put('round/empty', new Uint8Array(0));

      expect(Buffer.from(await store.get('round/bytes')).equals(Buffer.from(everyByte))).toBe(true);
      expect((await store.get('round/empty')).byteLength).toBe(0);
      expect(await store.has('round/empty')).toBe(true);
      expect(await store.size('round/empty')).toBe(0);
    });

    it('stores only the bytes of a view, not the rest of its buffer', async () => {
      const backing = Uint8Array.from({ length: 100 }, (_, i) => i);
      await store.put('view/slice', backing.subarray(10, 20));
      expect([...(await store.get('view/slice'))]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(await store.size('view/slice')).toBe(10);
    });

    it('answers has and size, and overwrites on put', async () => {
      expect(await store.has('hs/a')).toBe(false);
      await store.put('hs/a', new Uint8Array([1, 2, 3]));
      expect(await store.has('hs/a')).toBe(true);
      expect(await store.size('hs/a')).toBe(3);

      await store.put('hs/a', new Uint8Array([9]));
      expect([...(await store.get('hs/a'))]).toEqual([9]);
      expect(await store.size('hs/a')).toBe(1);
    });

    it('throws NotFoundError naming the key for get, size and getStream of a missing key', async () => {
      await expect(store.get('missing/x')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.get('missing/x')).rejects.toMatchObject({ code: 'NOT_FOUND', key: 'missing/x' });
      await expect(store.size('missing/x')).rejects.toBeInstanceOf(NotFoundError);
      await expect(collect(store.getStream('missing/x'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('deletes one key; deleting a missing key is not an error', async () => {
      await store.put('del/a', new Uint8Array([1]));
      await store.put('del/b', new Uint8Array([2]));
      await store.delete('del/a');
      await store.delete('del/never-there');

      expect(await store.has('del/a')).toBe(false);
      await expect(store.get('del/a')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.has('del/b')).toBe(true);
    });

    it('deletes by prefix, counting what it removed and matching the prefix literally', async () => {
      for (const key of ['p/1', 'p/2', 'p/sub/3', 'px/4', 'q/p/5', 'g*[?]/1', 'g*[?]/2', 'gz/3']) await store.put(key, new Uint8Array([1]));

      expect(await store.deletePrefix('p/')).toBe(3);
      expect(await store.deletePrefix('g*[?]/')).toBe(2);
      expect(await store.deletePrefix('nothing/')).toBe(0);

      for (const gone of ['p/1', 'p/2', 'p/sub/3', 'g*[?]/1', 'g*[?]/2']) expect(await store.has(gone)).toBe(false);
      for (const kept of ['px/4', 'q/p/5', 'gz/3']) expect(await store.has(kept)).toBe(true);
    });

    it('keeps concurrent puts of different keys apart', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => `conc/${i}`);
      await Promise.all(keys.map((key, i) => store.put(key, new Uint8Array(1000).fill(i))));
      const values = await Promise.all(keys.map((key) => store.get(key)));
      values.forEach((value, i) => {
        expect(value.byteLength).toBe(1000);
        expect(value.every((byte) => byte === i)).toBe(true);
      });
    });

    it('streams small values in and out, interchangeably with put and get', async () => {
      await store.putStream('stream/parts', chunksOf([[1, 2], [], [3], [4, 5, 6]]));
      expect([...(await store.get('stream/parts'))]).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await store.size('stream/parts')).toBe(6);

      await store.put('stream/plain', new Uint8Array([7, 8, 9]));
      expect([...concat(await collect(store.getStream('stream/plain')))]).toEqual([7, 8, 9]);

      await store.putStream('stream/empty', chunksOf([]));
      expect(await store.has('stream/empty')).toBe(true);
      expect(await store.size('stream/empty')).toBe(0);
      expect(concat(await collect(store.getStream('stream/empty'))).byteLength).toBe(0);
    });

    it('stores nothing when the stream being put fails, and rejects with its error', async () => {
      async function* failing(): AsyncIterable<Uint8Array> {
        yield new Uint8Array(64 * 1024).fill(1);
        throw new Error('source broke');
      }
      await expect(store.putStream('stream/failed', failing())).rejects.toThrow('source broke');
      expect(await store.has('stream/failed')).toBe(false);
    });

    it('round-trips 100 MiB through putStream and getStream (sha256 equal)', async () => {
      const sentHash = createHash('sha256');
      async function* generated(): AsyncIterable<Uint8Array> {
        for (let i = 0; i < LARGE_VALUE_CHUNKS; i += 1) {
          const chunk = randomFillSync(new Uint8Array(MIB)); // a fresh chunk: adapters may keep it
          sentHash.update(chunk);
          yield chunk;
        }
      }
      await store.putStream('large/value', generated());
      expect(await store.size('large/value')).toBe(LARGE_VALUE_CHUNKS * MIB);

      const receivedHash = createHash('sha256');
      let receivedBytes = 0;
      for await (const chunk of store.getStream('large/value')) {
        receivedHash.update(chunk);
        receivedBytes += chunk.byteLength;
      }
      expect(receivedBytes).toBe(LARGE_VALUE_CHUNKS * MIB);
      expect(receivedHash.digest('hex')).toBe(sentHash.digest('hex'));
    });
  });
}

async function* chunksOf(parts: number[][]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Uint8Array.from(part);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const collected: Uint8Array[] = [];
  for await (const chunk of chunks) collected.push(chunk);
  return collected;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}
