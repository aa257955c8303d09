import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dag } from '../../../../src/dag/dag.js';
import { describeDagTasks } from '../../../../src/metadata/dag-descriptors.js';
import type { DagSpec } from '../../../../src/model/dag-schema.js';
import { createBuiltinRegistry } from '../../../../src/ops/builtins.js';
import type { OpCost } from '../../../../src/ops/op-definition.js';
import { OpRegistry } from '../../../../src/ops/registry.js';
import { encodeTable, tableReadWithSources } from '../../../../src/ops/table/read-write-ops.js';
import { inspectTableSources } from '../../../../src/ops/table/source-schema.js';
import { DEFAULT_DISTINCT_VALUES, DERIVED_COLUMN_BYTES, type SourceShape } from '../../../../src/ops/table/table-costs.js';
import { byteSizeOfShape, tableShapeOf, type TableShape, type ValueShape } from '../../../../src/ops/value-shape.js';

const ops = createBuiltinRegistry();

function declared(name: string, inputs: readonly ValueShape[], rawArgs: Record<string, unknown>): { shape: TableShape | undefined; cost: OpCost | undefined } {
  const op = ops.get(name);
  const args = op.args.parse(rawArgs);
  const shape = op.shape?.(inputs, args)?.[0];
  return { shape: shape?.kind === 'table' ? shape : undefined, cost: op.cost?.(inputs, args) };
}

/** 3,000 trips: an 8-byte fare, a 4-byte zone of 30 values, a 20-byte (average) note. */
const trips = tableShapeOf(3000, [
  { name: 'fare', bytesPerRow: 8 },
  { name: 'zone', bytesPerRow: 4, distinct: 30 },
  { name: 'note', bytesPerRow: 20 },
]);
/** A dimension table: 30 zones, unique ids. */
const zones = tableShapeOf(30, [
  { name: 'zone_id', bytesPerRow: 4, distinct: 30 },
  { name: 'borough', bytesPerRow: 10, distinct: 5 },
]);

