import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * Bad table input is exit 2 before anything runs, naming the task and what is wrong: a missing
 * source, a malformed Parquet or CSV file, an unknown column, SQL that does not parse. A failure
 * only a run can find (a cast the data refuses) is exit 1 naming task, op and the engine's message.
 * Runs the built CLI (`npm run build` first).
 */
const wukong = (args: string[]) => runWukong(args);

const dir = mkdtempSync(join(tmpdir(), 'wk-table-cli-'));
const csv = join(dir, 'zones.csv');
writeFileSync(csv, 'zone_id,name\n1,north\n2,south\n3,x\n');
const binaryCsv = join(dir, 'binary.csv');
writeFileSync(binaryCsv, Buffer.from([0x00, 0x01, 0x02, 0x67, 0xff, 0xfe, 0x0a]));
const badParquet = join(dir, 'bad.parquet');
writeFileSync(badParquet, 'PAR1 this is not a parquet file at all');

const emptyCsv = join(dir, 'empty.csv');
writeFileSync(emptyCsv, '');
/** One line over the engine's 2 MB line limit: its error echoes up to 10 KB of the line. */
const longLineCsv = join(dir, 'long-line.csv');
writeFileSync(longLineCsv, `a,b\n1,${'x'.repeat(2_200_000)}\n`);

const read = { id: 'r', op: 'table.read', args: { source: csv } };
/** A CSV whose rows past the engine's type-sniffing sample break its inferred type: only a run finds it. */
const lateBadCsv = join(dir, 'late-bad.csv');
writeFileSync(lateBadCsv, `id,n\n${Array.from({ length: 30_000 }, (_, i) => `${i},${i}`).join('\n')}\n30000,not-a-number\n`);

function dagFile(name: string, tasks: unknown[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, tasks }));
  return path;
}

