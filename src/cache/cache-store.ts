/**
 * Where cache entries live: a directory, Redis or S3 (adapters in this folder). Names are
 * `e/<key>.<output>` for results and `n/<hash>` for the notes that explain a miss. Every write of
 * a result is put-if-absent: results are content-addressed, so the first complete write wins and a
 * concurrent writer of the same key loses nothing.
 */
export interface CacheStore {
  /** `dir:/path`, `redis://host:port/...` (no password) or `s3://bucket/prefix`, for messages. */
  readonly location: string;
  get(name: string): Promise<Uint8Array | undefined>;
  /** Writes unless `name` exists; true when this call wrote it. Readers never see a partial write. */
  putIfAbsent(name: string, bytes: Uint8Array): Promise<boolean>;
  /** Writes or replaces (notes only). */
  put(name: string, bytes: Uint8Array): Promise<void>;
  delete(name: string): Promise<void>;
  /** Every entry with its size and when it was last written or used (where the store tells). */
  list(): Promise<CacheListing[]>;
  close(): Promise<void>;
}

export interface CacheListing {
  readonly name: string;
  readonly bytes: number;
  /** Milliseconds since the epoch: last use (directory, Redis) or last write (S3). */
  readonly usedAt: number;
}

export const entryName = (key: string, output: number): string => `e/${key}.${output}`;
export const noteName = (hash: string): string => `n/${hash}`;
