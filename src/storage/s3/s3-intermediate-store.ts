import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError, WukongError } from '../../model/errors.js';
import type { IntermediateStore } from '../intermediate-store.js';
import { toStoreError } from './s3-errors.js';
import { quietSdkNodeVersionNotice } from '../aws-sdk-node-notice.js';

export interface S3ClientOptions {
  /** A local S3 server (the CLI passes AWS_ENDPOINT_URL_S3); absent: AWS itself. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Bucket in the path, not the host name; defaults to true when an endpoint is given. */
  readonly forcePathStyle?: boolean;
  /** Static keys (a local server's); absent: the SDK's default chain (env, profile, role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per request, first included, by the SDK's standard retry strategy. Default DEFAULT_S3_MAX_ATTEMPTS. */
  readonly maxAttempts?: number;
}

export interface S3StoreOptions extends S3ClientOptions {
  readonly bucket: string;
  /** Prepended to every key (e.g. a tenant or environment). */
  readonly keyPrefix?: string;
  /** A client to share; the store then leaves closing it to the caller. */
  readonly client?: S3Client;
  /** put() of values at least this large uploads in parts (lib-storage). Default 8 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Part size of multipart uploads; S3's minimum is 5 MiB. Default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Keys listed and deleted per request by deletePrefix: 1 to 1,000 (S3's maximum, the default). */
  readonly keysPerPage?: number;
}

const MIB = 1024 * 1024;
const DEFAULT_MULTIPART_THRESHOLD_BYTES = 8 * MIB;
const DEFAULT_PART_SIZE_BYTES = 8 * MIB;
/** S3 rejects parts under 5 MiB (except the last). */
const MIN_PART_SIZE_BYTES = 5 * MIB;
/** Parts in flight at once per upload: memory held is about this times the part size. */
const UPLOAD_QUEUE_SIZE = 4;
/** ListObjectsV2 and DeleteObjects both take at most 1,000 keys per call. */
const MAX_KEYS_PER_PAGE = 1000;

/**
 * Attempts per S3 request (the SDK's default is 3). The SDK's "standard" retry strategy retries
 * throttling (503 SlowDown, 429), 5xx, and transient socket errors (ECONNRESET, EPIPE, timeouts)
 * with exponential backoff and full jitter: delay = random(0, base * 2^retry), base 1 s for
 * throttling and 50 ms otherwise, capped at 20 s, limited by a per-client retry quota (500
 * tokens; 5 per throttling retry, 14 per other retry, refunded on success) so a dead endpoint
 * stops costing retries. Six attempts ride out a 20 % fault rate (0.2^6 = 6e-5 per request)
 * within about 30 s of backoff at worst; the run's deadline bounds everything above that.
 */
export const DEFAULT_S3_MAX_ATTEMPTS = 6;
/** A TCP connect slower than this fails the attempt (and is retried). */
export const S3_CONNECTION_TIMEOUT_MS = 5_000;
/** A request whose socket is idle this long fails the attempt (and is retried): no request hangs. */
export const S3_REQUEST_TIMEOUT_MS = 30_000;

