import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, DagValidationError, openSession, plan, simulate, submit, validate } from '../../../src/api/index.js';

/**
 * The library API (`import { ... } from 'wukong'`) with a user op module: validate, plan, simulate
 * and submit (embedded threads, which load the module themselves) agree on what the op is.
 */
const dir = mkdtempSync(join(tmpdir(), 'wk-api-'));
const ROOT = process.cwd();
const opModule = join(dir, 'api-ops.mjs');
// Each executor thread that loads the module adds a line: how the tests see that no thread started.
const threadLoads = join(dir, 'thread-loads.txt');
const threadsStarted = () => (existsSync(threadLoads) ? readFileSync(threadLoads, 'utf8').split('\n').length - 1 : 0);
writeFileSync(
  opModule,
  `import { defineOp } from '${join(ROOT, 'dist/src/api/index.js')}';
import { z } from '${join(ROOT, 'node_modules/zod/index.js')}';
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
if (!isMainThread) appendFileSync(${JSON.stringify(threadLoads)}, 'loaded\\n');
export default defineOp({ name: 'apitest.add-one', description: 'adds one', args: z.object({ by: z.number().default(1) }).strict(), arity: { min: 1, max: 1 }, outputs: 1,
  run: ([m], args) => [{ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => x + args.by) }], shape: ([s]) => [s] });
`,
);
const dag = {
  name: 'api',
  tasks: [
    { id: 'a', op: 'matrix.fill', args: { rows: 2, cols: 2, value: 4 } },
    { id: 'b', op: 'apitest.add-one', args: { by: 10 }, deps: ['a'], hints: { durationMs: 40 } },
  ],
};
const builtinDag = { name: 'builtin', tasks: [dag.tasks[0]] };
/** Options a JavaScript caller may pass that the types would refuse. */
const untyped = (options: Record<string, unknown>): never => options as never;

