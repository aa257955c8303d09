import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, S3IntermediateStore, type S3ClientOptions } from '../storage/s3/s3-intermediate-store.js';
import { NotFoundError } from '../model/errors.js';
import type { CacheListing, CacheStore } from './cache-store.js';

/**
 * Cache entries as objects under `s3://bucket/prefix/`. put-if-absent sends `If-None-Match: *`
 * (S3 answers 412 when the object exists); a server that ignores the header (s3rver) lets the
 * second writer replace the object with the same bytes, since a key names its content, and a PUT
 * is atomic either way. Reads reuse the intermediate store's retrying body reader. `usedAt` is
 * the object's LastModified: on S3, `gc --older-than` removes what was written long ago.
 */
export class S3CacheStore implements CacheStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly reader: S3IntermediateStore;

  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    options: S3ClientOptions,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
    this.client = createS3Client(options);
    this.reader = new S3IntermediateStore({ bucket, keyPrefix: prefix, client: this.client });
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    try {
      return await this.reader.get(name);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async putIfAbsent(name: string, bytes: Uint8Array): Promise<boolean> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + name, Body: bytes, ContentLength: bytes.byteLength, IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + name, Body: bytes, ContentLength: bytes.byteLength }));
  }

  async delete(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + name }));
  }

  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        listings.push({ name: object.Key.slice(this.prefix.length), bytes: object.Size ?? 0, usedAt: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listings;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
