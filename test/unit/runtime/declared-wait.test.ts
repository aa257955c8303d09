import { describe, expect, it } from 'vitest';
import { bytes, matrix } from '../../../src/data/value.js';
import { declaresWait } from '../../../src/runtime/declared-wait.js';
import { syntheticWork } from '../../../src/ops/synthetic/work.js';
import { matrixAdd } from '../../../src/ops/matrix/arithmetic.js';
import type { OpDefinition } from '../../../src/ops/op-definition.js';
import type { Value } from '../../../src/data/value.js';

const anyOp = (op: unknown) => op as OpDefinition<Record<string, unknown>>;

describe('declaresWait', () => {
  it('is true for ops whose cost declares a wait on these inputs and args, false otherwise', () => {
    const block = matrix(2, 2, new Float64Array(4));
    expect(declaresWait(anyOp(syntheticWork), [bytes(new Uint8Array(4))], { ms: 10, outputBytes: 8, mode: 'sleep' })).toBe(true);
    expect(declaresWait(anyOp(syntheticWork), [], { ms: 10, outputBytes: 8, mode: 'spin' })).toBe(false);
    expect(declaresWait(anyOp(matrixAdd), [block, block], { delayMs: 500 })).toBe(true);
    expect(declaresWait(anyOp(matrixAdd), [block, block], {})).toBe(false);
  });

  it('is false where it cannot be told: no cost declaration, a table input, a declaration that throws', () => {
    const noCost = anyOp({ name: 'user.nap', outputs: 1, run: () => [] });
    expect(declaresWait(noCost, [], {})).toBe(false);
    const waits = anyOp({ name: 'user.wait', outputs: 1, run: () => [], cost: () => ({ waitMs: 5 }) });
    expect(declaresWait(waits, [], {})).toBe(true);
    const table = { kind: 'table', table: {} } as unknown as Value;
    expect(declaresWait(waits, [table], {})).toBe(false);
    const throws = anyOp({ name: 'user.bad', outputs: 1, run: () => [], cost: () => { throw new Error('no'); } });
    expect(declaresWait(throws, [], {})).toBe(false);
  });
});