describe('the library API with a user op module', () => {
  it('validate knows the user op; an unknown one rejects with every problem, naming the closest op', async () => {
    const { spec } = await validate(dag, { ops: [opModule] });
    expect(spec.tasks.map((t) => t.op)).toEqual(['matrix.fill', 'apitest.add-one']);
    const typo = { ...dag, tasks: [dag.tasks[0], { ...dag.tasks[1], op: 'apitest.add-on' }] };
    const error = await validate(typo, { ops: [opModule] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DagValidationError);
    expect(JSON.stringify((error as DagValidationError).problems)).toMatch(/apitest\.add-one/);
    await expect(validate(dag)).rejects.toBeInstanceOf(DagValidationError);
    await expect(validate(dag, { ops: ['api-ops.mjs'] })).rejects.toBeInstanceOf(BadInputError);
  });

  it('submit runs the user op on executor threads and returns its outputs and report', async () => {
    const before = threadsStarted();
    const result = await submit(dag, { ops: [opModule], threads: 1 });
    expect(threadsStarted()).toBe(before + 1);
    expect(result.failure).toBeUndefined();
    const b = result.outputs.get('b');
    expect(b?.kind === 'matrix' && [...b.data]).toEqual([14, 14, 14, 14]);
    expect(result.report.ok).toBe(true);
    expect(result.report.tasks.map((t) => t.taskId).sort()).toEqual(['a', 'b']);
  });

  it('a session runs many submits on the same warm threads; bad input rejects and the next submit runs', async () => {
    const session = await openSession({ ops: [opModule], threads: 1 });
    try {
      const first = await session.submit(dag);
      const second = await session.submit({ ...dag, tasks: [dag.tasks[0], { ...dag.tasks[1], args: { by: 1 } }] });
      const valuesOf = (r: typeof first) => {
        const b = r.outputs.get('b');
        return b?.kind === 'matrix' ? [...b.data] : [];
      };
      expect(valuesOf(first)).toEqual([14, 14, 14, 14]);
      expect(valuesOf(second)).toEqual([5, 5, 5, 5]);
      expect(first.report.summary.coldStarts).toBeGreaterThan(0);
      // The one thread ran the first submit's executors: the second's start warm.
      expect(second.report.summary.coldStarts).toBe(0);
      await expect(session.submit({ ...dag, tasks: [...dag.tasks, { id: 'c', op: 'apitest.nope', deps: ['b'] }] })).rejects.toBeInstanceOf(DagValidationError);
      expect((await session.submit(dag, { wukong: { inlineBudgetBytes: 0 } })).ok).toBe(true);
    } finally {
      await session.close();
    }
  });

  it('plan and simulate: a plan for every task, simulated in virtual time from the hints', async () => {
    const annotated = await plan(dag, { ops: [opModule], planner: 'uniform' });
    expect(Object.keys(annotated.plan.tasks).sort()).toEqual(['a', 'b']);
    const planned = await simulate(annotated, { ops: [opModule], profile: 'deterministic' });
    expect(planned.report.ok).toBe(true);
    const wukong = await simulate(dag, { ops: [opModule], profile: 'deterministic' });
    expect(wukong.report.ok).toBe(true);
    // The user task's 40 ms hint is its simulated run time, at least; the result says where each task's cost came from.
    expect(wukong.report.makespanMs).toBeGreaterThanOrEqual(40);
    expect(wukong.taskCosts).toMatch(/^tasks: 1 from op cost models at profile deterministic's kernel rates.*, 1 from DAG hints/);
  });

  it('simulate and submit take an annotated DAG alike: its plan runs; a malformed plan or one that misses a task rejects', async () => {
    const annotated = await plan(dag, { ops: [opModule], planner: 'uniform' });
    const ran = await submit(annotated, { ops: [opModule], threads: 1 });
    expect(ran.ok).toBe(true);
    expect(ran.report.planner).toBe('uniform');
    const malformed = { ...annotated, plan: { ...annotated.plan, tasks: 'none' } };
    const missing = { ...annotated, plan: { ...annotated.plan, tasks: { a: annotated.plan.tasks.a } } };
    for (const call of [(input: unknown) => simulate(input, { ops: [opModule] }), (input: unknown) => submit(input, { ops: [opModule], threads: 1 })]) {
      await expect(call(malformed)).rejects.toThrow(/^not an annotated DAG: /);
      await expect(call(missing)).rejects.toThrow(/\bb\b/);
    }
  });
});

describe('the library API refuses bad options with BadInputError naming the option, before anything runs', () => {
  it.each([
    [{ deadlineMs: 0 }, /deadlineMs .*got 0$/],
    [{ deadlineMs: -5 }, /deadlineMs .*got -5$/],
    [{ deadlineMs: Number.NaN }, /deadlineMs .*got NaN$/],
    [{ deadlineMs: '1m' }, /deadlineMs .*got "1m"$/],
    [{ taskTimeoutMs: 0 }, /taskTimeoutMs .*got 0$/],
    [{ taskTimeoutMs: -1 }, /taskTimeoutMs .*got -1$/],
    [{ taskTimeoutMs: 'x' }, /taskTimeoutMs .*got "x"$/],
    // Past Node's longest timer, setTimeout fires at once: every async op would time out.
    [{ taskTimeoutMs: 2 ** 31 }, /taskTimeoutMs must be at most 2147483647/],
    [{ wukong: { clustering: 'yes' } }, /^wukong: Unrecognized key: "clustering"/],
    [{ wukong: { delayedIo: 'no' } }, /^wukong\.delayedIo: /],
    [{ threads: 0 }, /threads .*got 0$/],
    [{ threads: 1.5 }, /threads .*got 1\.5$/],
    [{ threads: 'two' }, /threads .*got "two"$/],
  ])('submit %j rejects without starting a thread', async (options, message) => {
    const before = threadsStarted();
    const error = await submit(dag, untyped({ ops: [opModule], threads: 1, ...options })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(message);
    expect(threadsStarted()).toBe(before);
  });

  it("a session's submit refuses bad run options and runs the next submit", async () => {
    const session = await openSession({ threads: 1 });
    try {
      for (const [options, message] of [
        [{ deadlineMs: -5 }, /deadlineMs/],
        [{ taskTimeoutMs: 'x' }, /taskTimeoutMs/],
        [{ wukong: { clustering: 'yes' } }, /clustering/],
      ] as const) {
        const error = await session.submit(builtinDag, untyped(options)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadInputError);
        expect((error as Error).message).toMatch(message);
      }
      expect((await session.submit(builtinDag)).ok).toBe(true);
    } finally {
      await session.close();
    }
    await expect(openSession(untyped({ threads: -1 }))).rejects.toThrow(/threads .*got -1$/);
  });

  it.each([
    [{ profile: 'toString' }, /profile "toString"/],
    [{ profile: '__proto__' }, /profile "__proto__"/],
    [{ store: 'dynamo' }, /store must be redis or s3, got "dynamo"/],
    [{ wukong: { clustering: 'yes' } }, /^wukong: Unrecognized key: "clustering"/],
  ])('simulate %j rejects', async (options, message) => {
    const error = await simulate(builtinDag, untyped(options)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [{ maxWorkers: 0 }, /maxWorkers .*got 0$/],
    [{ maxWorkers: -3 }, /maxWorkers .*got -3$/],
    [{ maxWorkers: 'two' }, /maxWorkers .*got "two"$/],
    [{ planner: 42 }, /planner must be .*got 42$/],
  ])('plan %j rejects before planning', async (options, message) => {
    const error = await plan(builtinDag, untyped(options)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(message);
  });

  it('ops may be one path; null options are none; anything else as ops rejects', async () => {
    const { spec } = await validate(dag, { ops: opModule });
    expect(spec.tasks.map((t) => t.op)).toContain('apitest.add-one');
    expect((await validate(builtinDag, null as never)).spec.tasks).toHaveLength(1);
    await expect(validate(dag, untyped({ ops: 42 }))).rejects.toThrow(/^ops must be an op module path or a list of them, got 42$/);
    await expect(validate(dag, untyped({ ops: [opModule, 7] }))).rejects.toBeInstanceOf(BadInputError);
  });

  it('a malformed annotated DAG names the bad field', async () => {
    const error = await simulate({ dag: builtinDag, plan: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(/^not an annotated DAG: plan\.algorithm: /);
  });
});
