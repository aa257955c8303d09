import { mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeLocation, type SourceLocation } from './source-location.js';
import { TableOpError } from './table-op-error.js';

/** One client per endpoint (tests point the variable at a fresh local server). */
const s3Clients = new Map<string, S3Client>();

/**
 * The S3 client of sources and sinks: AWS itself, or the local server that AWS_ENDPOINT_URL_S3
 * names, path-style, as the intermediate store's client is set up (src/cli/store-flags.ts,
 * lambda/handler-config.ts). Ops have no configuration channel of their own, and the variable is
 * the same one the AWS SDK reads, so the executor's process environment is the place to look.
 */
async function sourceS3Client(): Promise<S3Client> {
  // eslint-disable-next-line no-restricted-properties -- see above: the SDK's own endpoint variable
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  let client = s3Clients.get(endpoint ?? '');
  if (!client) {
    // Loaded on the first S3 source: executors of matrix or file-only runs never load the AWS SDK.
    const { createS3Client } = await import('../../storage/s3/s3-intermediate-store.js');
    s3Clients.set(endpoint ?? '', (client = createS3Client(endpoint ? { endpoint, forcePathStyle: true } : {})));
  }
  return client;
}

/** The SDK's command classes, loaded with the first S3 call (see sourceS3Client). */
type S3Sdk = typeof import('@aws-sdk/client-s3');

/** A source as a local file the engine can open, the bytes fetched to get it, and how to let it go. */
export interface LocalSource {
  readonly path: string;
  /** Bytes fetched from S3 (0 for a local file: the reader counts what it reads). */
  readonly fetchedBytes: number;
  release(): Promise<void>;
}

/**
 * What of a Parquet object in S3 to fetch: its footer only (schema), or the column chunks a read
 * needs (`chunks` picks them from the footer's list). Absent: the whole object.
 */
export interface ParquetFetch {
  readonly footerOnly?: boolean;
  readonly chunks?: (footerFile: string) => Promise<readonly { offset: number; bytes: number }[]>;
}

/**
 * Opens a source: a local file as is (it must exist); an S3 object fetched into a temporary file,
 * whole, or for Parquet (`parquet`) as a sparse file holding only the footer and the column
 * chunks asked for, which is all the engine reads of it.
 */
export async function openSource(location: SourceLocation, parquet?: ParquetFetch): Promise<LocalSource> {
  if (location.kind === 'file') {
    await sourceSize(location);
    return { path: location.path, fetchedBytes: 0, release: async () => {} };
  }
  const directory = await mkdtemp(join(tmpdir(), 'wukong-source-'));
  const release = () => rm(directory, { recursive: true, force: true });
  const path = join(directory, basename(location.key));
  try {
    if (parquet) return { path, fetchedBytes: await fetchParquetParts(location, path, parquet), release };
    const body = await getRange(location, undefined);
    await writeFile(path, body.bytes);
    return { path, fetchedBytes: body.bytes.byteLength, release };
  } catch (error) {
    await release();
    throw error;
  }
}

const PARQUET_MAGIC = 'PAR1';
/** A Parquet file ends with its footer's length (4 bytes, little-endian) and the magic. */
const PARQUET_TAIL_BYTES = 8;

