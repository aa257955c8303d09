import { describe, expect, it } from 'vitest';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { queryTable } from '../../../../src/ops/table/run-query.js';

/**
 * An input another executor thread put in the embedded store arrives as views of a
 * SharedArrayBuffer (values of 64 KiB or more, runtime/embedded/port-rpc.ts). The engine's C API
 * takes only ArrayBuffers: before the fix, `replay pipeline --planner random` failed with
 * "task enriched (op table.project) failed: Invalid argument".
 */
describe('table ops on inputs held in shared memory', () => {
  it('query a table whose columns are views of a SharedArrayBuffer', async () => {
    const rows = 10_000;
    const ids = Int32Array.from({ length: rows }, (_, i) => i);
    const amounts = Float64Array.from({ length: rows }, (_, i) => i / 4);
    const bytes = tableToIPC(tableFromArrays({ id: ids, amount: amounts }), 'stream');
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
    shared.set(bytes);
    const table = tableFromIPC(shared);
    expect(table.getChild('amount')!.data[0]!.values.buffer).toBeInstanceOf(SharedArrayBuffer);

    const result = await queryTable(table, (from) => `SELECT count(*)::INTEGER AS n, sum(amount) AS total, max(id) AS top FROM ${from} WHERE id % 2 = 0`);

    const row = result.get(0)!.toJSON();
    expect(row).toEqual({ n: rows / 2, total: amounts.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0), top: rows - 2 });
  });
});
