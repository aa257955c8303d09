import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Float64, Int32, Table, TimestampMicrosecond, Utf8, makeData, makeVector, tableFromIPC, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../../src/data/codec.js';
import type { Value } from '../../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../../src/ops/builtins.js';

const registry = createBuiltinRegistry();

async function run(op: string, inputs: Value[], args: unknown): Promise<Table> {
  const def = registry.get(op);
  const [out] = await def.run(inputs, def.args.parse(args));
  if (out?.kind !== 'table') throw new Error('not a table');
  return out.table;
}

/** Trips-like rows with a null fare, a dictionary column and timestamps. */
function trips(): Value {
  const table = new Table({
    id: vectorFromArray([1, 2, 3, 4, 5], new Int32()),
    zone: vectorFromArray([10, 20, 10, 30, 20], new Int32()),
    vendor: vectorFromArray(['a', 'b', 'a', null, 'b'], new Dictionary(new Utf8(), new Int32())),
    fare: vectorFromArray([5.5, null, 7.25, 3, 10], new Float64()),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: 5, nullCount: 0, data: new BigInt64Array([0n, 3_600_000_001n, 7_200_000_000n, 3_600_000_000n, 1n]) })),
  });
  return { kind: 'table', table };
}

const rows = (table: Table) => table.toArray().map((row) => ({ ...row.toJSON() }));

