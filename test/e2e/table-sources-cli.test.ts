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
const badParquet = join(dir, 'bad.parquet');
writeFileSync(badParquet, 'PAR1 this is not a parquet file at all');

function dagFile(name: string, tasks: unknown[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, tasks }));
  return path;
}

describe('table sources on the CLI (e2e)', () => {
  it.each([
    ['missing source', [{ id: 'r', op: 'table.read', args: { source: join(dir, 'nope.parquet') } }], /task r \(table\.read\): source .*nope\.parquet does not exist/],
    ['malformed parquet', [{ id: 'r', op: 'table.read', args: { source: badParquet } }], /task r \(table\.read\): .*bad\.parquet is not a readable parquet file/],
    ['unknown column', [{ id: 'r', op: 'table.read', args: { source: csv, columns: ['zone_id', 'borough'] } }], /task r \(table\.read\): .*zones\.csv has no column "borough" \(it has zone_id, name\)/],
    ['SQL syntax', [{ id: 'r', op: 'table.read', args: { source: csv } }, { id: 'q', op: 'table.sql', deps: ['r'], args: { query: 'SELEC * FROM input0' } }], /task q \(table\.sql\): SQL does not parse: .*syntax error/],
  ])('%s: validate exits 2 naming the task (submit too, for a missing source)', (name, tasks, message) => {
    const file = dagFile(name.replaceAll(' ', '-'), tasks);
    for (const command of name === 'missing source' ? ['validate', 'submit'] : ['validate']) {
      const run = wukong([command, file]);
      expect(run.code, `${command}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
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

  it('submit --output-format parquet writes a table output as Parquet', () => {
    const file = dagFile('copy', [{ id: 'r', op: 'table.read', args: { source: csv } }, { id: 'f', op: 'table.filter', deps: ['r'], args: { where: [{ column: 'zone_id', op: '>=', value: 2 }] } }]);
    const out = join(dir, 'out');
    const run = wukong(['submit', file, '--workers', '1', '--output-dir', out, '--output-format', 'parquet']);
    expect(run.code, run.stderr).toBe(0);
    const check = wukong(['validate', dagFile('reread', [{ id: 'x', op: 'table.read', args: { source: join(out, 'f.parquet'), columns: ['name'] } }])]);
    expect(check.code, check.stderr).toBe(0);
  });
});