describe('table sources on the CLI (e2e)', () => {
  it.each([
    ['missing source', [{ id: 'r', op: 'table.read', args: { source: join(dir, 'nope.parquet') } }], /task r \(table\.read\): source .*nope\.parquet does not exist/],
    ['malformed parquet', [{ id: 'r', op: 'table.read', args: { source: badParquet } }], /task r \(table\.read\): .*bad\.parquet is not a readable parquet file/],
    ['malformed CSV', [{ id: 'r', op: 'table.read', args: { source: binaryCsv } }], /task r \(table\.read\): .*binary\.csv is not a readable csv file: .*not utf-8 encoded/],
    ['empty CSV', [{ id: 'r', op: 'table.read', args: { source: emptyCsv } }], /task r \(table\.read\): .*empty\.csv is an empty csv file: a csv source needs a header row/],
    ['CSV line over the engine limit', [{ id: 'r', op: 'table.read', args: { source: longLineCsv } }], /task r \(table\.read\): .*long-line\.csv is not a readable csv file: .*Original Line: 1,x{78}\.\.\. \(\d+ more characters\) Maximum line size/],
    ['comparison with null', [read, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone_id', op: '=', value: null }] } }], /task f \(table\.filter\): args\.where\.0: a comparison with null matches no row \(SQL\); use op "is null"/],
    ['unknown column', [{ id: 'r', op: 'table.read', args: { source: csv, columns: ['zone_id', 'borough'] } }], /task r \(table\.read\): .*zones\.csv has no column "borough" \(it has zone_id, name\)/],
    ['SQL syntax', [{ id: 'r', op: 'table.read', args: { source: csv } }, { id: 'q', op: 'table.sql', deps: ['r'], args: { query: 'SELEC * FROM input0' } }], /task q \(table\.sql\): SQL does not parse: .*syntax error/],
    // Unknown columns in every transform, bound over the sources' schemas as they flow down the DAG.
    ['unknown column in a filter', [read, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone', op: '>', value: 1 }] } }], /task f \(table\.filter\): Binder Error: Referenced column "zone" not found.*Candidate bindings: "zone_id", "name"/],
    ['unknown column in a derived column', [read, { id: 'p', op: 'table.project', deps: ['r'], args: { columns: ['name'], derive: [{ as: 'h', sql: 'zone_id + nope', uses: ['zone_id'] }] } }], /task p \(table\.project\): Binder Error: Referenced column "nope" not found/],
    ['column dropped upstream', [read, { id: 'p', op: 'table.project', deps: ['r'], args: { columns: ['name'] } }, { id: 'a', op: 'table.aggregate', deps: ['p'], args: { groupBy: ['zone_id'], aggregates: [{ fn: 'count', as: 'n' }] } }], /task a \(table\.aggregate\): Binder Error: Referenced column "zone_id" not found.*Candidate bindings: "name"/],
    ['unknown aggregated column', [read, { id: 'a', op: 'table.aggregate', deps: ['r'], args: { groupBy: ['name'], aggregates: [{ fn: 'sum', column: 'fare', as: 'total' }] } }], /task a \(table\.aggregate\): Binder Error: Referenced column "fare" not found/],
    ['unknown join key', [read, { ...read, id: 's' }, { id: 'j', op: 'table.join', deps: ['r', 's'], args: { on: [{ left: 'zone_id', right: 'zone' }] } }], /task j \(table\.join\): Binder Error: Table "right" does not have a column named "zone"/],
    ['unknown column in SQL', [read, { id: 'q', op: 'table.sql', deps: ['r'], args: { query: 'SELECT borough FROM input0' } }], /task q \(table\.sql\): Binder Error: Referenced column "borough" not found/],
    ['unknown table in SQL', [read, { id: 'q', op: 'table.sql', deps: ['r'], args: { query: 'SELECT * FROM zones' } }], /task q \(table\.sql\): Catalog Error: Table with name zones does not exist/],
    ['a file read in SQL', [read, { id: 'q', op: 'table.sql', deps: ['r'], args: { query: "SELECT * FROM input0, read_text('/etc/hostname')" } }], /task q \(table\.sql\): .*file system operations are disabled/],
    ['a derived column reading beyond its uses', [read, { id: 'p', op: 'table.project', deps: ['r'], args: { columns: ['name'], derive: [{ as: 'h', sql: 'zone_id + 1', uses: ['name'] }] } }], /task p \(table\.project\): derived column "h" reads more than its uses \[name\]/],
    ['a sink in a missing directory', [read, { id: 'w', op: 'table.write', deps: ['r'], args: { target: join(dir, 'no-dir', 'out.parquet') } }], /task w \(table\.write\): .*out\.parquet: no such directory .*no-dir$/m],
  ])('%s: validate exits 2 naming the task (submit too, before running, for a missing source, a filter and a sink)', (name, tasks, message) => {
    const file = dagFile(name.replaceAll(' ', '-'), tasks);
    for (const command of ['missing source', 'unknown column in a filter', 'a sink in a missing directory'].includes(name) ? ['validate', 'submit'] : ['validate']) {
      const run = wukong([command, file]);
      expect(run.code, `${command}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      // A message names the problem; it does not echo kilobytes of the data.
      expect(run.stderr.length).toBeLessThan(1500);
    }
  });

  it('--json: table-source problems come out as a DAG\'s own do, { ok: false, problems } on stdout, exit 2 (validate and submit)', () => {
    const file = dagFile('two-bad-sources', [
      { id: 'r', op: 'table.read', args: { source: join(dir, 'nope.parquet') } },
      { id: 's', op: 'table.read', args: { source: csv } },
      { id: 'q', op: 'table.sql', deps: ['s'], args: { query: 'SELEC * FROM input0' } },
    ]);
    for (const command of ['validate', 'submit']) {
      const run = wukong([command, file, '--json']);
      expect(run.code, `${command}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toBe('');
      const answer = JSON.parse(run.stdout) as { ok: boolean; problems: { code: string; message: string; taskIds: string[] }[] };
      expect(answer.ok).toBe(false);
      expect(answer.problems.map((p) => [p.code, p.taskIds])).toEqual([
        ['table-source', ['r']],
        ['table-source', ['q']],
      ]);
      expect(answer.problems[0]?.message).toMatch(/^task r \(table\.read\): source .*nope\.parquet does not exist/);
      expect(answer.problems[1]?.message).toMatch(/^task q \(table\.sql\): SQL does not parse/);
    }
  });

  it('a valid chain of every transform passes validate; its SQL may end in a semicolon', () => {
    const file = dagFile('valid-chain', [
      read,
      { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone_id', op: '>=', value: 1 }] } },
      { id: 'p', op: 'table.project', deps: ['f'], args: { columns: ['zone_id', 'name'], derive: [{ as: 'big', sql: 'zone_id * 10', uses: ['zone_id'] }] } },
      { id: 'j', op: 'table.join', deps: ['p', 'r'], args: { on: ['zone_id'], how: 'left' } },
      { id: 'q', op: 'table.sql', deps: ['j'], args: { query: 'SELECT name, sum(big) AS total FROM input0 GROUP BY name;' } },
      { id: 'a', op: 'table.aggregate', deps: ['q'], args: { groupBy: ['name'], aggregates: [{ fn: 'max', column: 'total', as: 'top' }] } },
    ]);
    const run = wukong(['validate', file]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a CSV malformed past the sniffed sample passes validate; submit fails with exit 1 naming task, op and the engine message', () => {
    const file = dagFile('late-bad-csv', [{ id: 'r', op: 'table.read', args: { source: lateBadCsv } }]);
    expect(wukong(['validate', file]).code).toBe(0);
    const run = wukong(['submit', file, '--workers', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task r \(op table\.read\) failed: .*late-bad\.csv: .*(Conversion Error|CSV Error)/);
  });

  it('a failure only the run finds is exit 1 naming task, op and the engine message', () => {
    const file = dagFile('bad-cast', [
      { id: 'r', op: 'table.read', args: { source: csv } },
      { id: 'p', op: 'table.project', deps: ['r'], args: { columns: [], derive: [{ as: 'n', sql: 'CAST(name AS INTEGER)', uses: ['name'] }] } },
    ]);
    const run = wukong(['submit', file, '--workers', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task p \(op table\.project\) failed: .*Conversion Error/);
  });

  it('a filter pushed into its read that fails in the run is blamed on the filter task too; --no-pushdown fails the filter itself', () => {
    // Binds over the schema (validate passes); the cast of 'abc' to the column's integer type fails only on rows.
    const file = dagFile('pushed-bad-filter', [read, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone_id', op: '>', value: 'abc' }] } }]);
    expect(wukong(['validate', file]).code).toBe(0);
    const pushed = wukong(['submit', file, '--workers', '1']);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/task r \(op table\.read\) failed: .*Conversion Error[^]*this read applies the predicates of task f \(table\.filter\), pushed down into it/);
    const apart = wukong(['submit', file, '--workers', '1', '--no-pushdown']);
    expect(apart.code).toBe(1);
    expect(apart.stderr).toMatch(/task f \(op table\.filter\) failed: .*Conversion Error/);
    expect(apart.stderr).not.toContain('pushed down');
  });

  it('submit --output-format parquet writes a table output as Parquet', () => {
    const file = dagFile('copy', [{ id: 'r', op: 'table.read', args: { source: csv } }, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone_id', op: '>=', value: 2 }] } }]);
    const out = join(dir, 'out');
    const run = wukong(['submit', file, '--workers', '1', '--output-dir', out, '--output-format', 'parquet']);
    expect(run.code, run.stderr).toBe(0);
    const check = wukong(['validate', dagFile('reread', [{ id: 'x', op: 'table.read', args: { source: join(out, 'f.parquet'), columns: ['name'] } }])]);
    expect(check.code, check.stderr).toBe(0);
  });
});
