import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { emptyArray } from '../../../src/model/empty-array.js';

/** Random DAGs whose deps may name several outputs of one parent (`t3#1`), in any order. */
const specArbitrary: fc.Arbitrary<DagSpec> = fc
  .integer({ min: 1, max: 30 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.array(fc.tuple(fc.integer({ min: 0, max: Math.max(0, i - 1) }), fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined })), { maxLength: i === 0 ? 0 : 5 }),
      ),
      fc.boolean(),
    ),
  )
  .map((drawn) => {
    const withOutputs = drawn.pop() as boolean;
    const deps = drawn as [number, number | undefined][][];
    const tasks = deps.map((refs, i) => {
      const unique = [...new Set(refs.map(([p, output]) => (output === undefined ? `t${p}` : `t${p}#${output}`)))];
      return { id: `t${i}`, op: 'synthetic.work', ...(unique.length ? { deps: unique } : {}) };
    });
    return { name: 'random', tasks, ...(withOutputs ? { outputs: [`t${tasks.length - 1}`, 't0#1'] } : {}) };
  });

describe('runDagFromSpec (the executor view of a validated DAG)', () => {
  it('answers as the validating model does: parents, children, refs, sources, outputs, order', () => {
    fc.assert(
      fc.property(specArbitrary, (spec) => {
        const model = Dag.fromSpec(spec);
        const compiled = runDagFromSpec(spec);
        expect(compiled.sources()).toEqual(model.sources());
        expect(compiled.topologicalOrder()).toEqual(model.topologicalOrder());
        expect(compiled.outputRefs()).toEqual(spec.outputs ?? model.sinks());
        for (const task of spec.tasks) {
          expect(compiled.parents(task.id)).toEqual(model.parents(task.id));
          expect(compiled.children(task.id)).toEqual(model.children(task.id));
          expect(compiled.inputRefs(task.id)).toEqual(model.inputRefs(task.id));
          expect(compiled.isOutput(task.id)).toBe(model.isOutput(task.id));
          expect(compiled.task(task.id)).toBe(task);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a child once when it reads several outputs of one parent, wherever they sit in its deps', () => {
    const dag = runDagFromSpec({ name: 'multi', tasks: [{ id: 'a', op: 'x' }, { id: 'b', op: 'x' }, { id: 'c', op: 'x', deps: ['a#0', 'b', 'a#1'] }] });
    expect(dag.children('a')).toEqual(['c']);
    expect(dag.parents('c')).toEqual(['a', 'b']);
    expect(dag.inputRefs('c')).toEqual([
      { taskId: 'a', output: 0 },
      { taskId: 'b', output: 0 },
      { taskId: 'a', output: 1 },
    ]);
  });

  it("answers a source's parents and inputs, and a sink's children, with the one shared empty array", () => {
    const dag = runDagFromSpec({ name: 'pair', tasks: [{ id: 'a', op: 'x' }, { id: 'b', op: 'x', deps: [] }, { id: 'c', op: 'x', deps: ['a', 'b'] }] });
    const none = emptyArray();
    for (const source of ['a', 'b']) {
      expect(dag.parents(source)).toBe(none);
      expect(dag.inputRefs(source)).toBe(none);
    }
    expect(dag.children('c')).toBe(none);
    expect(none).toHaveLength(0);
  });

  it('refuses a task it does not know', () => {
    expect(() => runDagFromSpec({ name: 'one', tasks: [{ id: 'a', op: 'x' }] }).task('z')).toThrow(/unknown task z/);
  });
});
