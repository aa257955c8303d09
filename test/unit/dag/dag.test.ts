import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { DagValidationError } from '../../../src/dag/dag-problem.js';
import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { BadInputError, NotFoundError } from '../../../src/model/errors.js';

const task = (id: string, deps: string[] = [], durationMs?: number): TaskSpec => ({
  id,
  op: 'synthetic.work',
  args: { ms: 0 },
  ...(deps.length > 0 ? { deps } : {}),
  ...(durationMs === undefined ? {} : { hints: { durationMs } }),
});

/** a -> b, a -> c, b -> d, c -> d: the diamond, with durations on b (10) and c (30). */
const diamond = (): Dag => Dag.fromSpec({ name: 'diamond', tasks: [task('a'), task('b', ['a'], 10), task('c', ['a'], 30), task('d', ['b', 'c'])] });

/** Throws what fromSpec throws, so tests can look at the problems. */
function fromSpecError(spec: DagSpec): DagValidationError {
  try {
    Dag.fromSpec(spec);
  } catch (error) {
    if (error instanceof DagValidationError) return error;
    throw error;
  }
  throw new Error('expected Dag.fromSpec to throw');
}

describe('Dag', () => {
  it('looks tasks up and links parents and children', () => {
    // Act
    const dag = diamond();
    // Assess
    expect(dag.name).toBe('diamond');
    expect(dag.taskCount()).toBe(4);
    expect(dag.edgeCount()).toBe(4);
    expect(dag.task('c').hints?.durationMs).toBe(30);
    expect(dag.has('d')).toBe(true);
    expect(dag.has('e')).toBe(false);
    expect(dag.parents('d')).toEqual(['b', 'c']);
    expect(dag.children('a')).toEqual(['b', 'c']);
    expect(dag.parents('a')).toEqual([]);
    expect(dag.children('d')).toEqual([]);
    expect(dag.sources()).toEqual(['a']);
    expect(dag.sinks()).toEqual(['d']);
    expect(dag.depth()).toBe(3);
    expect(dag.indexOf('c')).toBe(2);
    expect(dag.indexOf('nope')).toBe(-1);
  });

  it('keeps deps order and repeats in input refs, but counts a producer once as a parent', () => {
    const dag = Dag.fromSpec({
      tasks: [
        { id: 'x', op: 'matrix.random' },
        { id: 'q', op: 'matrix.qr', deps: ['x'] },
        { id: 'm', op: 'matrix.matmul', deps: ['q#1', 'x', 'q#0'] },
        { id: 'sq', op: 'matrix.matmul', deps: ['x', 'x'] },
      ],
    });
    expect(dag.inputRefs('m')).toEqual([
      { taskId: 'q', output: 1 },
      { taskId: 'x', output: 0 },
      { taskId: 'q', output: 0 },
    ]);
    expect(dag.parents('m')).toEqual(['q', 'x']);
    expect(dag.parents('sq')).toEqual(['x']);
    expect(dag.inputRefs('sq')).toHaveLength(2);
    expect(dag.children('x')).toEqual(['q', 'm', 'sq']);
    expect(dag.edgeCount()).toBe(4); // x->q, q->m, x->m, x->sq
  });

  it('throws NotFoundError for an unknown task id', () => {
    const dag = diamond();
    expect(() => dag.parents('ghost')).toThrow(NotFoundError);
    expect(() => dag.task('ghost')).toThrow(/no task "ghost" in DAG diamond/);
  });

  it('orders every task after its parents, ties in spec order', () => {
    const dag = Dag.fromSpec({ tasks: [task('d', ['b', 'c']), task('c', ['a']), task('b', ['a']), task('a'), task('z')] });
    expect(dag.topologicalOrder()).toEqual(['a', 'z', 'c', 'b', 'd']);
  });

  it('outputs are the spec outputs, else the sinks', () => {
    expect(diamond().outputs()).toEqual(['d']);
    const dag = Dag.fromSpec({ tasks: [task('a'), task('b', ['a']), task('c', ['a'])], outputs: ['b'] });
    expect(dag.outputs()).toEqual(['b']);
    expect(dag.sinks()).toEqual(['b', 'c']);
    expect(dag.isOutput('b')).toBe(true);
    expect(dag.isOutput('c')).toBe(false);
  });

  it('critical path: hinted durations, else 1 a task', () => {
    // a(1) -> c(30) -> d(1) beats a(1) -> b(10) -> d(1)
    expect(diamond().criticalPath()).toEqual({ taskIds: ['a', 'c', 'd'], length: 32 });
  });

  it('critical path with a custom weight; ties go to the path ending last, through the first parent', () => {
    const dag = diamond();
    expect(dag.criticalPath((id) => (id === 'b' ? 100 : 0))).toEqual({ taskIds: ['a', 'b', 'd'], length: 100 });
    expect(dag.criticalPath(() => 1)).toEqual({ taskIds: ['a', 'b', 'd'], length: 3 });
    // The cached default-weight answer is not disturbed by custom weights.
    expect(dag.criticalPath().length).toBe(32);
  });

  it('critical path of disconnected tasks is the heaviest single task', () => {
    const dag = Dag.fromSpec({ tasks: [task('a', [], 5), task('b', [], 7), task('c', [], 6)] });
    expect(dag.criticalPath()).toEqual({ taskIds: ['b'], length: 7 });
    expect(dag.depth()).toBe(1);
  });

  it('rejects weights that are not finite and non-negative, naming the task', () => {
    const dag = diamond();
    expect(() => dag.criticalPath((id) => (id === 'c' ? Number.NaN : 1))).toThrow(BadInputError);
    expect(() => dag.criticalPath((id) => (id === 'b' ? -1 : 1))).toThrow(/task b/);
  });

  it('caches derived results (same array on the second call)', () => {
    const dag = diamond();
    expect(dag.topologicalOrder()).toBe(dag.topologicalOrder());
    expect(dag.sinks()).toBe(dag.sinks());
    expect(dag.parents('d')).toBe(dag.parents('d'));
    expect(dag.criticalPath()).toBe(dag.criticalPath());
  });

  it('exposes the DAG as a graphlib graph: nodes labelled with tasks, producer -> consumer edges', () => {
    const dag = diamond();
    const graph = dag.graph;
    expect(graph).toBe(dag.graph);
    expect(graph.nodeCount()).toBe(4);
    expect(graph.edgeCount()).toBe(4);
    expect(graph.hasEdge('a', 'b')).toBe(true);
    expect(graph.hasEdge('b', 'a')).toBe(false);
    expect(graph.node('c')).toBe(dag.task('c'));
    expect(graph.predecessors('d')?.sort()).toEqual(['b', 'c']);
    expect(graph.graph()).toEqual({ name: 'diamond' });
  });

  it('refuses duplicate ids, unknown deps, self deps and cycles', () => {
    expect(fromSpecError({ tasks: [task('a'), task('a')] }).problems.map((p) => p.code)).toEqual(['duplicate-id']);
    expect(fromSpecError({ tasks: [task('a', ['ghost']), task('b', ['b'])] }).problems.map((p) => p.code)).toEqual(['unknown-dep', 'self-dep']);
    const cycle = fromSpecError({ tasks: [task('s'), task('x', ['s', 'z']), task('y', ['x']), task('z', ['y'])] }).problems;
    expect(cycle).toHaveLength(1);
    expect(cycle[0]?.code).toBe('cycle');
    // z feeds x, x feeds y, y feeds z; printed from the task listed first.
    expect(cycle[0]?.message).toBe('x -> y -> z -> x');
    expect(cycle[0]?.taskIds).toEqual(['x', 'y', 'z']);
  });

  it('handles a 100,000-task chain and a 100,000-wide fan-in without recursion', () => {
    const n = 100_000;
    const chain = Dag.fromSpec({ tasks: Array.from({ length: n }, (_, i) => task(`t${i}`, i === 0 ? [] : [`t${i - 1}`])) });
    expect(chain.depth()).toBe(n);
    expect(chain.criticalPath().taskIds).toHaveLength(n);
    const leaves = Array.from({ length: n }, (_, i) => task(`l${i}`));
    const fanIn = Dag.fromSpec({ tasks: [...leaves, task('sum', leaves.map((t) => t.id))] });
    expect(fanIn.parents('sum')).toHaveLength(n);
    expect(fanIn.sources()).toHaveLength(n);
    expect(fanIn.depth()).toBe(2);
  });

  it('property: random DAGs keep every edge forward in topological order; depth and critical path agree with a reference', () => {
    // Random DAGs: task i may depend on any earlier task, so the spec is acyclic by construction;
    // tasks are then shuffled so that spec order is not already a topological order.
    const arbitraryDag = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
          fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(arbitraryDag, ([depChoices, durations, order]) => {
        const depsOf = depChoices.map((choices, i) => (i === 0 ? [] : choices.map((c) => `t${c % i}`)));
        const dag = Dag.fromSpec({ tasks: order.map((i) => task(`t${i}`, depsOf[i], durations[i])) });
        const position = new Map(dag.topologicalOrder().map((id, k) => [id, k]));
        expect(position.size).toBe(order.length);
        for (const id of dag.taskIds()) for (const p of dag.parents(id)) expect(position.get(p)).toBeLessThan(position.get(id) as number);
        // Reference: memoized longest path over the index order (task i's deps are all < i).
        const best: number[] = [];
        const levels: number[] = [];
        depsOf.forEach((deps, i) => {
          const parents = deps.map((d) => Number(d.slice(1)));
          best[i] = (durations[i] as number) + Math.max(0, ...parents.map((p) => best[p] as number));
          levels[i] = 1 + Math.max(0, ...parents.map((p) => levels[p] as number));
        });
        expect(dag.criticalPath().length).toBe(Math.max(...best));
        expect(dag.depth()).toBe(Math.max(...levels));
        const path = dag.criticalPath().taskIds;
        for (let k = 1; k < path.length; k += 1) expect(dag.parents(path[k] as string)).toContain(path[k - 1]);
        expect(dag.parents(path[0] as string)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