describe('table op cost declarations (issue 18 item 6)', () => {
  it('every table op declares its output shape and its cost', () => {
    const tableOps = ops.names().filter((name) => name.startsWith('table.') && name !== 'table.read');
    expect(tableOps.filter((name) => !ops.get(name).shape || !ops.get(name).cost)).toEqual([]);
    const read = tableReadWithSources(new Map());
    expect(read.shape && read.cost).toBeDefined();
  });

  it('filter: System R selectivities (ranges 1/3, = one of the distinct values), every byte read, the kept rows written', () => {
    const range = declared('table.filter', [trips], { where: [{ column: 'fare', op: '>', value: 0 }] });
    expect(range.shape?.rows).toBeCloseTo(1000);
    expect(range.cost).toEqual({ kernel: 'table', bytesRead: 3000 * 32, bytesWritten: 1000 * 32 });
    const both = declared('table.filter', [trips], { where: [{ column: 'fare', op: '>', value: 0 }, { column: 'zone', op: '=', value: 7 }] });
    expect(both.shape?.rows).toBeCloseTo(3000 / 3 / 30);
    expect(declared('table.filter', [trips], { where: [{ column: 'note', op: 'in', value: ['a', 'b'] }] }).shape?.rows).toBeCloseTo(600);
    expect(declared('table.filter', [trips], { where: [{ column: 'note', op: 'is not null' }] }).shape?.rows).toBeCloseTo(2700);
    expect(declared('table.filter', [{ kind: 'bytes', byteLength: 8 }], { where: [{ column: 'fare', op: '>', value: 0 }] }).cost).toBeUndefined();
  });

  it('filter with the source\'s statistics: a range keeps its share of [min, max], nulls as counted; a predicate applied upstream keeps every row', () => {
    const stats = tableShapeOf(1000, [{ name: 'fare', bytesPerRow: 8, min: -10, max: 90, nullFraction: 0.2 }]);
    const positive = declared('table.filter', [stats], { where: [{ column: 'fare', op: '>', value: 0 }] }).shape!;
    expect(positive.rows).toBeCloseTo(1000 * 0.9 * 0.8);
    expect(declared('table.filter', [stats], { where: [{ column: 'fare', op: 'is null' }] }).shape?.rows).toBeCloseTo(200);
    // Pushdown copies a filter into its read and keeps the filter: the second pass keeps all.
    expect(declared('table.filter', [positive], { where: [{ column: 'fare', op: '>', value: 0 }] }).shape?.rows).toBeCloseTo(positive.rows);
    expect(declared('table.filter', [positive], { where: [{ column: 'fare', op: '>', value: 40 }] }).shape?.rows).toBeLessThan(positive.rows);
  });

  it('project: bytes shrink to the kept columns, derived columns 8 bytes each; reads what it keeps and uses', () => {
    const { shape, cost } = declared('table.project', [trips], { columns: ['zone'], derive: [{ as: 'cents', sql: 'fare * 100', uses: ['fare'] }] });
    expect(shape?.columns.map((c) => c.name)).toEqual(['zone', 'cents']);
    expect(byteSizeOfShape(shape!)).toBe(3000 * (4 + DERIVED_COLUMN_BYTES));
    expect(cost).toEqual({ kernel: 'table', bytesRead: 3000 * (4 + 8), bytesWritten: 3000 * 12 });
    expect(declared('table.project', [trips], { columns: ['nope'] }).shape).toBeUndefined();
    // A date part of a column has a known number of values: an aggregate by it is bounded by them.
    const hours = declared('table.project', [trips], { columns: ['zone'], derive: [{ as: 'hour', sql: 'hour(pickup_ts)', uses: ['note'] }] }).shape!;
    expect(hours.columns.find((c) => c.name === 'hour')?.distinct).toBe(24);
    expect(declared('table.aggregate', [hours], { groupBy: ['zone', 'hour'], aggregates: [{ fn: 'count', as: 'n' }] }).shape?.rows).toBe(30 * 24);
  });

  it('join with a dimension table: every left row kept, the right columns added without the key', () => {
    const { shape, cost } = declared('table.join', [trips, zones], { on: [{ left: 'zone', right: 'zone_id' }] });
    expect(shape?.rows).toBe(3000);
    expect(shape?.columns.map((c) => c.name)).toEqual(['fare', 'zone', 'note', 'borough']);
    expect(cost).toEqual({ kernel: 'table', bytesRead: 3000 * 32 + 30 * 14, bytesWritten: 3000 * 42 });
    // Two rows per right key: twice the rows.
    const doubled = tableShapeOf(60, [{ name: 'zone_id', bytesPerRow: 4, distinct: 30 }]);
    expect(declared('table.join', [trips, doubled], { on: [{ left: 'zone', right: 'zone_id' }] }).shape?.rows).toBe(6000);
  });

  it('aggregate: one row per group, the product of the keys\' distinct counts bounded by the rows', () => {
    const byZone = declared('table.aggregate', [trips], { groupBy: ['zone'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'fare', as: 'total' }] });
    expect(byZone.shape?.rows).toBe(30);
    expect(byZone.cost).toEqual({ kernel: 'table', bytesRead: 3000 * 12, bytesWritten: 30 * (4 + 8 + 8) });
    expect(declared('table.aggregate', [trips], { groupBy: ['note'], aggregates: [{ fn: 'count', as: 'n' }] }).shape?.rows).toBe(DEFAULT_DISTINCT_VALUES);
    expect(declared('table.aggregate', [trips], { groupBy: ['zone', 'note'], aggregates: [{ fn: 'count', as: 'n' }] }).shape?.rows).toBe(3000);
    expect(declared('table.aggregate', [trips], { groupBy: [], aggregates: [{ fn: 'count', as: 'n' }] }).shape?.rows).toBe(1);
  });

  it('sql: the largest input, cut to a trailing LIMIT; concat: the rows added up, no bytes moved', () => {
    expect(declared('table.sql', [trips, zones], { query: 'SELECT * FROM input0 JOIN input1 ON zone = zone_id' }).shape?.rows).toBe(3000);
    expect(declared('table.sql', [trips], { query: 'SELECT * FROM input0 ORDER BY fare DESC LIMIT 10' }).shape?.rows).toBe(10);
    expect(declared('table.sql', [], { query: 'SELECT 1' }).shape).toBeUndefined();
    const concat = declared('table.concat', [trips, trips], {});
    expect(concat.shape?.rows).toBe(6000);
    expect(concat.cost).toEqual({ kernel: 'table' });
    expect(declared('table.write', [trips], { target: '/tmp/x.parquet' }).cost).toEqual({ kernel: 'table', bytesRead: 3000 * 32, bytesWritten: 3000 * 32 });
  });

  it('read: the source\'s rows, the read columns only (file bytes of those and of the filter\'s), filtered rows', () => {
    const source: SourceShape = {
      rows: 1000,
      columns: [
        { name: 'fare', bytesPerRow: 8, fileBytesPerRow: 3 },
        { name: 'zone', bytesPerRow: 4, fileBytesPerRow: 1, distinct: 10 },
        { name: 'note', bytesPerRow: 20, fileBytesPerRow: 5 },
      ],
    };
    const read = tableReadWithSources(new Map([['/data/t.parquet', source]]));
    const args = (raw: Record<string, unknown>) => read.args.parse({ source: '/data/t.parquet', ...raw });
    const all = read.shape!([], args({}))![0]!;
    expect(byteSizeOfShape(all)).toBe(1000 * 32);
    expect(read.cost!([], args({}))).toEqual({ kernel: 'table', bytesRead: 9000, bytesWritten: 32000, sourceBytes: 9000 });
    const narrowed = args({ columns: ['fare'], filter: [{ column: 'zone', op: '=', value: 3 }] });
    const shape = read.shape!([], narrowed)![0] as TableShape;
    expect(shape.rows).toBeCloseTo(100);
    expect(shape.columns.map((c) => c.name)).toEqual(['fare']);
    expect(read.cost!([], narrowed)).toEqual({ kernel: 'table', bytesRead: 4000, bytesWritten: 800, sourceBytes: 4000 });
    expect(read.shape!([], read.args.parse({ source: '/elsewhere.csv' }))).toBeUndefined();
  });

  it('a task\'s hints.rows replaces the estimate downstream', () => {
    const registry = new OpRegistry(ops.names().map((name) => (name === 'table.read' ? tableReadWithSources(new Map([['/t.csv', { rows: 100, columns: [{ name: 'a', bytesPerRow: 8, fileBytesPerRow: 2 }] }]])) : ops.get(name))));
    const spec: DagSpec = {
      tasks: [
        { id: 'r', op: 'table.read', args: { source: '/t.csv' } },
        { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'a', op: '=', value: 1 }] }, hints: { rows: 40 } },
        { id: 'g', op: 'table.project', deps: ['f'], args: { columns: ['a'] } },
      ],
    };
    const byId = new Map(describeDagTasks(Dag.fromSpec(spec), registry).map((d) => [d.taskId, d]));
    expect(byId.get('f')?.outputBytes).toBe(40 * 8);
    expect(byId.get('g')?.inputBytes).toBe(40 * 8);
    expect(byId.get('g')?.taskKey).toBe('table.project|{"columns":["a"],"derive":[]}|t:64x1');
  });
});

