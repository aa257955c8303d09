import * as z from 'zod';
import type { Table } from 'apache-arrow';
import type { DagSpec } from '../../src/model/dag-schema.js';
import type { Value } from '../../src/data/value.js';
import { DagBuilder } from '../dag-builder.js';
import { datasetRoot, DEFAULT_DATA_ROOT, tripsFile, writeDataset, zonesFile } from '../pipeline/data-files.js';
import { referenceAggregate, topByTrips, type ZoneHour } from '../pipeline/reference.js';
import { atMost, UnusableOutputError, verifyWith } from '../verify/checks.js';
import type { VerifyResult, Workload, WorkloadContext } from '../workload.js';

/**
 * A data pipeline over a seeded trips-like dataset (bauplan's kind of DAG): each Parquet file is
 * read and cleaned in parallel, the cleaned parts are gathered, joined with a zones dimension
 * (CSV), enriched with the hour of pickup, aggregated by zone and hour, and the top-k zone-hours
 * picked by SQL. The DAG is written as a user would write it, naming no columns before the
 * gather: pushdown (src/ops/table/pushdown.ts) narrows the reads to the 4 of 17 columns used.
 * Verified against the same answer computed in plain TypeScript over the generated rows.
 */
export const PipelineParamsSchema = z
  .object({
    rows: z.number().int().min(10).max(200_000_000).default(50_000).describe('trips in the dataset'),
    files: z.number().int().min(1).max(1024).default(4).describe('Parquet files the trips are split into (one read task each)'),
    topK: z.number().int().min(1).max(10_000).default(10).describe('zone-hours in the top-k output'),
    seed: z.number().int().nonnegative().default(1).describe('seed of the dataset'),
  })
  .strict();
export type PipelineParams = z.output<typeof PipelineParamsSchema>;

const AGGREGATE_ID = 'by-zone-hour';
const TOP_ID = 'top';
const MAX_RELATIVE_ERROR = 1e-9;

function generate(params: PipelineParams, context?: WorkloadContext): DagSpec {
  const root = datasetRoot(context?.dataRoot ?? DEFAULT_DATA_ROOT, params);
  const builder = new DagBuilder();
  const zones = builder.add('zones', 'table.read', { args: { source: zonesFile(root) } });
  const cleaned = Array.from({ length: params.files }, (_, file) => {
    const read = builder.add(`read-${file}`, 'table.read', { args: { source: tripsFile(root, file) } });
    return builder.add(`clean-${file}`, 'table.filter', {
      deps: [read],
      args: { where: [{ column: 'fare', op: '>', value: 0 }, { column: 'distance', op: '>', value: 0 }, { column: 'pickup_zone', op: 'is not null' }] },
    });
  });
  const trips = builder.add('trips', 'table.concat', { deps: cleaned });
  const joined = builder.add('joined', 'table.join', { deps: [trips, zones], args: { on: [{ left: 'pickup_zone', right: 'zone_id' }] } });
  const enriched = builder.add('enriched', 'table.project', {
    deps: [joined],
    args: { columns: ['borough', 'zone_name', 'fare', 'distance'], derive: [{ as: 'hour', sql: 'hour(pickup_ts)', uses: ['pickup_ts'] }] },
  });
  builder.add(AGGREGATE_ID, 'table.aggregate', {
    deps: [enriched],
    args: {
      groupBy: ['borough', 'zone_name', 'hour'],
      aggregates: [{ fn: 'count', as: 'trips' }, { fn: 'sum', column: 'fare', as: 'revenue' }, { fn: 'avg', column: 'distance', as: 'mean_distance' }],
    },
  });
  builder.add(TOP_ID, 'table.sql', {
    deps: [AGGREGATE_ID],
    args: { query: `SELECT * FROM input0 ORDER BY trips DESC, borough, zone_name, hour LIMIT ${params.topK}` },
  });
  return builder.build(`pipeline-${params.rows}r-${params.files}f`, [AGGREGATE_ID, TOP_ID]);
}

function outputRows(outputs: ReadonlyMap<string, Value>, ref: string): ZoneHour[] {
  const value = outputs.get(ref);
  if (value === undefined) throw new UnusableOutputError(`output ${ref} is missing`);
  if (value.kind !== 'table') throw new UnusableOutputError(`output ${ref} is ${value.kind}, not a table`);
  const table: Table = value.table;
  const names = ['borough', 'zone_name', 'hour', 'trips', 'revenue', 'mean_distance'];
  const missing = names.filter((name) => !table.getChild(name));
  if (missing.length > 0) throw new UnusableOutputError(`output ${ref} lacks columns ${missing.join(', ')}`);
  const column = (name: string) => table.getChild(name)!;
  return Array.from({ length: table.numRows }, (_, i) => ({
    borough: String(column('borough').get(i)),
    zoneName: String(column('zone_name').get(i)),
    hour: Number(column('hour').get(i)),
    trips: Number(column('trips').get(i)),
    revenue: Number(column('revenue').get(i)),
    meanDistance: Number(column('mean_distance').get(i)),
  }));
}

const relative = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
const sameKey = (a: ZoneHour, b: ZoneHour) => a.borough === b.borough && a.zoneName === b.zoneName && a.hour === b.hour && a.trips === b.trips;

function compareRows(name: string, got: readonly ZoneHour[], want: readonly ZoneHour[]) {
  const keyMismatches = want.filter((row, i) => !got[i] || !sameKey(got[i], row)).length + Math.max(0, got.length - want.length);
  const revenueError = Math.max(0, ...want.map((row, i) => (got[i] ? relative(got[i].revenue, row.revenue) : Number.POSITIVE_INFINITY)));
  const distanceError = Math.max(0, ...want.map((row, i) => (got[i] ? relative(got[i].meanDistance, row.meanDistance) : Number.POSITIVE_INFINITY)));
  return [
    atMost(`${name}: rows whose zone, hour or trip count differ from the reference`, keyMismatches, 0),
    atMost(`${name}: revenue, max relative error`, revenueError, MAX_RELATIVE_ERROR),
    atMost(`${name}: mean distance, max relative error`, distanceError, MAX_RELATIVE_ERROR),
  ];
}

function verify(params: PipelineParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  return verifyWith(() => {
    const reference = referenceAggregate(params.seed, params.rows, params.files);
    return [...compareRows(AGGREGATE_ID, outputRows(outputs, AGGREGATE_ID), reference), ...compareRows(TOP_ID, outputRows(outputs, TOP_ID), topByTrips(reference, params.topK))];
  });
}

export const pipelineWorkload: Workload<PipelineParams> = {
  name: 'pipeline',
  description: 'Data pipeline over seeded Parquet trips: read, clean, join zones (CSV), aggregate by zone and hour, top-k (table ops)',
  paramsSchema: PipelineParamsSchema,
  sizeParam: 'rows',
  presets: {
    small: { rows: 50_000, files: 4 },
    medium: { rows: 2_000_000, files: 8 },
    large: { rows: 20_000_000, files: 32 },
  },
  taskCountFormula: '2 files + 6 (zones, concat, join, project, aggregate, top-k)',
  taskCount: (params) => 2 * params.files + 6,
  generate,
  prepareData: (params, context) => writeDataset(datasetRoot(context.dataRoot, params), params).then(() => undefined),
  verify,
};
