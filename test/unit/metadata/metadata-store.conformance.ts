import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import type { MetadataStore } from '../../../src/metadata/metadata-store.js';
import type { MetadataRecord } from '../../../src/metadata/records.js';
import { invokeRecord, poolRecord, taskRecord, transferRecord } from './record-fixtures.js';

/**
 * The contract every MetadataStore adapter keeps (memory, file, Redis run this same body).
 * `open` returns an empty store, fresh for each test.
 */
export function describeMetadataStoreConformance(name: string, open: () => Promise<MetadataStore>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    const withStore = async (test: (store: MetadataStore) => Promise<void>): Promise<void> => {
      const store = await open();
      try {
        await test(store);
      } finally {
        await store.close();
      }
    };

    it('loads nothing from an empty store', () =>
      withStore(async (store) => {
        expect(await store.load()).toEqual({ tasks: [], transfers: [], invokes: [], pools: [], skipped: 0 });
        expect(await store.taskKeys()).toEqual([]);
      }));

    it('loads every appended record, grouped by type, in order', () =>
      withStore(async (store) => {
        const first: MetadataRecord[] = [
          taskRecord({ taskId: 'a', taskKey: 'k1', at: 1 }),
          transferRecord({ store: 'redis', direction: 'put', at: 2 }),
          invokeRecord({ tier: 512, at: 3 }),
          poolRecord({ runId: 'run-2', at: 4 }),
        ];
        const second: MetadataRecord[] = [taskRecord({ taskId: 'b', taskKey: 'k2', at: 4 }), taskRecord({ taskId: 'a', taskKey: 'k1', execMs: 12, at: 5 })];
        await store.append(first);
        await store.append(second);
        const history = await store.load();
        expect(history.tasks).toEqual([first[0], second[0], second[1]]);
        expect(history.transfers).toEqual([first[1]]);
        expect(history.invokes).toEqual([first[2]]);
        expect(history.pools).toEqual([first[3]]);
        expect(history.skipped).toBe(0);
        expect(await store.taskKeys()).toEqual(['k1', 'k2']);
      }));

    it('refuses an invalid record and writes nothing of its batch', () =>
      withStore(async (store) => {
        const bad = { ...taskRecord(), execMs: -1 } as MetadataRecord;
        await expect(store.append([taskRecord({ taskId: 'ok' }), bad])).rejects.toThrow(BadInputError);
        await expect(store.append([taskRecord({ taskId: 'ok' }), bad])).rejects.toThrow(/metadata record 1: execMs/);
        expect((await store.load()).tasks).toEqual([]);
      }));

    it('appending an empty batch is a no-op', () =>
      withStore(async (store) => {
        await store.append([]);
        expect((await store.load()).tasks).toEqual([]);
      }));

    it('clear removes everything, and the store takes records again afterwards', () =>
      withStore(async (store) => {
        await store.append([taskRecord(), transferRecord(), invokeRecord(), poolRecord()]);
        await store.clear();
        expect(await store.load()).toEqual({ tasks: [], transfers: [], invokes: [], pools: [], skipped: 0 });
        expect(await store.taskKeys()).toEqual([]);
        await store.append([taskRecord({ taskKey: 'after' })]);
        expect(await store.taskKeys()).toEqual(['after']);
      }));

    it('stores copies: changing an appended object later changes nothing stored', () =>
      withStore(async (store) => {
        const record = taskRecord({ execMs: 5 });
        await store.append([record]);
        record.execMs = 999;
        expect((await store.load()).tasks[0]?.execMs).toBe(5);
      }));
  });
}
