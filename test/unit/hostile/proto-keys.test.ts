import { describe, expect, it } from 'vitest';
import { plan, simulate } from '../../../src/api/index.js';
import { validateDag } from '../../../src/dag/validate.js';
import { AnnotatedDagSchema } from '../../../src/model/annotated-dag.js';
import { TaskSpecSchema } from '../../../src/model/dag-schema.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { BUILTIN_PLANNER_NAMES } from '../../../src/plan/builtin-planners.js';

/** Ids that name members of Object.prototype: a plain object keyed by task id mistakes them. */
const HOSTILE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const work = (id: string, deps?: string[]) => ({ id, op: 'synthetic.work', args: { ms: 5, outputBytes: 64, mode: 'sleep' }, ...(deps ? { deps } : {}) });
// __proto__ -> constructor, toString -> hasOwnProperty, both -> sink: a fan-in on hostile ids.
const dag = {
  name: 'proto-ids',
  tasks: [work('__proto__'), work('constructor', ['__proto__']), work('toString'), work('hasOwnProperty', ['toString']), work('sink', ['constructor', 'hasOwnProperty'])],
};
const planners = BUILTIN_PLANNER_NAMES.filter((name) => name !== 'wukong');

describe('task ids that name Object.prototype members', () => {
  it.each(planners)('planner %s assigns every task, __proto__ included', async (planner) => {
    const annotated = await plan(dag, { planner });
    const assigned = Object.keys(annotated.plan.tasks).sort();
    expect(assigned).toEqual([...HOSTILE_IDS, 'sink'].sort());
    for (const id of HOSTILE_IDS) expect(Object.hasOwn(annotated.plan.tasks, id)).toBe(true);
    for (const id of HOSTILE_IDS) expect(typeof annotated.plan.tasks[id]?.worker).toBe('number');
  });

  it.each(planners)('an annotated DAG by %s survives JSON and simulates every task', async (planner) => {
    const annotated = JSON.parse(JSON.stringify(await plan(dag, { planner }))) as unknown;
    const parsed = AnnotatedDagSchema.parse(annotated);
    expect(Object.keys(parsed.plan.tasks)).toContain('__proto__');
    const { report, outputsReadyAt } = await simulate(annotated, { profile: 'deterministic' });
    expect(report.ok).toBe(true);
    expect(report.tasks.map((t) => t.taskId).sort()).toEqual([...HOSTILE_IDS, 'sink'].sort());
    expect([...outputsReadyAt.keys()]).toEqual(['sink']);
  });

  it('the simulator runs them in WUKONG mode', async () => {
    const { report } = await simulate(dag, { profile: 'deterministic' });
    expect(report.ok).toBe(true);
    expect(report.tasks.map((t) => t.taskId).sort()).toEqual([...HOSTILE_IDS, 'sink'].sort());
  });
});

describe('a __proto__ key in args', () => {
  it('is kept by the task schema, not dropped', () => {
    const parsed = TaskSpecSchema.parse(JSON.parse('{"id":"a","op":"user.op","args":{"__proto__":{"x":1},"b":2}}'));
    expect(Object.keys(parsed.args ?? {})).toEqual(['__proto__', 'b']);
    expect(parsed.args?.['__proto__']).toEqual({ x: 1 });
  });

  it('is refused by an op whose args are strict, naming the key', () => {
    const input = JSON.parse('{"tasks":[{"id":"a","op":"synthetic.work","args":{"ms":0,"__proto__":{"ms":1}}}]}') as unknown;
    const result = validateDag(input, createBuiltinRegistry());
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.code)).toEqual(['bad-args']);
    expect(problems[0]?.message).toContain('__proto__');
  });
});