async function fetchParquetParts(location: SourceLocation & { kind: 's3' }, path: string, parquet: ParquetFetch): Promise<number> {
  // The size first, then explicit ranges: not every S3 server takes suffix ranges (bytes=-8).
  const size = await sourceSize(location);
  if (size < PARQUET_TAIL_BYTES + PARQUET_MAGIC.length) throw new TableOpError(`${describeLocation(location)} is not a Parquet file (${size} bytes)`);
  const tail = await getRange(location, `bytes=${size - PARQUET_TAIL_BYTES}-${size - 1}`);
  const tailBytes = Buffer.from(tail.bytes);
  if (tailBytes.byteLength !== PARQUET_TAIL_BYTES || tailBytes.toString('latin1', 4) !== PARQUET_MAGIC) throw new TableOpError(`${describeLocation(location)} is not a Parquet file (no PAR1 at its end: ${tailBytes.byteLength} bytes ${JSON.stringify(tailBytes.subarray(0, 16).toString('latin1'))} of ${size})`);
  const footerLength = tailBytes.readUInt32LE(0);
  const footerStart = size - PARQUET_TAIL_BYTES - footerLength;
  if (footerStart < PARQUET_MAGIC.length) throw new TableOpError(`${describeLocation(location)} is not a Parquet file (footer of ${footerLength} bytes in ${size})`);
  const footer = await getRange(location, `bytes=${footerStart}-${size - 1}`);
  const file = await open(path, 'w');
  let fetched = tail.bytes.byteLength + footer.bytes.byteLength;
  try {
    // A sparse file of the object's size: the magic, the footer, and (below) the chunks read.
    await file.truncate(size);
    await file.write(Buffer.from(PARQUET_MAGIC, 'latin1'), 0, PARQUET_MAGIC.length, 0);
    await file.write(footer.bytes, 0, footer.bytes.byteLength, footerStart);
    if (!parquet.footerOnly && parquet.chunks) {
      for (const range of mergeRanges(await parquet.chunks(path))) {
        const part = await getRange(location, `bytes=${range.offset}-${range.offset + range.bytes - 1}`);
        await file.write(part.bytes, 0, part.bytes.byteLength, range.offset);
        fetched += part.bytes.byteLength;
      }
    }
  } finally {
    await file.close();
  }
  return fetched;
}

/** Byte ranges sorted, with touching or overlapping ones merged (fewer requests). */
function mergeRanges(ranges: readonly { offset: number; bytes: number }[]): { offset: number; bytes: number }[] {
  const merged: { offset: number; bytes: number }[] = [];
  for (const range of [...ranges].sort((a, b) => a.offset - b.offset)) {
    const last = merged.at(-1);
    if (last && range.offset <= last.offset + last.bytes) last.bytes = Math.max(last.bytes, range.offset + range.bytes - last.offset);
    else merged.push({ ...range });
  }
  return merged;
}

async function getRange(location: SourceLocation & { kind: 's3' }, range: string | undefined): Promise<{ bytes: Uint8Array }> {
  return s3Call(location, async (client, { GetObjectCommand }) => {
    const response = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...(range ? { Range: range } : {}) }));
    if (!response.Body) throw new TableOpError(`${describeLocation(location)}: empty response`);
    return { bytes: await response.Body.transformToByteArray() };
  });
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
  return s3Call(location, async (client, { HeadObjectCommand }) => (await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }))).ContentLength ?? 0);
}

/**
 * What identifies a source's data for the result cache: a file's size and modification time, an
 * S3 object's ETag. A changed source changes the key of its read and of everything downstream.
 */
export async function sourceIdentity(location: SourceLocation): Promise<string> {
  if (location.kind === 'file') {
    await sourceSize(location);
    const info = await stat(location.path);
    return `file:${info.size}:${info.mtimeMs}`;
  }
  return s3Call(location, async (client, { HeadObjectCommand }) => `s3:${(await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }))).ETag ?? ''}`);
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

/**
 * Writes bytes to a sink: a local file (written beside it, then renamed, so a reader never sees
 * half a file), or an S3 object (a PUT is atomic).
 */
export async function writeSink(location: SourceLocation, bytes: Uint8Array): Promise<void> {
  if (location.kind === 'file') {
    const partial = `${location.path}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(partial, bytes);
    return rename(partial, location.path);
  }
  await s3Call(location, (client, { PutObjectCommand }) => client.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: bytes, ContentLength: bytes.byteLength })));
}

async function s3Call<T>(location: SourceLocation & { kind: 's3' }, call: (client: S3Client, sdk: S3Sdk) => Promise<T>): Promise<T> {
  try {
    return await call(await sourceS3Client(), await import('@aws-sdk/client-s3'));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') throw new TableOpError(`source ${describeLocation(location)} does not exist`);
    if (name === 'NoSuchBucket') throw new TableOpError(`bucket ${location.bucket} of ${describeLocation(location)} does not exist`);
    throw new TableOpError(`${describeLocation(location)}: ${(error as Error).message}`, { cause: error });
  }
}
