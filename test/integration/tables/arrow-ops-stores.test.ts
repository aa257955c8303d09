import { Dictionary, Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkTableSources } from '../../../src/ops/table/table-dag.js';
import { validateDag } from '../../../src/dag/validate.js';
import type { Value } from '../../../src/data/value.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { writeSink } from '../../../src/ops/table/source-files.js';
import { parseLocation, type SourceLocation } from '../../../src/ops/table/source-location.js';
import { findWorkload, type AnyWorkload } from '../../../workloads/index.js';
import { generateTrips, tripsTable } from '../../../workloads/pipeline/trips-data.js';
import { runReplay } from '../../../workloads/replay-runner.js';
import { tableStoreCases } from './store-cases.js';

/**
 * The table ops the pipeline does not use, and its ops over dictionary and nullable columns, on
 * every store: an Arrow IPC source with dictionary
 * strings and nulls (local or in s3rver), `in` and `is null` filters (one pushed into a read),
 * concat across executors, count of a nullable column, SQL over two named inputs, and
 * table.write to Parquet, read back. Needs `npm run build` (executor threads).
 */
const PARAMS = { rows: 1000, files: 1, topK: 1, seed: 3 };
const pipeline = findWorkload('pipeline')!;
const CASES = tableStoreCases();

describe.each(CASES)('table ops on the $name store', (c) => {
  it('an Arrow source with dictionary strings and nulls goes through filter, concat, aggregate, SQL and write', async () => {
    const root = await c.dataRoot();
    const trips = tripsTable(generateTrips(3, 1000, 1, 0));
    const location = (text: string) => parseLocation(text) as SourceLocation;
    await writeSink(location(`${root}/trips.arrow`), tableToIPC(trips, 'file'));
    const spec: DagSpec = {
      name: 'arrow-ops',
      tasks: [
        { id: 'a', op: 'table.read', args: { source: `${root}/trips.arrow` } },
        { id: 'b', op: 'table.read', args: { source: `${root}/trips.arrow`, filter: [{ column: 'passenger_count', op: 'is null' }] } },
        { id: 'cash', op: 'table.filter', deps: ['a'], args: { where: [{ column: 'payment_type', op: 'in', value: ['cash', 'card'] }] } },
        { id: 'both', op: 'table.concat', deps: ['cash', 'b'] },
        { id: 'by-vendor', op: 'table.aggregate', deps: ['both'], args: { groupBy: ['vendor'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'count', column: 'passenger_count', as: 'with_passengers' }] } },
        { id: 'saved', op: 'table.write', deps: ['by-vendor'], args: { target: `${root}/by-vendor.parquet` } },
        { id: 'q', op: 'table.sql', deps: ['saved', 'both'], args: { query: 'SELECT (SELECT sum(n) FROM v) AS total, (SELECT count(*) FROM t) AS rows', inputs: ['v', 't'] } },
      ],
      outputs: ['by-vendor', 'q'],
    };
    expect(validateDag(spec, createBuiltinRegistry()).ok).toBe(true);
    const { spec: checked } = await checkTableSources(spec, { pushdown: true });
    const seen: Record<string, unknown> = {};
    const workload: AnyWorkload = {
      ...pipeline,
      prepareData: undefined,
      verify: (_params, outputs) => {
        Object.assign(seen, { byVendor: rowsOf(outputs.get('by-vendor')), q: rowsOf(outputs.get('q')) });
        return { ok: true, checks: [] };
      },
    };
    const outcome = await runReplay({ workload, params: PARAMS, spec: checked, repeats: 1, threads: 2, stores: c.stores(), wukong: DEFAULT_WUKONG_OPTIONS, deadlineMs: 60_000, costMemoryMb: 1769 });
    expect(outcome.failure).toBeUndefined();

    // The reference, from the generated columns (dictionary strings, null passenger counts).
    const vendor = trips.getChild('vendor')!;
    const payment = trips.getChild('payment_type')!;
    const passengers = trips.getChild('passenger_count')!;
    const expected = new Map<string, { vendor: string; n: bigint; with_passengers: bigint }>();
    for (let i = 0; i < trips.numRows; i += 1) {
      const kept = BigInt((['cash', 'card'].includes(payment.get(i) as string) ? 1 : 0) + (passengers.get(i) === null ? 1 : 0));
      const name = vendor.get(i) as string;
      const entry = expected.get(name) ?? { vendor: name, n: 0n, with_passengers: 0n };
      entry.n += kept;
      if (passengers.get(i) !== null) entry.with_passengers += kept;
      expected.set(name, entry);
    }
    const byVendor = [...expected.values()].sort((x, y) => (x.vendor < y.vendor ? -1 : 1));
    const total = byVendor.reduce((sum, row) => sum + row.n, 0n);
    expect(seen).toEqual({ byVendor, q: [{ total, rows: total }] });
    // table.write wrote what it passed on.
    const read = createBuiltinRegistry().get('table.read');
    const [back] = await read.run([], read.args.parse({ source: `${root}/by-vendor.parquet` }));
    expect(rowsOf(back)).toEqual(byVendor);
  });

  it('dictionary and nullable columns go through project (a derived column over nulls), a left join on a dictionary key, and writes to Arrow IPC and CSV, read back', async () => {
    const root = await c.dataRoot();
    const trips = tripsTable(generateTrips(5, 600, 1, 0));
    const vendors = new Table({
      vendor: vectorFromArray(['CMT', 'VTS'], new Dictionary(new Utf8(), new Int32())),
      vendor_name: vectorFromArray(['Creative Mobile', null], new Utf8()),
    });
    const location = (text: string) => parseLocation(text) as SourceLocation;
    await writeSink(location(`${root}/trips2.arrow`), tableToIPC(trips, 'file'));
    await writeSink(location(`${root}/vendors.arrow`), tableToIPC(vendors, 'file'));
    const spec: DagSpec = {
      name: 'arrow-join',
      tasks: [
        { id: 'a', op: 'table.read', args: { source: `${root}/trips2.arrow` } },
        { id: 'v', op: 'table.read', args: { source: `${root}/vendors.arrow` } },
        { id: 'p', op: 'table.project', deps: ['a'], args: { columns: ['trip_id', 'vendor', 'passenger_count'], derive: [{ as: 'twice', sql: 'passenger_count * 2', uses: ['passenger_count'] }] } },
        { id: 'j', op: 'table.join', deps: ['p', 'v'], args: { on: ['vendor'], how: 'left' } },
        { id: 'w', op: 'table.write', deps: ['j'], args: { target: `${root}/joined.arrow` } },
        { id: 'wc', op: 'table.write', deps: ['j'], args: { target: `${root}/joined.csv` } },
      ],
      outputs: ['j', 'w', 'wc'],
    };
    expect(validateDag(spec, createBuiltinRegistry()).ok).toBe(true);
    const { spec: checked } = await checkTableSources(spec, { pushdown: true });
    let joined: Record<string, unknown>[] = [];
    const workload: AnyWorkload = {
      ...pipeline,
      prepareData: undefined,
      verify: (_params, outputs) => {
        joined = rowsOf(outputs.get('j'));
        return { ok: true, checks: [] };
      },
    };
    const outcome = await runReplay({ workload, params: PARAMS, spec: checked, repeats: 1, threads: 2, stores: c.stores(), wukong: DEFAULT_WUKONG_OPTIONS, deadlineMs: 60_000, costMemoryMb: 1769 });
    expect(outcome.failure).toBeUndefined();

    // The reference from the generated columns: DDS is not in the dimension (null name), VTS's name is null.
    const names: Record<string, string | null> = { CMT: 'Creative Mobile', VTS: null, DDS: null };
    const ids = trips.getChild('trip_id')!;
    const vendor = trips.getChild('vendor')!;
    const passengers = trips.getChild('passenger_count')!;
    const expected = Array.from({ length: trips.numRows }, (_, i) => {
      const count = passengers.get(i) as number | null;
      return { trip_id: Number(ids.get(i)), vendor: vendor.get(i) as string, passenger_count: count, twice: count === null ? null : count * 2, vendor_name: names[vendor.get(i) as string] ?? null };
    }).sort(byTrip);
    expect(expected.some((row) => row.passenger_count === null)).toBe(true);
    expect(expected.some((row) => row.vendor === 'DDS')).toBe(true);
    expect(normalized(joined)).toEqual(expected);
    const read = createBuiltinRegistry().get('table.read');
    for (const file of ['joined.arrow', 'joined.csv']) {
      const [back] = await read.run([], read.args.parse({ source: `${root}/${file}` }));
      expect(normalized(rowsOf(back)), file).toEqual(expected);
    }
  });
});

type JoinedRow = { trip_id: number; vendor: string; passenger_count: number | null; twice: number | null; vendor_name: string | null };
const byTrip = (x: JoinedRow, y: JoinedRow) => x.trip_id - y.trip_id;
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Rows as plain values, whatever integer widths and string encodings the engine chose, by trip. */
function normalized(rows: readonly Record<string, unknown>[]): JoinedRow[] {
  return rows
    .map((row) => ({
      trip_id: Number(row.trip_id),
      vendor: String(row.vendor),
      passenger_count: numberOrNull(row.passenger_count),
      twice: numberOrNull(row.twice),
      vendor_name: row.vendor_name === null || row.vendor_name === undefined ? null : String(row.vendor_name),
    }))
    .sort(byTrip);
}

function rowsOf(value: Value | undefined): Record<string, unknown>[] {
  if (value?.kind !== 'table') throw new Error(`not a table: ${value?.kind}`);
  const table: Table = value.table;
  return table.toArray().map((row) => ({ ...(row.toJSON() as Record<string, unknown>) }));
}
