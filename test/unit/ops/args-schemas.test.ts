import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { MAX_BLOCK_ELEMENTS } from '../../../src/ops/matrix/block-limits.js';

const registry = createBuiltinRegistry();

function accepts(op: string, args: unknown): boolean {
  return registry.get(op).args.safeParse(args).success;
}

describe('op args schemas', () => {
  it('synthetic.work: fills defaults and rejects bad values', () => {
    expect(registry.get('synthetic.work').args.parse({ ms: 5 })).toEqual({ ms: 5, outputBytes: 8, mode: 'spin' });
    expect(accepts('synthetic.work', { ms: 1.5, outputBytes: 0, mode: 'sleep' })).toBe(true);
    expect(accepts('synthetic.work', { ms: -1 })).toBe(false);
    expect(accepts('synthetic.work', { ms: Number.NaN })).toBe(false);
    expect(accepts('synthetic.work', { ms: 1, outputBytes: 1.5 })).toBe(false);
    expect(accepts('synthetic.work', { ms: 1, outputBytes: -8 })).toBe(false);
    expect(accepts('synthetic.work', { ms: 1, mode: 'nap' })).toBe(false);
    expect(accepts('synthetic.work', { ms: '10' })).toBe(false);
  });

  it('synthetic.bytes: needs a non-negative integer size; seed defaults to 0', () => {
    expect(registry.get('synthetic.bytes').args.parse({ bytes: 3 })).toEqual({ bytes: 3, seed: 0 });
    expect(accepts('synthetic.bytes', { bytes: 3, seed: -12 })).toBe(true);
    expect(accepts('synthetic.bytes', { bytes: 3, seed: 0.5 })).toBe(false);
    expect(accepts('synthetic.bytes', { bytes: -1 })).toBe(false);
  });

  it('matrix constructors: positive integer dimensions within the block limit', () => {
    expect(registry.get('matrix.random').args.parse({ rows: 2, cols: 3 })).toEqual({ rows: 2, cols: 3, seed: 0 });
    expect(accepts('matrix.random', { rows: 0, cols: 3, seed: 1 })).toBe(false);
    expect(accepts('matrix.random', { rows: 2.5, cols: 3, seed: 1 })).toBe(false);
    expect(accepts('matrix.random', { rows: MAX_BLOCK_ELEMENTS, cols: 2, seed: 1 })).toBe(false);
    expect(accepts('matrix.fill', { rows: 2, cols: 2 })).toBe(false);
    expect(accepts('matrix.fill', { rows: 2, cols: 2, value: Number.POSITIVE_INFINITY })).toBe(false);
    expect(accepts('matrix.identity', { n: 0 })).toBe(false);
    expect(accepts('matrix.scale', { factor: 'two' })).toBe(false);
  });

  it('matrix.slice: non-negative integer bounds with start < end', () => {
    const ok = { rowStart: 0, rowEnd: 2, colStart: 1, colEnd: 3 };
    expect(accepts('matrix.slice', ok)).toBe(true);
    expect(accepts('matrix.slice', { ...ok, rowEnd: 0 })).toBe(false);
    expect(accepts('matrix.slice', { ...ok, colStart: 3 })).toBe(false);
    expect(accepts('matrix.slice', { ...ok, rowStart: -1 })).toBe(false);
    const { colEnd: _omitted, ...missing } = ok;
    expect(accepts('matrix.slice', missing)).toBe(false);
  });

  it('ops without args accept {} and nothing else', () => {
    for (const name of ['synthetic.concat', 'matrix.add', 'matrix.matmul', 'matrix.qr', 'matrix.svd']) {
      expect(accepts(name, {})).toBe(true);
      expect(accepts(name, { factor: 2 })).toBe(false);
    }
  });
});
