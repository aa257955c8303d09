import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../storage/s3/s3-intermediate-store.js';
import { describeLocation, type SourceLocation } from './source-location.js';
import { TableOpError } from './table-op-error.js';

let s3Client: S3Client | undefined;

/**
 * The S3 client of sources and sinks: AWS itself, or the local server that AWS_ENDPOINT_URL_S3
 * names, path-style, as the intermediate store's client is set up (src/cli/store-flags.ts,
 * lambda/handler-config.ts). Ops have no configuration channel of their own, and the variable is
 * the same one the AWS SDK reads, so the executor's process environment is the place to look.
 */
function sourceS3Client(): S3Client {
  // eslint-disable-next-line no-restricted-properties -- see above: the SDK's own endpoint variable
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  s3Client ??= createS3Client(endpoint ? { endpoint, forcePathStyle: true } : {});
  return s3Client;
}

/** A source as a local file the engine can open, the bytes fetched to get it, and how to let it go. */
export interface LocalSource {
  readonly path: string;
  /** Bytes fetched from S3 (0 for a local file: the reader counts what it reads). */
  readonly fetchedBytes: number;
  release(): Promise<void>;
}

/** Opens a source: a local file as is (it must exist), an S3 object fetched into a temporary file. */
export async function openSource(location: SourceLocation): Promise<LocalSource> {
  if (location.kind === 'file') {
    await sourceSize(location);
    return { path: location.path, fetchedBytes: 0, release: async () => {} };
  }
  const body = await s3Call(location, async (client) => {
    const response = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    if (!response.Body) throw new TableOpError(`${describeLocation(location)}: empty response`);
    return response.Body.transformToByteArray();
  });
  const directory = await mkdtemp(join(tmpdir(), 'wukong-source-'));
  const path = join(directory, basename(location.key));
  await writeFile(path, body);
  return { path, fetchedBytes: body.byteLength, release: () => rm(directory, { recursive: true, force: true }) };
}

/** The size of a source in bytes; a missing one is a TableOpError naming it. */
export async function sourceSize(location: SourceLocation): Promise<number> {
  if (location.kind === 'file') {
    try {
      const info = await stat(location.path);
      if (!info.isFile()) throw new TableOpError(`source ${location.path} is not a file`);
      return info.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TableOpError(`source ${location.path} does not exist`);
      throw error;
    }
  }
  return s3Call(location, async (client) => (await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }))).ContentLength ?? 0);
}

/** Reads a whole source into memory (Arrow IPC files): the bytes and their count. */
export async function readSourceBytes(location: SourceLocation): Promise<Uint8Array> {
  if (location.kind === 'file') {
    await sourceSize(location);
    return readFile(location.path);
  }
  const source = await openSource(location);
  try {
    return await readFile(source.path);
  } finally {
    await source.release();
  }
}

/** Writes bytes to a sink: a local file, or an S3 object. */
export async function writeSink(location: SourceLocation, bytes: Uint8Array): Promise<void> {
  if (location.kind === 'file') return writeFile(location.path, bytes);
  await s3Call(location, (client) => client.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: bytes, ContentLength: bytes.byteLength })));
}

async function s3Call<T>(location: SourceLocation & { kind: 's3' }, call: (client: S3Client) => Promise<T>): Promise<T> {
  try {
    return await call(sourceS3Client());
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') throw new TableOpError(`source ${describeLocation(location)} does not exist`);
    if (name === 'NoSuchBucket') throw new TableOpError(`bucket ${location.bucket} of ${describeLocation(location)} does not exist`);
    throw new TableOpError(`${describeLocation(location)}: ${(error as Error).message}`, { cause: error });
  }
}
