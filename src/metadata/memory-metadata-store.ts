import { historyFromRecords, validateRecords, type MetadataHistory } from './metadata-history.js';
import type { MetadataStore } from './metadata-store.js';
import type { MetadataRecord } from './records.js';

/** Records in this process's memory: for tests and the embedded backend's single run. */
export class MemoryMetadataStore implements MetadataStore {
  private records: MetadataRecord[] = [];

  async append(records: readonly MetadataRecord[]): Promise<void> {
    // Validated copies: a caller mutating its objects later cannot change what was stored.
    this.records.push(...validateRecords(records));
  }

  async load(): Promise<MetadataHistory> {
    return historyFromRecords(this.records.map((record) => structuredClone(record)));
  }

  async taskKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const record of this.records) if (record.type === 'task') keys.add(record.taskKey);
    return [...keys].sort();
  }

  async clear(): Promise<void> {
    this.records = [];
  }

  async checkWritable(): Promise<void> {}

  async close(): Promise<void> {}
}
