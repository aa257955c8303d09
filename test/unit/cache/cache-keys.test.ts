import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, ENTRY_HEADER_BYTES } from '../../../src/cache/cache-entry.js';
import { missReason, taskCacheKeys, type KeyedOp, type TaskKey } from '../../../src/cache/cache-keys.js';
import { parseCacheLocation } from '../../../src/cache/cache-location.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';

/** a, b -> ab -> top; c -> top (c's op is `rand`, not deterministic, in some tests). */
const spec = (overrides: { aSeed?: number; argsOrder?: boolean } = {}): DagSpec => ({
  name: 'keys',
  tasks: [
    { id: 'a', op: 'gen', args: overrides.argsOrder ? { seed: overrides.aSeed ?? 1, rows: 2 } : { rows: 2, seed: overrides.aSeed ?? 1 } },
    { id: 'b', op: 'gen', args: { rows: 2, seed: 2 } },
    { id: 'ab', op: 'mul', deps: ['a', 'b'] },
    { id: 'c', op: 'gen', args: { rows: 2, seed: 3 } },
    { id: 'top', op: 'add', deps: ['ab', 'c'] },
  ],
});

const ops = (versions: Record<string, string> = {}, nondeterministic: string[] = []) => (op: string): KeyedOp => ({ version: versions[op] ?? 'builtin@1', deterministic: !nondeterministic.includes(op) });
const keyOf = (keys: Map<string, TaskKey>, id: string): string => {
  const key = keys.get(id);
  if (!key?.cacheable) throw new Error(`${id} has no key`);
  return key.key;
};
const changed = (a: Map<string, TaskKey>, b: Map<string, TaskKey>) => [...a.keys()].filter((id) => keyOf(a, id) !== keyOf(b, id)).sort();

describe('result cache keys', () => {
  it('are stable for the same DAG and independent of the order of args keys', () => {
    const first = taskCacheKeys(runDagFromSpec(spec()), ops());
    expect(changed(first, taskCacheKeys(runDagFromSpec(spec()), ops()))).toEqual([]);
    expect(changed(first, taskCacheKeys(runDagFromSpec(spec({ argsOrder: true })), ops()))).toEqual([]);
    expect(new Set([...first.values()].map((k) => (k.cacheable ? k.key : ''))).size).toBe(5);
  });

  it('change for a task whose args changed and for exactly its descendants', () => {
    const before = taskCacheKeys(runDagFromSpec(spec()), ops());
    const after = taskCacheKeys(runDagFromSpec(spec({ aSeed: 9 })), ops());
    expect(changed(before, after)).toEqual(['a', 'ab', 'top']);
  });

  it('change with the op version (user module code) for its tasks and their descendants only', () => {
    const before = taskCacheKeys(runDagFromSpec(spec()), ops({ mul: 'user:aaa' }));
    const after = taskCacheKeys(runDagFromSpec(spec()), ops({ mul: 'user:bbb' }));
    expect(changed(before, after)).toEqual(['ab', 'top']);
  });

  it('change with a source\'s data identity', () => {
    const before = taskCacheKeys(runDagFromSpec(spec()), ops(), new Map([['c', 'file:10:1000']]));
    const after = taskCacheKeys(runDagFromSpec(spec()), ops(), new Map([['c', 'file:10:2000']]));
    expect(changed(before, after)).toEqual(['c', 'top']);
  });

  it('are absent for a non-deterministic op and everything downstream of it', () => {
    const dag = runDagFromSpec({ tasks: [...spec().tasks.filter((t) => t.id !== 'c'), { id: 'c', op: 'rand' }] });
    const keys = taskCacheKeys(dag, ops({}, ['rand']));
    expect(keys.get('c')).toEqual({ cacheable: false, reason: 'op rand is not deterministic' });
    expect(keys.get('top')).toMatchObject({ cacheable: false, reason: expect.stringContaining('input c') });
    expect(keys.get('ab')?.cacheable).toBe(true);
  });

  it('explain a miss from the parts the previous run stored', () => {
    const parts = (id: string, dagSpec = spec(), versions = {}) => {
      const key = taskCacheKeys(runDagFromSpec(dagSpec), ops(versions)).get(id);
      if (!key?.cacheable) throw new Error('no key');
      return key.parts;
    };
    expect(missReason(parts('a'), undefined)).toBe('new task');
    expect(missReason(parts('a', spec({ aSeed: 9 })), parts('a'))).toBe('args changed');
    expect(missReason(parts('ab', spec({ aSeed: 9 })), parts('ab'), ['a', 'b'])).toBe('input changed (a)');
    expect(missReason(parts('ab', spec(), { mul: 'user:x' }), parts('ab'))).toBe('op code changed');
    expect(missReason(parts('a'), parts('a'))).toMatch(/^no entry/);
  });
});

describe('result cache entries', () => {
  const payload = new Uint8Array(Array.from({ length: 1000 }, (_, i) => i % 251));

  it('round-trip with a length and hash header and an aligned payload', () => {
    const entry = encodeEntry(payload);
    expect(entry.byteLength).toBe(ENTRY_HEADER_BYTES + payload.byteLength);
    const decoded = decodeEntry(entry);
    expect(decoded.ok && [...decoded.payload]).toEqual([...payload]);
    expect(decoded.ok && decoded.payload.byteOffset % 8).toBe(0);
  });

  it('refuse a truncated, an altered or a headerless entry', () => {
    const entry = encodeEntry(payload);
    expect(decodeEntry(entry.subarray(0, entry.byteLength - 1))).toEqual({ ok: false, problem: 'truncated: 999 of 1000 bytes' });
    const altered = Uint8Array.from(entry);
    altered[ENTRY_HEADER_BYTES + 5] = (altered[ENTRY_HEADER_BYTES + 5]! + 1) % 256;
    expect(decodeEntry(altered)).toEqual({ ok: false, problem: 'content does not match its hash' });
    expect(decodeEntry(payload)).toEqual({ ok: false, problem: 'no entry header' });
  });
});

describe('cache locations', () => {
  it('parse a directory, Redis and S3, and refuse other schemes', () => {
    expect(parseCacheLocation('/tmp/c')).toEqual({ kind: 'dir', path: '/tmp/c' });
    expect(parseCacheLocation('redis://127.0.0.1:7000')).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:7000' });
    expect(parseCacheLocation('s3://bucket/some/prefix')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'some/prefix/' });
    expect(() => parseCacheLocation('ftp://x')).toThrow(/unknown scheme/);
    expect(() => parseCacheLocation('s3:///x')).toThrow(/no bucket/);
  });
});
