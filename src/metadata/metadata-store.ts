import type { MetadataHistory } from './metadata-history.js';
import type { MetadataRecord } from './records.js';

/**
 * Where metadata records live between runs. Adapters: memory (one process), file (JSON lines under
 * a directory; the CLI's default), Redis (capped lists; what Lambda executors write to).
 *
 * History is meant to outlive runs: no adapter expires records by default.
 */
export interface MetadataStore {
  /**
   * Appends a batch of records in one round trip (one write call, one Redis pipeline). Records are
   * validated first; an invalid one throws BadInputError and nothing of the batch is written.
   */
  append(records: readonly MetadataRecord[]): Promise<void>;
  /** Every stored record, grouped for the predictor; invalid stored entries are skipped and counted. */
  load(): Promise<MetadataHistory>;
  /** The distinct task keys with task records, sorted. */
  taskKeys(): Promise<string[]>;
  /**
   * Throws, naming the reason, when records could not be written here (a directory that is a file
   * or read-only, a Redis that refuses the connection or the password). Checked before a run, so
   * that a run whose metadata would be lost says so instead of finishing silently.
   */
  checkWritable(): Promise<void>;
  /** Removes every record. */
  clear(): Promise<void>;
  close(): Promise<void>;
}