describe('table ops', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'table-ops-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('table.filter keeps rows where every predicate holds; nulls fail comparisons', async () => {
    const out = await run('table.filter', [trips()], { where: [{ column: 'fare', op: '>', value: 4 }, { column: 'vendor', op: 'is not null' }] });
    expect(rows(out).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['id', 'zone', 'vendor', 'fare', 'ts']);
    expect(rows(out).map((r) => r.vendor)).toEqual(['a', 'a', 'b']);
  });

  it('table.project keeps columns and derives new ones; timestamps keep microseconds', async () => {
    const out = await run('table.project', [trips()], { columns: ['id', 'ts', 'fare'], derive: [{ as: 'hour', sql: 'hour(ts)', uses: ['ts'] }] });
    expect(rows(out).map((r) => r.fare)).toEqual([5.5, null, 7.25, 3, 10]);
    expect(out.getChild('fare')!.nullCount).toBe(1);
    expect(rows(out).map((r) => r.hour)).toEqual([0n, 1n, 2n, 1n, 0n]); // hour() is int64
    expect((out.getChild('ts')!.data[0]!.values as BigInt64Array)[1]).toBe(3_600_000_001n);
  });

  it('table.aggregate groups in key order with count, sum and avg (nulls skipped)', async () => {
    const out = await run('table.aggregate', [trips()], { groupBy: ['zone'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'fare', as: 'total' }, { fn: 'avg', column: 'fare', as: 'mean' }] });
    expect(rows(out)).toEqual([
      { zone: 10, n: 2n, total: 12.75, mean: 6.375 },
      { zone: 20, n: 2n, total: 10, mean: 10 },
      { zone: 30, n: 1n, total: 3, mean: 3 },
    ]);
  });

  it('table.join joins on keys (inner and left) and drops the right keys', async () => {
    const zones: Value = { kind: 'table', table: new Table({ zone_id: vectorFromArray([10, 20], new Int32()), name: vectorFromArray(['north', 'south'], new Utf8()) }) };
    const inner = await run('table.join', [trips(), zones], { on: [{ left: 'zone', right: 'zone_id' }] });
    expect(inner.numRows).toBe(4);
    expect(inner.schema.fields.map((f) => f.name)).toEqual(['id', 'zone', 'vendor', 'fare', 'ts', 'name']);
    const left = await run('table.join', [trips(), zones], { on: [{ left: 'zone', right: 'zone_id' }], how: 'left' });
    expect(rows(left).find((r) => r.id === 4)?.name).toBeNull();
  });

  it('table.sql runs a query over named inputs; a syntax error names the engine message', async () => {
    const out = await run('table.sql', [trips()], { query: 'SELECT zone, max(fare) AS top FROM input0 GROUP BY zone ORDER BY top DESC LIMIT 1' });
    expect(rows(out)).toEqual([{ zone: 20, top: 10 }]);
    await expect(run('table.sql', [trips()], { query: 'SELEC 1' })).rejects.toThrow(/syntax error/i);
    await expect(run('table.filter', [trips()], { where: [{ column: 'nope', op: '=', value: 1 }] })).rejects.toThrow(/nope/);
  });

  it('table.sql reaches no file: read_text, glob and the file readers are refused, and access cannot be turned back on', async () => {
    for (const query of [
      "SELECT * FROM read_text('package.json')",
      "SELECT count(*) FROM glob('*')",
      "SELECT * FROM read_csv('package.json')",
      "SELECT * FROM input0, (SELECT count(*) FROM 'package.json')",
    ]) {
      await expect(run('table.sql', [trips()], { query }), query).rejects.toThrow(/file system operations are disabled/);
    }
    await expect(run('table.sql', [trips()], { query: 'SET enable_external_access = true' })).rejects.toThrow(/Cannot change configuration option/);
    // Queries over the inputs still run; and files named by table.write / table.read (their own
    // engine) are still reached in the same process.
    expect(rows(await run('table.sql', [trips()], { query: 'SELECT count(*)::INTEGER AS n FROM input0' }))).toEqual([{ n: 5 }]);
    const path = join(dir, 'after-sealed.csv');
    await run('table.write', [trips()], { target: path });
    const read = registry.get('table.read');
    const [value] = await read.run([], read.args.parse({ source: path, columns: ['id'] }));
    expect((value as { table: Table }).table.numRows).toBe(5);
  });

  it('table.concat shares the inputs record batches (zero-copy) and refuses different columns', async () => {
    const a = trips();
    const out = await run('table.concat', [a, trips()], {});
    expect(out.numRows).toBe(10);
    expect(out.getChild('fare')!.data[0]!.values).toBe((a as { table: Table }).table.getChild('fare')!.data[0]!.values);
    await expect(run('table.concat', [a, { kind: 'table', table: new Table({ x: vectorFromArray([1], new Int32()) }) }], {})).rejects.toThrow(/columns/);
  });

  it('table.write and table.read round-trip Parquet, CSV and Arrow with projection and filter', async () => {
    for (const ext of ['parquet', 'csv', 'arrow']) {
      const path = join(dir, `trips.${ext}`);
      await run('table.write', [trips()], { target: path });
      const def = registry.get('table.read');
      const [value] = await def.run([], def.args.parse({ source: path, columns: ['id', 'fare'], filter: [{ column: 'fare', op: '>=', value: 5 }] }));
      expect(value?.kind).toBe('table');
      const table = (value as { table: Table }).table;
      // CSV has no types: the engine infers int64 for the ids.
      expect(rows(table).map((r) => [Number(r.id), r.fare])).toEqual([[1, 5.5], [3, 7.25], [5, 10]]);
      expect((value as { sourceBytes?: number }).sourceBytes).toBeGreaterThan(0);
    }
  });

  it('table.read of Parquet counts only the projected columns chunks', async () => {
    const path = join(dir, 'wide.parquet');
    await run('table.write', [trips()], { target: path });
    const def = registry.get('table.read');
    const [all] = await def.run([], def.args.parse({ source: path }));
    const [one] = await def.run([], def.args.parse({ source: path, columns: ['id'] }));
    expect((one as { sourceBytes: number }).sourceBytes).toBeLessThan((all as { sourceBytes: number }).sourceBytes / 3);
  });

  it('table.read of a missing or malformed file fails naming it', async () => {
    const def = registry.get('table.read');
    await expect(def.run([], def.args.parse({ source: join(dir, 'missing.parquet') }))).rejects.toThrow(/does not exist/);
    const bad = join(dir, 'bad.parquet');
    await writeFile(bad, 'not parquet at all');
    await expect(def.run([], def.args.parse({ source: bad }))).rejects.toThrow(/bad\.parquet/);
  });

  it('tables survive the IPC codec with nulls and dictionaries', async () => {
    const out = await run('table.filter', [trips()], { where: [{ column: 'id', op: '<=', value: 4 }] });
    const back = decodeValue(encodeValue({ kind: 'table', table: out }));
    expect(back.kind).toBe('table');
    expect(rows((back as { table: Table }).table)).toEqual(rows(out));
    expect(tableFromIPC(encodeValue({ kind: 'table', table: out })).numRows).toBe(4);
  });
});
