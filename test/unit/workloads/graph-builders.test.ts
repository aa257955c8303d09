import { describe, expect, it } from 'vitest';
import { addBlockedProduct } from '../../../workloads/blocked-product.js';
import { blockOffsets, blockSizes } from '../../../workloads/blocking.js';
import { DagBuilder } from '../../../workloads/dag-builder.js';
import { addTsqr, tsqrTaskCount } from '../../../workloads/generators/tsqr-graph.js';
import { deriveSeed } from '../../../workloads/seeds.js';
import { addTreeReduction, reductionLevels, treeReductionTaskCount } from '../../../workloads/tree-reduction.js';

describe('tree reductions', () => {
  it('groups consecutive items up to splitEvery and carries a lone leftover without a task', () => {
    expect(reductionLevels(5, 2)).toEqual([[[0, 1], [2, 3], [4]], [[0, 1], [2]], [[0, 1]]]);
    expect(reductionLevels(1, 2)).toEqual([]);
    for (const n of [2, 3, 7, 1024, 1025]) expect(treeReductionTaskCount(n, 2)).toBe(n - 1);
    expect(treeReductionTaskCount(16, 16)).toBe(1);
    expect(treeReductionTaskCount(40, 16)).toBe(4);
    expect(() => reductionLevels(4, 1)).toThrow(RangeError);
  });

  it('adds tasks level by level, names the root, and keeps inputs in order', () => {
    const builder = new DagBuilder();
    const leaves = ['a', 'b', 'c', 'd', 'e'].map((id) => builder.add(id, 'matrix.fill', { args: { rows: 1, cols: 1, value: 1 } }));
    const root = addTreeReduction(builder, leaves, { idPrefix: 's-', rootId: 'total', splitEvery: 2 });
    const spec = builder.build('t', [root]);
    expect(root).toBe('total');
    expect(spec.tasks.slice(5).map((t) => [t.id, t.deps])).toEqual([
      ['s-1-0', ['a', 'b']],
      ['s-1-1', ['c', 'd']],
      ['s-2-0', ['s-1-0', 's-1-1']],
      ['total', ['s-2-0', 'e']],
    ]);
  });
});

describe('DagBuilder', () => {
  it('refuses duplicate ids and deps on tasks that do not exist yet', () => {
    const builder = new DagBuilder();
    builder.add('x', 'matrix.identity', { args: { n: 2 } });
    expect(() => builder.add('x', 'matrix.identity', { args: { n: 2 } })).toThrow(/x is used twice/);
    expect(() => builder.add('y', 'matrix.qr', { deps: ['z#0'] })).toThrow(/depends on z#0/);
    expect(builder.add('y', 'matrix.qr', { deps: ['x'] })).toBe('y');
  });
});

describe('TSQR graph (Dask rule)', () => {
  const build = (blockRows: number[], cols: number) => {
    const builder = new DagBuilder();
    const blocks = blockRows.map((rows, i) => ({ ref: builder.add(`a-${i}`, 'matrix.random', { args: { rows, cols, seed: i } }), rows, cols }));
    const graph = addTsqr(builder, '', blocks, cols);
    return { spec: builder.build('t', []), graph, added: builder.size - blocks.length };
  };

  it('factors the stacked R in one task while they fit in the tallest block', () => {
    const { spec, graph, added } = build([100, 100, 100, 60], 20);
    expect(added).toBe(tsqrTaskCount([100, 100, 100, 60], 20));
    expect(added).toBe(3 * 4 + 2);
    expect(graph.r.ref).toBe('qr2#1');
    expect(spec.tasks.find((t) => t.id === 'q2-3')?.args).toEqual({ rowStart: 60, rowEnd: 80, colStart: 0, colEnd: 20 });
    expect(spec.tasks.find((t) => t.id === 'q-3')?.deps).toEqual(['qr-3#0', 'q2-3']);
  });

  it('recurses on groups no taller than a block, and not when a block cannot hold two R factors', () => {
    const deep = build(new Array<number>(10).fill(40), 10);
    expect(deep.graph.r.ref).toBe('r-qr2#1');
    expect(deep.spec.tasks.filter((t) => t.id.startsWith('stack-')).map((t) => t.deps?.length)).toEqual([4, 4, 2]);
    expect(deep.spec.tasks.find((t) => t.id === 'q2-5')?.deps).toEqual(['r-q-1']);
    expect(deep.added).toBe(tsqrTaskCount(new Array<number>(10).fill(40), 10));
    // Blocks of 15 rows hold only one 10-row R: no meaningful reduction, so one level.
    expect(build(new Array<number>(10).fill(15), 10).graph.r.ref).toBe('qr2#1');
    expect(() => build([30, 5], 10)).toThrow(/block 1 has 5/);
  });
});

describe('block products, block sizes and seeds', () => {
  it('lays out one product per (i, k, j) and one sum per output block', () => {
    const builder = new DagBuilder();
    for (const id of ['l-0', 'l-1', 'r-0', 'r-1']) builder.add(id, 'matrix.identity', { args: { n: 2 } });
    const out = addBlockedProduct(builder, {
      rowBlocks: 1,
      innerBlocks: 2,
      colBlocks: 1,
      left: (_i, k) => `l-${k}`,
      right: (k) => `r-${k}`,
      productId: (i, k, j) => `p-${i}-${k}-${j}`,
      sumId: (i, j) => `s-${i}-${j}`,
      splitEvery: 16,
    });
    expect(out).toEqual([['s-0-0']]);
    expect(builder.build('t', []).tasks.at(-1)).toEqual({ id: 's-0-0', op: 'matrix.add', deps: ['p-0-0-0', 'p-0-1-0'] });
  });

  it('covers a length with blocks, the last one short', () => {
    expect(blockSizes(10, 4)).toEqual([4, 4, 2]);
    expect(blockOffsets([4, 4, 2])).toEqual([0, 4, 8]);
    expect(blockSizes(8, 8)).toEqual([8]);
  });

  it('derives distinct, reproducible, safe-integer seeds per stream and index', () => {
    const seeds = new Set<number>();
    for (let stream = 0; stream < 4; stream += 1) for (let i = 0; i < 250; i += 1) seeds.add(deriveSeed(1, stream, i));
    expect(seeds.size).toBe(1000);
    for (const seed of seeds) expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(2, 2, 3));
    expect(deriveSeed(1, 2, 3, 4)).not.toBe(deriveSeed(1, 2, 34));
  });
});
