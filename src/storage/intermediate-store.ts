/**
 * Where task outputs (Arrow IPC bytes) live between executors. Adapters: memory/, redis/, s3/.
 * Keys are opaque strings chosen by the caller (the runtime uses `wk/{runId}/out/{taskId}`).
 */
export interface IntermediateStore {
  /** The store kind it was opened as (storage/store-kinds.ts), for transfer records. */
  readonly kind: string;
  /**
   * Whether a call of `method` on `key` settles without waiting on anything outside this thread (a
   * one-way post, a mark in shared memory). An executor's call bounds (runtime/store-bounds.ts) skip
   * their timer for such calls, as it costs more than the call. Absent: every call may wait.
   */
  settlesLocally?(method: string, key: string): boolean;
  put(key: string, value: Uint8Array): Promise<void>;
  /** Throws NotFoundError when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Size in bytes; throws NotFoundError when the key does not exist. */
  size(key: string): Promise<number>;
  /** Streams a large value in without holding it whole in memory where the adapter allows it. */
  putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /** Streams a stored value out in chunks. Throws NotFoundError when the key does not exist. */
  getStream(key: string): AsyncIterable<Uint8Array>;
  /** Removes every key starting with `prefix`; returns how many were removed. */
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}
