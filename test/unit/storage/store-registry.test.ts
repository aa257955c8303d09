import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransferRecordSchema } from '../../../src/metadata/records.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { StoreConfigSchema, usesMainThreadMemory } from '../../../src/runtime/store-config.js';
import { createExecutorStores } from '../../../src/runtime/store-factory.js';
import type { IntermediateStore } from '../../../src/storage/intermediate-store.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { STORE_KINDS } from '../../../src/storage/store-kinds.js';
import type { StoreKindDefinition } from '../../../src/storage/store-registry.js';
import { runInProcess } from '../../helpers/in-process-run.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * A store kind added the way the architecture says a new one is (a definition plus one
 * registration): "ledger", an in-memory store that counts what passes through it per `label`.
 */
const LedgerConfigSchema = z.object({ kind: z.literal('ledger'), label: z.string().min(1) }).strict();
const ledgers = new Map<string, { puts: number; gets: number }>();

function ledgerStore(label: string, ttlSeconds: number): IntermediateStore {
  const inner = new MemoryIntermediateStore({ ttlSeconds });
  const counts = { puts: 0, gets: 0 };
  ledgers.set(label, counts);
  return {
    kind: 'ledger',
    put: (key, value) => ((counts.puts += 1), inner.put(key, value)),
    get: (key) => ((counts.gets += 1), inner.get(key)),
    has: (key) => inner.has(key),
    delete: (key) => inner.delete(key),
    size: (key) => inner.size(key),
    putStream: (key, chunks) => inner.putStream(key, chunks),
    getStream: (key) => inner.getStream(key),
    deletePrefix: (prefix) => inner.deletePrefix(prefix),
    close: () => inner.close(),
  };
}

const ledgerKind: StoreKindDefinition<z.infer<typeof LedgerConfigSchema>> = {
  kind: 'ledger',
  configSchema: LedgerConfigSchema,
  openIntermediate: async (config, { ttlSeconds }) => ledgerStore(config.label, ttlSeconds),
};

beforeAll(() => {
  STORE_KINDS.register(ledgerKind);
});
afterAll(() => {
  STORE_KINDS.unregister('ledger');
});

const config = (intermediate: unknown, coordinator: unknown = { kind: 'memory' }) => StoreConfigSchema.safeParse({ coordinator, intermediate, ttlSeconds: 60 });

describe('store registry: a new store kind is one definition and one registration', () => {
  it('its configs are validated by its own schema, with paths, and listed in errors', () => {
    expect(config({ kind: 'ledger', label: 'a' }).success).toBe(true);
    const missing = config({ kind: 'ledger' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['intermediate', 'label']);
    const unknown = config({ kind: 'nope' });
    expect(unknown.error?.issues[0]?.message).toBe('no intermediate store kind "nope"; registered: memory, redis, s3, ledger');
    // It registered no coordinator: it cannot coordinate.
    expect(config({ kind: 'memory' }, { kind: 'ledger', label: 'a' }).error?.issues[0]?.message).toMatch(/no coordinator store kind "ledger"; registered: memory, redis$/);
    // Built-in kinds keep their rules.
    expect(config({ kind: 's3', bucket: 'Bad_Bucket' }).error?.issues[0]?.path).toEqual(['intermediate', 'bucket']);
    expect(config({ kind: 'redis', url: 'http://x' }).error?.issues[0]?.path).toEqual(['intermediate', 'url']);
  });

  it('runs a DAG end to end: opened by the factory, every stored output goes through it', async () => {
    const parsed = config({ kind: 'ledger', label: 'run' });
    if (!parsed.success) throw parsed.error;
    expect(usesMainThreadMemory(parsed.data)).toBe(true); // the memory coordinator
    const host = { store: new MemoryIntermediateStore(), coordinator: new MemoryCoordinator() };
    const { store, coordinator } = await createExecutorStores(parsed.data, host);
    expect(store.kind).toBe('ledger');
    // The host's memory coordinator, behind the executor store-call bounds (runtime/store-bounds.ts).
    await coordinator.setValue('probe', '1');
    expect(await host.coordinator.getValue('probe')).toBe('1');

    // A diamond whose 5,000-byte outputs exceed the inline budget: they travel through the store.
    const spec: DagSpec = {
      name: 'diamond',
      tasks: [
        { id: 'a', op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 } },
        { id: 'b', op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 }, deps: ['a'] },
        { id: 'c', op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 }, deps: ['a'] },
        { id: 'd', op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 }, deps: ['b', 'c'] },
      ],
    };
    const wukong = { ...DEFAULT_WUKONG_OPTIONS, fanOutClustering: false, fanInClustering: false, delayedIo: false, thresholdBytes: 1_000_000, inlineBudgetBytes: 1_000 };
    const ops = createBuiltinRegistry();
    const outcome = await runInProcess(spec, { store, coordinator, ops, wukong });
    await store.close();
    await host.coordinator.close();

    expect(outcome.failure).toBeUndefined();
    await expectReferenceOutputs(runDagFromSpec(spec), outcome.outputs, ops);
    // a's output reaches the executor invoked for its second child by key, and the fan-in d reads
    // the other parent's output by key: both went through the ledger.
    const ledger = ledgers.get('run')!;
    expect(ledger.puts).toBeGreaterThan(0);
    expect(ledger.gets).toBeGreaterThan(0);
    // Its transfers are recordable metadata like any built-in kind's.
    expect(TransferRecordSchema.safeParse({ type: 'transfer', runId: outcome.runId, store: 'ledger', direction: 'put', bytes: 5000, ms: 1, at: 1 }).success).toBe(true);
  });

  it('refuses a second kind of the same name', () => {
    expect(() => STORE_KINDS.register({ ...ledgerKind })).toThrow(/already registered/);
  });
});
