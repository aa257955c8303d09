import { generateTrips, zones } from './trips-data.js';

/** One row of the pipeline's aggregate: trips, revenue and mean distance per zone and hour. */
export interface ZoneHour {
  readonly borough: string;
  readonly zoneName: string;
  readonly hour: number;
  readonly trips: number;
  readonly revenue: number;
  readonly meanDistance: number;
}

const HOUR_MICROS = 3_600_000_000;

/**
 * The pipeline's answer computed in plain TypeScript over the generated rows (no engine): clean
 * (fare > 0, distance > 0, a pickup zone), inner join with the zones, group by borough, zone and
 * hour of pickup. Sorted as the aggregate op sorts: by borough, zone name, hour.
 */
export function referenceAggregate(seed: number, rows: number, files: number): ZoneHour[] {
  const zoneById = new Map(zones().map((zone) => [zone.id, zone]));
  const groups = new Map<string, { borough: string; zoneName: string; hour: number; trips: number; revenue: number; distance: number }>();
  for (let file = 0; file < files; file += 1) {
    const trips = generateTrips(seed, rows, files, file);
    for (let i = 0; i < trips.rows; i += 1) {
      const fare = trips.fare[i]!;
      const distance = trips.distance[i]!;
      const zone = zoneById.get(trips.pickupZone[i]!);
      if (!(fare > 0 && distance > 0) || zone === undefined) continue;
      const hour = Math.floor(trips.pickupMicros[i]! / HOUR_MICROS) % 24;
      const key = `${zone.borough}\u0000${zone.name}\u0000${hour}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { borough: zone.borough, zoneName: zone.name, hour, trips: 0, revenue: 0, distance: 0 }));
      group.trips += 1;
      group.revenue += fare;
      group.distance += distance;
    }
  }
  return [...groups.values()]
    .map((g) => ({ borough: g.borough, zoneName: g.zoneName, hour: g.hour, trips: g.trips, revenue: g.revenue, meanDistance: g.distance / g.trips }))
    .sort(byKey);
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
export const byKey = (a: ZoneHour, b: ZoneHour) => compare(a.borough, b.borough) || compare(a.zoneName, b.zoneName) || a.hour - b.hour;

/** The top `k` zone-hours by trips (ties: by key), as the pipeline's last step orders them. */
export function topByTrips(rows: readonly ZoneHour[], k: number): ZoneHour[] {
  return [...rows].sort((a, b) => b.trips - a.trips || byKey(a, b)).slice(0, k);
}
