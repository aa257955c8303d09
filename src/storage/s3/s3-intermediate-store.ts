import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError, WukongError } from '../../errors.js';
import type { IntermediateStore } from '../intermediate-store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Prepended to every key (e.g. a tenant or environment). */
  readonly keyPrefix?: string;
  readonly client?: S3Client;
  /** A local S3 server (the CLI passes AWS_ENDPOINT_URL_S3). */
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
  /** Values at least this large upload as multipart (lib-storage). */
  readonly multipartThresholdBytes?: number;
}

const DEFAULT_MULTIPART_THRESHOLD_BYTES = 8 * 1024 * 1024;

/**
 * An S3 client as this project needs it. Checksums only WHEN_REQUIRED: with the SDK's default,
 * local servers such as s3rver store streamed bodies with the aws-chunked framing, silently.
 */
export function createS3Client(options: { endpoint?: string; region?: string; forcePathStyle?: boolean }): S3Client {
  return new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Intermediates as S3 objects; multipart above a threshold; deletePrefix in pages of 1,000. */
export class S3IntermediateStore implements IntermediateStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly multipartThresholdBytes: number;

  constructor(options: S3StoreOptions) {
    this.client = options.client ?? createS3Client(options);
    this.bucket = options.bucket;
    this.prefix = options.keyPrefix ?? '';
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    if (value.byteLength >= this.multipartThresholdBytes) {
      await this.upload(key, value);
      return;
    }
    await this.run('put', key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: value, ContentLength: value.byteLength })));
  }

  async get(key: string): Promise<Uint8Array> {
    const response = await this.run('get', key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })));
    if (!response.Body) throw new NotFoundError(key);
    return response.Body.transformToByteArray();
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.size(key);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })));
  }

  async size(key: string): Promise<number> {
    const head = await this.run('size', key, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })));
    return head.ContentLength ?? 0;
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    await this.upload(key, chunks);
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    const response = await this.run('get', key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })));
    if (!response.Body) throw new NotFoundError(key);
    for await (const chunk of response.Body as AsyncIterable<Uint8Array>) yield chunk;
  }

  async deletePrefix(prefix: string): Promise<number> {
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.run('list', prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token, MaxKeys: 1000 })),
      );
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
      if (keys.length > 0) {
        await this.run('delete', prefix, () => this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } })));
        removed += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return removed;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async upload(key: string, body: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: this.prefix + key, Body: body as Uint8Array }, queueSize: 4 });
    await this.run('put', key, () => upload.done());
  }

  private async run<T>(what: string, key: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const name = (error as { name?: string })?.name;
      const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
      if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) throw new NotFoundError(key);
      const retryable = status === undefined || status >= 500 || status === 429 || name === 'SlowDown';
      throw new WukongError('STORE_FAILED', `s3://${this.bucket}/${this.prefix}${key}: ${what} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error, retryable });
    }
  }
}
