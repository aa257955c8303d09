import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Float64, Int32, makeData, makeVector, Table, tableToIPC, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagSpec, TaskSpec } from '../../../../src/model/dag-schema.js';
import { inspectTableSources } from '../../../../src/ops/table/source-schema.js';

/**
 * The transforms' queries bound before a run over the sources' schemas (src/ops/table/query-check.ts),
 * here from an Arrow IPC source with a dictionary column, timestamps and nulls, through every
 * transform; the problems name task, op and the engine's message.
 */
let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wk-query-check-'));
  source = join(dir, 'trips.arrow');
  const table = new Table({
    zone: vectorFromArray([1, 2, null], new Int32()),
    vendor: vectorFromArray(['a', null, 'b'], new Dictionary(new Utf8(), new Int32())),
    fare: vectorFromArray([1.5, 2, null], new Float64()),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: 3, nullCount: 0, data: new BigInt64Array([0n, 3_600_000_000n, 7_200_000_000n]) })),
  });
  await writeFile(source, tableToIPC(table, 'file'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const problemsOf = async (tasks: TaskSpec[]) => (await inspectTableSources({ tasks } as DagSpec)).problems;
const read: TaskSpec = { id: 'r', op: 'table.read', args: { source: '' } };
const withSource = (): TaskSpec => ({ ...read, args: { source } });

describe('table queries checked before a run', () => {
  it('a chain of every transform over dictionary, timestamp and nullable columns binds; tasks may be listed consumers first', async () => {
    const tasks: TaskSpec[] = [
      { id: 'q', op: 'table.sql', deps: ['a'], args: { query: 'SELECT vendor, hour, n FROM t WHERE n > 0', inputs: ['t'] } },
      { id: 'a', op: 'table.aggregate', deps: ['j'], args: { groupBy: ['vendor', 'hour'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'avg', column: 'fare', as: 'mean' }] } },
      { id: 'j', op: 'table.join', deps: ['p', 'r2'], args: { on: ['zone'], how: 'left' } },
      { id: 'p', op: 'table.project', deps: ['f'], args: { columns: ['zone', 'vendor', 'fare'], derive: [{ as: 'hour', sql: 'hour(ts)', uses: ['ts'] }] } },
      { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'vendor', op: 'in', value: ['a', 'b'] }, { column: 'fare', op: 'is not null' }] } },
      withSource(),
      { id: 'r2', op: 'table.read', args: { source, columns: ['zone', 'ts'] } },
    ];
    expect(await problemsOf(tasks)).toEqual([]);
  });

  it('each unknown column is a problem naming task, op and the engine message; consumers of a failed task are not checked', async () => {
    const problems = await problemsOf([
      withSource(),
      { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'vendr', op: '=', value: 'a' }] } },
      { id: 'g', op: 'table.aggregate', deps: ['f'], args: { groupBy: ['nope'], aggregates: [{ fn: 'count', as: 'n' }] } },
      { id: 'p', op: 'table.project', deps: ['r'], args: { columns: ['zone'], derive: [{ as: 'h', sql: 'hour(pickup)', uses: ['ts'] }] } },
      { id: 's', op: 'table.sql', deps: ['r'], args: { query: 'SELECT * FROM input0, input1' } },
      { id: 'c', op: 'table.concat', deps: ['r'] },
      { id: 'k', op: 'table.sql', deps: ['c'], args: { query: 'SELEC fare FROM input0' } },
    ]);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^task f \(table\.filter\): Binder Error: Referenced column "vendr" not found/),
        expect.stringMatching(/^task p \(table\.project\): Binder Error: Referenced column "pickup" not found/),
        expect.stringMatching(/^task s \(table\.sql\): Catalog Error: Table with name input1 does not exist/),
        expect.stringMatching(/^task k \(table\.sql\): SQL does not parse: .*syntax error/),
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/LINE 1/);
  });

  it('a derived column reading a column its uses does not name is a problem (pushdown would drop that column)', async () => {
    const problems = await problemsOf([
      withSource(),
      { id: 'p', op: 'table.project', deps: ['r'], args: { columns: ['zone'], derive: [{ as: 'h', sql: 'hour(ts)', uses: ['fare'] }, { as: 'ok', sql: 'fare * 2', uses: ['fare'] }] } },
    ]);
    expect(problems).toEqual([expect.stringMatching(/^task p \(table\.project\): derived column "h" reads more than its uses \[fare\] \(pushdown reads only those\): Binder Error: Referenced column "ts" not found/)]);
  });

  it("a query that reads a local file is a problem before the run (the check binds it in the engine that reaches no file)", async () => {
    const problems = await problemsOf([withSource(), { id: 's', op: 'table.sql', deps: ['r'], args: { query: "SELECT * FROM input0, read_text('/etc/hostname')" } }]);
    expect(problems).toEqual([expect.stringMatching(/^task s \(table\.sql\): .*file system operations are disabled/)]);
  });
});
