import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { matrixShapeOf, bytesShapeOf, type ValueShape } from '../../../src/ops/value-shape.js';
import type { OpCost } from '../../../src/ops/op-definition.js';

const ops = createBuiltinRegistry();
const m = matrixShapeOf;

function costOf(name: string, inputs: readonly ValueShape[], rawArgs: Record<string, unknown> = {}): OpCost | undefined {
  const op = ops.lookup(name);
  if (!op?.cost) throw new Error(`${name} declares no cost`);
  return op.cost(inputs, op.args.parse(rawArgs));
}

describe('built-in op cost declarations (issue 15 item 1)', () => {
  it('every built-in matrix, svc and synthetic op declares its cost next to its shapes', () => {
    const undeclared = ops
      .names()
      .filter((name) => /^(matrix|svc|synthetic)\./.test(name))
      .filter((name) => ops.get(name).cost === undefined);
    expect(undeclared).toEqual([]);
  });

  it('matmul: 2mkn flops, both operands read and the product written', () => {
    expect(costOf('matrix.matmul', [m(100, 20), m(20, 30)])).toEqual({ kernel: 'matmul', flops: 2 * 100 * 20 * 30, bytesRead: (100 * 20 + 20 * 30) * 8, bytesWritten: 100 * 30 * 8 });
    expect(costOf('matrix.matmul', [m(100, 20), m(21, 30)])).toBeUndefined();
  });

  it('qr: the LAPACK count of a thin QR with Q formed (4mn^2 - 4n^3/3)', () => {
    const c = costOf('matrix.qr', [m(2048, 64)]);
    expect(c?.kernel).toBe('qr');
    expect(c?.flops).toBeCloseTo(4 * 2048 * 64 ** 2 - (4 * 64 ** 3) / 3, 6);
    expect(costOf('matrix.qr', [m(10, 20)])).toBeUndefined();
  });

  it('svd: 4mnk + 22k^3 with k = min(m, n)', () => {
    expect(costOf('matrix.svd', [m(50, 10)])?.flops).toBe(4 * 50 * 10 * 10 + 22 * 1000);
  });

  it('add: (k-1) flops per element over k inputs; delayMs is a wait, not work', () => {
    const plain = costOf('matrix.add', [m(10, 10), m(10, 10), m(10, 10)]);
    expect(plain).toEqual({ kernel: 'elementwise', flops: 200, bytesRead: 3 * 800, bytesWritten: 800 });
    expect(costOf('matrix.add', [m(10, 10), m(10, 10)], { delayMs: 500 })).toMatchObject({ waitMs: 500, flops: 100 });
  });

  it('layout ops move their bytes once; generators write theirs', () => {
    expect(costOf('matrix.transpose', [m(10, 20)])).toEqual({ kernel: 'copy', bytesRead: 1600, bytesWritten: 1600 });
    expect(costOf('matrix.slice', [m(10, 20)], { rowStart: 0, rowEnd: 5, colStart: 0, colEnd: 4 })).toEqual({ kernel: 'copy', bytesRead: 160, bytesWritten: 160 });
    expect(costOf('matrix.random', [], { rows: 10, cols: 10 })).toEqual({ kernel: 'random', bytesWritten: 800 });
    expect(costOf('synthetic.concat', [bytesShapeOf(3), bytesShapeOf(4)])).toEqual({ kernel: 'copy', bytesRead: 7, bytesWritten: 7 });
  });

  it('synthetic.work: spinning is cpu time, sleeping is a wait', () => {
    expect(costOf('synthetic.work', [], { ms: 40 })).toMatchObject({ cpuMs: 40 });
    expect(costOf('synthetic.work', [], { ms: 40, mode: 'sleep' })).toMatchObject({ waitMs: 40 });
  });

  it('svc ops scale with the chunk (and train with its epochs)', () => {
    const one = costOf('svc.train-chunk', [m(1000, 8), m(1000, 1), m(1, 9)], { lambda: 0.1 });
    const three = costOf('svc.train-chunk', [m(1000, 8), m(1000, 1), m(1, 9)], { lambda: 0.1, epochs: 3 });
    expect(three?.flops).toBe(3 * (one?.flops ?? 0));
    expect(costOf('svc.predict', [m(1000, 8), m(1, 9)])?.flops).toBe(2 * 1000 * 8);
  });
});
