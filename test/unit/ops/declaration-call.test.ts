import { describe, expect, it } from 'vitest';
import { callDeclaration, OpDeclarationError } from '../../../src/ops/declaration-call.js';
import { BadInputError } from '../../../src/model/errors.js';

describe('callDeclaration', () => {
  it("turns a user op's throw into bad input naming the task, the op and the function", () => {
    const call = () => callDeclaration({ name: 'demo.x', source: '/nowhere/ops.mjs' }, 'shape', 't1', () => {
      throw new RangeError('no shape');
    });
    expect(call).toThrow(OpDeclarationError);
    expect(call).toThrow(BadInputError);
    expect(call).toThrow(/^task t1 \(op demo\.x\): its shape function threw: RangeError: no shape/);
  });

  it("lets a built-in's throw through as it is: that is the project's bug, not the user's input", () => {
    const boom = new Error('built-in bug');
    expect(() => callDeclaration({ name: 'matrix.add' }, 'cost', 't1', () => { throw boom; })).toThrow(boom);
    expect(callDeclaration({ name: 'matrix.add' }, 'cost', 't1', () => 7)).toBe(7);
  });
});
