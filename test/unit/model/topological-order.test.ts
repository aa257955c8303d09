import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import type { TaskSpec } from '../../../src/model/dag-schema.js';
import { topologicalIndexOrder, topologicalOrder, type TopologyView } from '../../../src/model/topological-order.js';

/** A view over explicit parent lists (children in declaration order, as Dag keeps them). */
function view(parents: Record<string, string[]>): TopologyView {
  const ids = Object.keys(parents);
  const children = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const p of parents[id] ?? []) children.get(p)?.push(id);
  return {
    sources: () => ids.filter((id) => (parents[id] ?? []).length === 0),
    parents: (id) => parents[id] ?? [],
    children: (id) => children.get(id) ?? [],
  };
}

const isLinearExtension = (order: readonly string[], parents: Record<string, string[]>): boolean => {
  const position = new Map(order.map((id, i) => [id, i]));
  return Object.entries(parents).every(([id, ps]) => ps.every((p) => (position.get(p) ?? Infinity) < (position.get(id) ?? -Infinity)));
};

/** Random DAGs: task i may depend on any earlier task. */
const dagArbitrary = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 4 }))))
  .map((deps) => Object.fromEntries(deps.map((ps, i) => [`t${i}`, ps.map((p) => `t${p}`)])) as Record<string, string[]>);

describe('topologicalOrder (the one sort)', () => {
  it('puts parents first and keeps ready ties in the order they became ready', () => {
    expect(topologicalOrder(view({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: [] }))).toEqual(['a', 'e', 'b', 'c', 'd']);
  });

  it('leaves out tasks on or behind a cycle', () => {
    expect(topologicalOrder(view({ a: [], b: ['a', 'c'], c: ['b'], d: ['c'] }))).toEqual(['a']);
  });

  it('with a pick gives a linear extension that depends on the picks', () => {
    const parents = { a: [], b: [], c: ['a'], d: ['b'] };
    const last = topologicalOrder(view(parents), { pick: (readyCount) => readyCount - 1 });
    expect(last).toEqual(['b', 'd', 'a', 'c']);
    expect(isLinearExtension(last, parents)).toBe(true);
  });

  it('orders every random DAG the way Dag.fromSpec does (both run topologicalIndexOrder)', () => {
    fc.assert(
      fc.property(dagArbitrary, (parents) => {
        const tasks: TaskSpec[] = Object.entries(parents).map(([id, ps]) => ({ id, op: 'synthetic.work', ...(ps.length > 0 ? { deps: ps } : {}) }));
        const order = topologicalOrder(view(parents));
        expect(order).toHaveLength(tasks.length);
        expect(isLinearExtension(order, parents)).toBe(true);
        expect(Dag.fromSpec({ tasks }).topologicalOrder()).toEqual(order);
      }),
    );
  });

  it('over indices returns fewer tasks than taskCount exactly when a cycle blocks some', () => {
    const children = [[1], [2], [1]]; // 0 -> 1 -> 2 -> 1
    const order = topologicalIndexOrder({ taskCount: 3, sources: [0], parentCount: (t) => [0, 2, 1][t] as number, forEachChild: (t, visit) => children[t]?.forEach(visit) });
    expect(Array.from(order)).toEqual([0]);
  });
});
