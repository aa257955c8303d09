import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { RunSpec } from '../../../src/model/run-spec.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { openSharedRunDag, sharedRunDagOf } from '../../../src/runtime/embedded/shared-run-dag.js';
import { fanInTaskIds } from '../../../src/runtime/run-cache.js';

/** Refs to earlier tasks: plain ids, `t#n` outputs, the same parent twice (as two outputs or repeated). */
const ref = (index: number) => fc.tuple(fc.nat(), fc.constantFrom('', '#0', '#1', '#2')).map(([pick, output]) => `t${pick % index}${output}`);

const task = (index: number): fc.Arbitrary<TaskSpec> =>
  fc
    .record(
      {
        op: fc.constantFrom('a.op', 'b.op', 'matrix.qr'),
        args: fc.dictionary(fc.constantFrom('ms', 'n', 'name'), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 2 }),
        deps: index === 0 ? fc.constant([] as string[]) : fc.array(ref(index), { maxLength: 4 }),
        hints: fc.record({ durationMs: fc.nat(1000) }),
      },
      { requiredKeys: ['op'] },
    )
    .map(({ deps, ...rest }) => ({ id: `t${index}`, ...rest, ...(deps && deps.length > 0 ? { deps } : {}) }));

const dagSpec: fc.Arbitrary<DagSpec> = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc
    .tuple(fc.tuple(...Array.from({ length: n }, (_, i) => task(i))), fc.option(fc.constantFrom('dag-x', 'y')), fc.boolean())
    .map(([tasks, name, named]) => ({ ...(name !== null ? { name } : {}), tasks, ...(named ? { outputs: [`t${n - 1}`, 't0#1'] } : {}) })),
);

const runSpec = (dag: DagSpec): RunSpec => ({ version: 1, runId: 'r-1', dag, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0, deadlineAt: 1_234, fromCache: ['t0'] });

describe('a run handed to threads as a shared DAG', () => {
  it('answers every question the spec-built RunDag answers, the same, and its spec reads back as the spec', () => {
    fc.assert(
      fc.property(dagSpec, (dag) => {
        const spec = runSpec(dag);
        // A thread gets the message by structured clone; the arrays stay shared.
        const run = openSharedRunDag(structuredClone(sharedRunDagOf(spec)));
        const expected = runDagFromSpec(dag);
        for (const { id } of dag.tasks) {
          expect(run.dag.parents(id)).toEqual(expected.parents(id));
          expect(run.dag.children(id)).toEqual(expected.children(id));
          expect(run.dag.inputRefs(id)).toEqual(expected.inputRefs(id));
          expect(run.dag.isOutput(id)).toBe(expected.isOutput(id));
          // The task without its deps (the graph answers those).
          const { deps: _deps, ...task } = expected.task(id) as TaskSpec;
          expect(run.dag.task(id)).toEqual(task);
        }
        expect(run.dag.sources()).toEqual(expected.sources());
        expect(run.fanInTasks()).toEqual(fanInTaskIds(dag.tasks));
        expect([...run.opNames()].sort()).toEqual([...new Set(dag.tasks.map((t) => t.op))].sort());
        expect(JSON.parse(JSON.stringify(run.spec))).toEqual(JSON.parse(JSON.stringify(spec)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps args of any characters, beside tasks of ASCII args and none', () => {
    const tasks: TaskSpec[] = [
      { id: 'a', op: 'x', args: { name: 'plain' } },
      { id: 'b', op: 'x', args: { name: 'ünï€ 😀' }, deps: ['a'] },
      { id: 'c', op: 'y', deps: ['a', 'b'] },
      { id: 'd', op: 'x', args: { name: 'après' }, hints: { durationMs: 3 }, deps: ['c'] },
    ];
    const run = openSharedRunDag(structuredClone(sharedRunDagOf(runSpec({ tasks }))));
    expect(run.spec.dag.tasks).toEqual(tasks);
  });

  it('names the unknown task it is asked about', () => {
    const run = openSharedRunDag(sharedRunDagOf(runSpec({ tasks: [{ id: 'a', op: 'x' }] })));
    expect(() => run.dag.task('b')).toThrow(/unknown task b/);
  });
});