describe('source shapes read before a run (footers, headers)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wk-table-costs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Parquet: rows and column sizes from the footer, integer keys bounded by their min and max; CSV: one scan', async () => {
    const rows = 5000;
    const table = new Table({
      zone: vectorFromArray(Array.from({ length: rows }, (_, i) => 1 + (i % 50)), new Int32()),
      fare: vectorFromArray(Array.from({ length: rows }, (_, i) => i / 7), new Float64()),
      note: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : `note number ${i}`)), new Utf8()),
    });
    const parquet = join(dir, 'trips.parquet');
    await writeFile(parquet, await encodeTable(table, 'parquet'));
    const csv = join(dir, 'zones.csv');
    await writeFile(csv, `zone_id,borough\n${Array.from({ length: 50 }, (_, i) => `${i + 1},${['North', 'South'][i % 2]}`).join('\n')}\n`);
    const spec: DagSpec = { tasks: [{ id: 't', op: 'table.read', args: { source: parquet } }, { id: 'z', op: 'table.read', args: { source: csv } }] };
    const { shapes, problems } = await inspectTableSources(spec, { withShapes: true });
    expect(problems).toEqual([]);
    const trips = shapes.get(parquet)!;
    expect(trips.rows).toBe(rows);
    const column = (name: string) => trips.columns.find((c) => c.name === name)!;
    expect(column('zone')).toMatchObject({ bytesPerRow: 4, distinct: 50 });
    expect(column('fare')).toMatchObject({ bytesPerRow: 8, min: 0, max: 4999 / 7 });
    expect(column('fare').distinct).toBeUndefined();
    expect(column('note').nullFraction).toBeCloseTo(1667 / 5000);
    // Strings: 4 bytes of offset plus the stored bytes per row (about 16 characters, a third null).
    expect(column('note').bytesPerRow).toBeGreaterThan(4);
    expect(trips.columns.every((c) => c.fileBytesPerRow > 0)).toBe(true);
    const zones = shapes.get(csv)!;
    expect(zones.rows).toBe(50);
    expect(zones.columns.find((c) => c.name === 'borough')).toMatchObject({ bytesPerRow: 4 + 5, distinct: 2 });
  });
});
