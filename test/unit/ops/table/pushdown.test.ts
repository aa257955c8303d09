import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../../src/model/dag-schema.js';
import { pushdownTables } from '../../../../src/ops/table/pushdown.js';
import { blamePushedFilter } from '../../../../src/ops/table/table-dag.js';

const TRIPS = ['trip_id', 'pickup_ts', 'pickup_zone', 'distance', 'fare', 'vendor', 'tip', 'pickup_lat'];
const ZONES = ['zone_id', 'borough', 'zone_name', 'service_zone'];

/** The pipeline's shape: read -> filter -> concat -> join(zones) -> project -> aggregate -> sql. */
function pipeline(): DagSpec {
  return {
    name: 'p',
    tasks: [
      { id: 'zones', op: 'table.read', args: { source: 'zones.csv' } },
      { id: 'read-0', op: 'table.read', args: { source: 't0.parquet' } },
      { id: 'read-1', op: 'table.read', args: { source: 't1.parquet' } },
      { id: 'clean-0', op: 'table.filter', deps: ['read-0'], args: { where: [{ column: 'fare', op: '>', value: 0 }] } },
      { id: 'clean-1', op: 'table.filter', deps: ['read-1'], args: { where: [{ column: 'fare', op: '>', value: 0 }] } },
      { id: 'trips', op: 'table.concat', deps: ['clean-0', 'clean-1'] },
      { id: 'joined', op: 'table.join', deps: ['trips', 'zones'], args: { on: [{ left: 'pickup_zone', right: 'zone_id' }] } },
      { id: 'enriched', op: 'table.project', deps: ['joined'], args: { columns: ['borough', 'zone_name', 'fare', 'tip'], derive: [{ as: 'hour', sql: 'hour(pickup_ts)', uses: ['pickup_ts'] }] } },
      { id: 'agg', op: 'table.aggregate', deps: ['enriched'], args: { groupBy: ['borough', 'hour'], aggregates: [{ fn: 'sum', column: 'fare', as: 'revenue' }] } },
      { id: 'top', op: 'table.sql', deps: ['agg'], args: { query: 'SELECT * FROM input0 ORDER BY revenue DESC LIMIT 3' } },
    ],
    outputs: ['top'],
  };
}

const schemas = new Map([['zones', ZONES], ['read-0', TRIPS], ['read-1', TRIPS]]);
const task = (spec: DagSpec, id: string) => spec.tasks.find((t) => t.id === id)!;

describe('table pushdown', () => {
  it('narrows each read to the columns used downstream, in file order, through filter, concat, join and project', () => {
    const { spec } = pushdownTables(pipeline(), schemas);
    expect(task(spec, 'read-0').args).toMatchObject({ columns: ['pickup_ts', 'pickup_zone', 'fare'] });
    expect(task(spec, 'read-1').args).toMatchObject({ columns: ['pickup_ts', 'pickup_zone', 'fare'] });
    expect(task(spec, 'zones').args).toMatchObject({ columns: ['zone_id', 'borough'] });
    // tip and zone_name are projected but never used after: the project drops them too.
    expect(task(spec, 'enriched').args).toEqual({ columns: ['borough', 'fare'], derive: [{ as: 'hour', sql: 'hour(pickup_ts)', uses: ['pickup_ts'] }] });
  });

  it('moves a filter that is a read’s only consumer into the read (the filter stays)', () => {
    const { spec, pushedFilters } = pushdownTables(pipeline(), schemas);
    expect(task(spec, 'read-0').args).toMatchObject({ filter: [{ column: 'fare', op: '>', value: 0 }] });
    expect(task(spec, 'clean-0')).toEqual(task(pipeline(), 'clean-0'));
    // Each read that took a filter's predicates names that filter (a failure there is blamed on it).
    expect([...pushedFilters]).toEqual([['read-0', 'clean-0'], ['read-1', 'clean-1']]);
  });

  it("a read's run-time failure names the filter whose predicates it applies; other failures are untouched", () => {
    const { pushedFilters } = pushdownTables(pipeline(), schemas);
    expect(blamePushedFilter({ taskId: 'read-1', message: 'Conversion Error' }, { pushedFilters })?.message).toMatch(/^Conversion Error\n {2}\(this read applies the predicates of task clean-1 \(table\.filter\)/);
    const other = { taskId: 'zones', message: 'boom' };
    expect(blamePushedFilter(other, { pushedFilters })).toBe(other);
    expect(blamePushedFilter(undefined, { pushedFilters })).toBeUndefined();
  });

  it('leaves reads whole where SQL, a DAG output or an unknown schema needs every column', () => {
    const sqlFirst: DagSpec = {
      tasks: [
        { id: 'r', op: 'table.read', args: { source: 't.parquet' } },
        { id: 'q', op: 'table.sql', deps: ['r'], args: { query: 'SELECT fare FROM input0' } },
      ],
    };
    expect(pushdownTables(sqlFirst, new Map([['r', TRIPS]])).changes).toEqual([]);
    const output: DagSpec = { tasks: [{ id: 'r', op: 'table.read', args: { source: 't.parquet' } }, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'fare', op: '>', value: 0 }] } }], outputs: ['r', 'f'] };
    expect(task(pushdownTables(output, new Map([['r', TRIPS]])).spec, 'r').args).toEqual({ source: 't.parquet' });
    // Zones' columns unknown: the join cannot tell which side needs what, so zones is read whole.
    const zonesUnknown = pushdownTables(pipeline(), new Map([['read-0', TRIPS], ['read-1', TRIPS]])).spec;
    expect(task(zonesUnknown, 'zones').args).toEqual({ source: 'zones.csv' });
  });

  it('keeps one column for a consumer that only counts rows', () => {
    const count: DagSpec = {
      tasks: [
        { id: 'r', op: 'table.read', args: { source: 't.parquet' } },
        { id: 'n', op: 'table.aggregate', deps: ['r'], args: { groupBy: [], aggregates: [{ fn: 'count', as: 'n' }] } },
      ],
    };
    expect(task(pushdownTables(count, new Map([['r', TRIPS]])).spec, 'r').args).toEqual({ source: 't.parquet', columns: ['trip_id'] });
  });
});