/**
 * An S3 client as this project needs it. Checksums only WHEN_REQUIRED: with the SDK's default,
 * local servers such as s3rver store streamed bodies with the aws-chunked framing, silently.
 * Retry mode and attempts are explicit (see DEFAULT_S3_MAX_ATTEMPTS); the SDK does not retry a
 * response body that breaks off after the headers, which getBody/getStream handle themselves.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  quietSdkNodeVersionNotice();
  return new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? DEFAULT_S3_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: S3_CONNECTION_TIMEOUT_MS, requestTimeout: S3_REQUEST_TIMEOUT_MS },
  });
}

/** Intermediates as S3 objects; multipart above a threshold; deletePrefix in pages of 1,000. */
export class S3IntermediateStore implements IntermediateStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly multipartThresholdBytes: number;
  private readonly partSizeBytes: number;
  private readonly keysPerPage: number;

  constructor(options: S3StoreOptions) {
    if (!options.bucket) throw new WukongError('BAD_INPUT', 'S3 store: bucket is required');
    const partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
    if (!Number.isSafeInteger(partSizeBytes) || partSizeBytes < MIN_PART_SIZE_BYTES) {
      throw new WukongError('BAD_INPUT', `S3 store: partSizeBytes must be an integer >= ${MIN_PART_SIZE_BYTES} (S3's minimum part), got ${partSizeBytes}`);
    }
    const keysPerPage = options.keysPerPage ?? MAX_KEYS_PER_PAGE;
    if (!Number.isSafeInteger(keysPerPage) || keysPerPage < 1 || keysPerPage > MAX_KEYS_PER_PAGE) {
      throw new WukongError('BAD_INPUT', `S3 store: keysPerPage must be an integer from 1 to ${MAX_KEYS_PER_PAGE}, got ${keysPerPage}`);
    }
    this.keysPerPage = keysPerPage;
    this.client = options.client ?? createS3Client(options);
    this.ownsClient = options.client === undefined;
    this.bucket = options.bucket;
    this.keyPrefix = options.keyPrefix ?? '';
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
    this.partSizeBytes = partSizeBytes;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    if (value.byteLength >= this.multipartThresholdBytes) {
      await this.upload(key, value);
      return;
    }
    await this.send('put', key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: value, ContentLength: value.byteLength })),
    );
  }

  /**
   * The whole object in one 8-byte aligned buffer, so the codec can view it without copying. A
   * body that breaks off mid-way (a reset after the headers, which the SDK does not retry) is
   * fetched again, with backoff, up to BODY_READ_ATTEMPTS times.
   */
  async get(key: string): Promise<Uint8Array> {
    return retryBrokenBody(async () => {
      const response = await this.send('get', key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
      if (!response.Body) throw new NotFoundError(key);
      try {
        return await collectBody(response.Body as AsyncIterable<Uint8Array>, response.ContentLength, this.where(key));
      } catch (error) {
        throw new BrokenBodyError(toStoreError(error, key, 'get (body)', this.where(key)));
      }
    });
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

  /** Deleting an absent key succeeds (S3 semantics). */
  async delete(key: string): Promise<void> {
    await this.send('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
  }

  async size(key: string): Promise<number> {
    const head = await this.send('head', key, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
    return head.ContentLength ?? 0;
  }

  /** Holds at most UPLOAD_QUEUE_SIZE parts in memory, whatever the total size. */
  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    // lib-storage takes Node Readables, not bare async iterables.
    await this.upload(key, Readable.from(chunks, { objectMode: false }));
  }

  /**
   * Streams the object. A body that breaks off is resumed where it stopped with a ranged GET, up
   * to BODY_READ_ATTEMPTS - 1 times, with backoff. Intermediates are written once (a duplicate
   * task writes identical bytes), so the resumed range belongs to the same value.
   */
  async *getStream(key: string): AsyncIterable<Uint8Array> {
    let offset = 0;
    for (let attempt = 1; ; attempt += 1) {
      const range = offset > 0 ? `bytes=${offset}-` : undefined;
      const response = await this.send('get', key, () =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), ...(range ? { Range: range } : {}) })),
      );
      if (!response.Body) throw new NotFoundError(key);
      try {
        for await (const chunk of response.Body as AsyncIterable<Uint8Array>) {
          offset += chunk.byteLength;
          yield chunk;
        }
        return;
      } catch (error) {
        const failure = toStoreError(error, key, 'get (stream)', this.where(key));
        if (!failure.retryable || attempt >= BODY_READ_ATTEMPTS) throw failure;
        await sleep(backoffMs(attempt));
      }
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let removed = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.send('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.objectKey(prefix), ContinuationToken: continuationToken, MaxKeys: this.keysPerPage }),
        ),
      );
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
      if (objects.length > 0) {
        const result = await this.send('delete (batch)', prefix, () =>
          this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } })),
        );
        const failures = result.Errors ?? [];
        if (failures.length > 0) {
          const first = failures[0];
          throw new WukongError('STORE_FAILED', `${this.where(prefix)}*: ${failures.length} of ${objects.length} deletes failed (${first?.Key}: ${first?.Code} ${first?.Message})`, {
            retryable: true,
          });
        }
        removed += objects.length;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return removed;
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private objectKey(key: string): string {
    return this.keyPrefix + key;
  }

  private where(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  private async upload(key: string, body: Uint8Array | Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: body },
      partSize: this.partSizeBytes,
      queueSize: UPLOAD_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await this.send('put (multipart)', key, () => upload.done());
  }

  private async send<T>(what: string, key: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw toStoreError(error, key, what, this.where(key));
    }
  }
}

/** Response bodies that break off are read again this many times in all (the SDK retried the request itself). */
export const BODY_READ_ATTEMPTS = 4;
const BODY_RETRY_BASE_MS = 100;
const BODY_RETRY_CAP_MS = 2_000;

/** Full jitter (AWS's recommendation): a random delay up to base * 2^(attempt - 1), capped. */
function backoffMs(attempt: number): number {
  return Math.floor(Math.random() * Math.min(BODY_RETRY_BASE_MS * 2 ** (attempt - 1), BODY_RETRY_CAP_MS));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A body that broke off after the SDK had returned the response: ours to retry. */
class BrokenBodyError extends Error {
  constructor(readonly failure: WukongError) {
    super(failure.message);
  }
}

/** Runs `read` again when its body broke off with a retryable error; request-level failures (already retried by the SDK) pass through. */
async function retryBrokenBody<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof BrokenBodyError)) throw error;
      if (!error.failure.retryable || attempt >= BODY_READ_ATTEMPTS) throw error.failure;
      await sleep(backoffMs(attempt));
    }
  }
}

/**
 * Reads a response body into one buffer. With a known length the chunks are copied once into a
 * fresh (hence 8-byte aligned) array; Buffer.concat could land in Node's shared pool instead.
 */
async function collectBody(body: AsyncIterable<Uint8Array>, contentLength: number | undefined, where: string): Promise<Uint8Array> {
  if (contentLength === undefined) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      chunks.push(chunk);
      total += chunk.byteLength;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
  const out = new Uint8Array(contentLength);
  let offset = 0;
  for await (const chunk of body) {
    if (offset + chunk.byteLength > contentLength) throw new WukongError('STORE_FAILED', `${where}: body longer than its Content-Length ${contentLength}`, { retryable: true });
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== contentLength) throw new WukongError('STORE_FAILED', `${where}: body ended at ${offset} of ${contentLength} bytes`, { retryable: true });
  return out;
}
