import { Dictionary, Field, Float64, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { Xoshiro128StarStar } from '../../src/ops/random/xoshiro128-star-star.js';
import { deriveSeed } from '../seeds.js';

/**
 * The pipeline workload's seeded, trips-like dataset: `files` Parquet files of taxi trips (17
 * columns, of which the pipeline needs 4) and a CSV dimension table of zones. The same function
 * gives the rows to the file writer and to the verifier, so the reference answer is computed from
 * the very values the files hold, without the engine.
 */
export const ZONES_IN_TRIPS = 265;
/** The dimension table lists zones 1..263: trips to 264 and 265 (unknown zones) drop out of the inner join. */
export const ZONES_IN_DIMENSION = 263;
export const BOROUGHS = ['Bronx', 'Brooklyn', 'EWR', 'Manhattan', 'Queens', 'Staten Island'] as const;
const VENDORS = ['CMT', 'DDS', 'VTS'];
const PAYMENTS = ['card', 'cash', 'dispute', 'no charge'];
const FLAGS = ['N', 'Y'];
/** 2026-01-05T00:00:00Z in microseconds; trips start within the following week. */
const START_MICROS = 1_767_571_200_000_000;
const WEEK_MICROS = 7 * 24 * 3_600_000_000;
const STREAM_TRIPS = 20;

/** The columns the pipeline reads (and the verifier needs); the others are there to be skipped. */
export interface TripColumns {
  readonly rows: number;
  readonly tripId: BigInt64Array;
  readonly pickupMicros: Float64Array;
  /** 0 = null (about 0.5 % of trips). */
  readonly pickupZone: Int32Array;
  readonly distance: Float64Array;
  readonly fare: Float64Array;
  /** The rest, as Arrow data, in schema order after the four above. */
  readonly others: ReadonlyMap<string, Data>;
}

export function rowsOfFile(totalRows: number, files: number, file: number): number {
  const base = Math.floor(totalRows / files);
  return file < totalRows % files ? base + 1 : base;
}

function firstRowOfFile(totalRows: number, files: number, file: number): number {
  let first = 0;
  for (let f = 0; f < file; f += 1) first += rowsOfFile(totalRows, files, f);
  return first;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** The trips of one file, from its own seeded stream. */
export function generateTrips(seed: number, totalRows: number, files: number, file: number): TripColumns {
  const rows = rowsOfFile(totalRows, files, file);
  const first = firstRowOfFile(totalRows, files, file);
  const random = Xoshiro128StarStar.fromInteger(deriveSeed(seed, STREAM_TRIPS, file));
  const unit = () => random.nextUint32() / 4_294_967_296;
  const tripId = new BigInt64Array(rows);
  const pickupMicros = new Float64Array(rows);
  const dropoffMicros = new BigInt64Array(rows);
  const pickupZone = new Int32Array(rows);
  const dropoffZone = new Int32Array(rows);
  const passengers = new Int8Array(rows);
  const passengersValid = new Uint8Array(Math.ceil(rows / 8));
  const distance = new Float64Array(rows);
  const fare = new Float64Array(rows);
  const tip = new Float64Array(rows);
  const tolls = new Float64Array(rows);
  const total = new Float64Array(rows);
  const coordinates = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const vendor = new Int8Array(rows);
  const payment = new Int8Array(rows);
  const flag = new Int8Array(rows);
  for (let i = 0; i < rows; i += 1) {
    tripId[i] = BigInt(first + i);
    pickupMicros[i] = START_MICROS + Math.floor(unit() * WEEK_MICROS);
    dropoffMicros[i] = BigInt(pickupMicros[i]! + Math.floor((1 + unit() * 59) * 60_000_000));
    // Skewed towards low zone numbers, as real pickups crowd into a few zones.
    pickupZone[i] = unit() < 0.005 ? 0 : 1 + Math.floor(unit() * unit() * ZONES_IN_TRIPS);
    dropoffZone[i] = 1 + Math.floor(unit() * ZONES_IN_TRIPS);
    if (unit() >= 0.02) {
      passengers[i] = 1 + Math.floor(unit() * 6);
      passengersValid[i >> 3]! |= 1 << (i & 7);
    }
    distance[i] = unit() < 0.01 ? 0 : cents(0.3 + unit() * 15);
    fare[i] = unit() < 0.01 ? -cents(unit() * 20) : cents(2.5 + distance[i]! * 2.5 + unit() * 5);
    tip[i] = cents(unit() * 8);
    tolls[i] = unit() < 0.1 ? 6.94 : 0;
    total[i] = cents(fare[i]! + tip[i]! + tolls[i]!);
    for (const column of coordinates) column[i] = unit();
    vendor[i] = Math.floor(unit() * VENDORS.length);
    payment[i] = Math.floor(unit() * PAYMENTS.length);
    flag[i] = unit() < 0.05 ? 1 : 0;
  }
  const plain = <T extends Float64 | Int32 | Int64 | Int8 | TimestampMicrosecond>(type: T, data: ArrayLike<unknown>, nullBitmap?: Uint8Array) =>
    makeData({ type, length: rows, data, ...(nullBitmap ? { nullBitmap, nullCount: -1 } : { nullCount: 0 }) } as never) as Data;
  const dictionary = (values: readonly string[], indices: Int8Array) =>
    makeData({ type: new Dictionary(new Utf8(), new Int8()), length: rows, nullCount: 0, data: indices, dictionary: vectorFromArray([...values], new Utf8()) }) as Data;
  const others = new Map<string, Data>([
    ['vendor', dictionary(VENDORS, vendor)],
    ['dropoff_ts', plain(new TimestampMicrosecond(), dropoffMicros)],
    ['dropoff_zone', plain(new Int32(), dropoffZone)],
    ['passenger_count', plain(new Int8(), passengers, passengersValid)],
    ['tip', plain(new Float64(), tip)],
    ['tolls', plain(new Float64(), tolls)],
    ['total', plain(new Float64(), total)],
    ['payment_type', dictionary(PAYMENTS, payment)],
    ['store_and_fwd', dictionary(FLAGS, flag)],
    ['pickup_lon', plain(new Float64(), coordinates[0]!)],
    ['pickup_lat', plain(new Float64(), coordinates[1]!)],
    ['dropoff_lon', plain(new Float64(), coordinates[2]!)],
    ['dropoff_lat', plain(new Float64(), coordinates[3]!)],
  ]);
  return { rows, tripId, pickupMicros, pickupZone, distance, fare, others };
}

/** The trips of one file as an Arrow table (pickup_zone null where the columns say 0). */
export function tripsTable(trips: TripColumns): Table {
  const zoneValid = new Uint8Array(Math.ceil(trips.rows / 8));
  trips.pickupZone.forEach((zone, i) => {
    if (zone !== 0) zoneValid[i >> 3]! |= 1 << (i & 7);
  });
  const columns: [string, Data][] = [
    ['trip_id', makeData({ type: new Int64(), length: trips.rows, nullCount: 0, data: trips.tripId })],
    ['pickup_ts', makeData({ type: new TimestampMicrosecond(), length: trips.rows, nullCount: 0, data: BigInt64Array.from(trips.pickupMicros, (m) => BigInt(m)) })],
    ['pickup_zone', makeData({ type: new Int32(), length: trips.rows, nullCount: -1, data: trips.pickupZone, nullBitmap: zoneValid })],
    ['distance', makeData({ type: new Float64(), length: trips.rows, nullCount: 0, data: trips.distance })],
    ['fare', makeData({ type: new Float64(), length: trips.rows, nullCount: 0, data: trips.fare })],
    ...trips.others,
  ];
  const fields = columns.map(([name, data]) => new Field(name, data.type, true));
  return new Table([new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: trips.rows, nullCount: 0, children: columns.map(([, data]) => data) }))]);
}

export interface Zone {
  readonly id: number;
  readonly borough: string;
  readonly name: string;
}

export function zones(): Zone[] {
  return Array.from({ length: ZONES_IN_DIMENSION }, (_, i) => ({ id: i + 1, borough: BOROUGHS[(i * 7) % BOROUGHS.length]!, name: `Zone ${String(i + 1).padStart(3, '0')}` }));
}

/** The zones dimension as CSV text (zone_id, borough, zone_name, service_zone). */
export function zonesCsv(): string {
  const lines = zones().map((zone) => `${zone.id},${zone.borough},${zone.name},${zone.id % 3 === 0 ? 'Yellow Zone' : 'Boro Zone'}`);
  return `zone_id,borough,zone_name,service_zone\n${lines.join('\n')}\n`;
}
