import { describe, expect, it } from 'vitest';
import { MAX_TASKS_PER_DAG } from '../../../src/model/limits.js';
import { WukongError } from '../../../src/model/errors.js';
import { DagValidationError, formatProblem, parseDagText, validateDag, type DagProblem } from '../../../src/dag/validate.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';

const ops = createBuiltinRegistry();
const problemsOf = (input: unknown): DagProblem[] => {
  const result = validateDag(input, ops);
  return result.ok ? [] : [...result.problems];
};
const codes = (input: unknown) => problemsOf(input).map((p) => p.code);
const rnd = (id: string, seed = 1) => ({ id, op: 'matrix.random', args: { rows: 2, cols: 2, seed } });

describe('validateDag', () => {
  it('accepts a valid DAG', () => {
    const result = validateDag({ name: 'ok', tasks: [rnd('a'), rnd('b', 2), { id: 'c', op: 'matrix.matmul', deps: ['a', 'b'] }] }, ops);
    expect(result.ok).toBe(true);
  });

  it.each([
    ['empty', { tasks: [] }],
    ['duplicate-id', { tasks: [rnd('a'), rnd('a', 2)] }],
    ['unknown-dep', { tasks: [{ id: 'a', op: 'matrix.add', deps: ['ghost'] }] }],
    ['self-dep', { tasks: [rnd('x'), { id: 'a', op: 'matrix.add', deps: ['a', 'x'] }] }],
    ['unknown-op', { tasks: [{ id: 'a', op: 'matrix.matmull' }] }],
    ['bad-args', { tasks: [{ id: 'a', op: 'matrix.random', args: { rows: -1, cols: 2 } }] }],
    ['bad-arity', { tasks: [rnd('a'), { id: 'b', op: 'matrix.matmul', deps: ['a'] }] }],
    ['bad-output-ref', { tasks: [rnd('a'), { id: 'q', op: 'matrix.qr', deps: ['a'] }, { id: 't', op: 'matrix.transpose', deps: ['q'] }] }],
    ['bad-output-ref', { tasks: [rnd('a'), { id: 'q', op: 'matrix.qr', deps: ['a'] }, { id: 't', op: 'matrix.transpose', deps: ['q#2'] }] }],
    ['unknown-output', { tasks: [rnd('a')], outputs: ['nope'] }],
    ['schema', { tasks: [{ id: 'a', op: 'matrix.random', extra: 1 }] }],
    ['schema', { tasks: 'no' }],
    ['schema', { tasks: [rnd('a')], surprise: true }],
  ])('reports %s', (code, input) => {
    expect(codes(input)).toContain(code);
  });

  it('names the task ids involved and suggests the closest op', () => {
    const [problem] = problemsOf({ tasks: [{ id: 'mul', op: 'matrix.matmull' }] });
    expect(problem?.taskIds).toEqual(['mul']);
    expect(problem?.message).toContain('did you mean "matrix.matmul"');
  });

  it('prints one cycle in data-flow order and still reports the other problems', () => {
    const problems = problemsOf({
      tasks: [
        { id: 'x', op: 'matrix.add', deps: ['z'] },
        { id: 'y', op: 'matrix.add', deps: ['x'] },
        { id: 'z', op: 'matrix.add', deps: ['y'] },
        { id: 'w', op: 'nope' },
      ],
    });
    const cycle = problems.find((p) => p.code === 'cycle');
    // z feeds x, x feeds y, y feeds z
    expect(cycle?.message).toBe('x -> y -> z -> x');
    expect(cycle?.taskIds).toEqual(['x', 'y', 'z']);
    expect(problems.map((p) => p.code)).toContain('unknown-op');
  });

  it('finds a cycle in a long chain without overflowing the stack', () => {
    const n = 50_000;
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 0 }, deps: [`t${(i + n - 1) % n}`] }));
    expect(codes({ tasks })).toEqual(['cycle']);
  });

  it(`refuses more than ${MAX_TASKS_PER_DAG} tasks`, () => {
    const tasks = Array.from({ length: MAX_TASKS_PER_DAG + 1 }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 0 } }));
    expect(codes({ tasks })).toEqual(['too-many-tasks']);
  }, 60_000);

  it('reports non-JSON text with the parser message', () => {
    const parsed = parseDagText('{"tasks": [');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]?.code).toBe('not-json');
  });

  it('returns the model of a valid DAG', () => {
    const result = validateDag({ name: 'mm', tasks: [rnd('a'), rnd('b', 2), { id: 'c', op: 'matrix.matmul', deps: ['a', 'b'] }] }, ops);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.dag.name).toBe('mm');
    expect(result.dag.parents('c')).toEqual(['a', 'b']);
    expect(result.dag.topologicalOrder()).toEqual(['a', 'b', 'c']);
    expect(result.spec).toBe(result.dag.spec);
  });

  it('names the schema path and the task: tasks[1].deps', () => {
    const problems = problemsOf({ tasks: [rnd('a'), { id: 'b', op: 'matrix.add', deps: 'a' }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe('schema');
    expect(problems[0]?.message).toMatch(/^tasks\[1\]\.deps: .*expected array/);
    expect(problems[0]?.taskIds).toEqual(['b']);
  });

  it('a malformed task does not hide the problems of the others, nor make deps on it unknown', () => {
    const problems = problemsOf({
      tasks: [{ id: 'bad', op: 'matrix.random', extra: 1 }, rnd('a'), rnd('a', 2), { id: 'c', op: 'matrix.add', deps: ['bad', 'ghost'] }],
      surprise: true,
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['duplicate-id', 'schema', 'schema', 'unknown-dep']);
    expect(problems.find((p) => p.code === 'unknown-dep')?.taskIds).toEqual(['c', 'ghost']);
    expect(problems.map((p) => p.message)).toContain('(top level): Unrecognized key: "surprise"');
    expect(problems.find((p) => p.message.startsWith('tasks[0]'))?.taskIds).toEqual(['bad']);
  });

  it('stops at the top level when tasks is not an array', () => {
    const problems = problemsOf({ name: 'x', tasks: { a: 1 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^tasks: .*expected array/);
    expect(codes([])).toEqual(['schema']);
    expect(problemsOf(42)[0]?.message).toMatch(/^\(top level\): .*expected object/);
  });

  it('reports every problem of many-problems at once', () => {
    const problems = problemsOf({
      tasks: [
        rnd('a'),
        rnd('a', 2),
        { id: 'b', op: 'matrix.matmull', deps: ['a', 'a'] },
        { id: 'c', op: 'matrix.matmul', deps: ['a'] },
        { id: 'd', op: 'matrix.random', args: { rows: -1, cols: 2 } },
        { id: 'e', op: 'matrix.add', deps: ['ghost'] },
        { id: 'f', op: 'matrix.add', deps: ['f'] },
        { id: 'x', op: 'matrix.add', deps: ['y'] },
        { id: 'y', op: 'matrix.add', deps: ['x'] },
      ],
      outputs: ['nope'],
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['bad-args', 'bad-arity', 'cycle', 'duplicate-id', 'self-dep', 'unknown-dep', 'unknown-op', 'unknown-output']);
  });

  it('says which arg failed, and the arity in words', () => {
    const [args] = problemsOf({ tasks: [{ id: 'd', op: 'matrix.random', args: { rows: -1, cols: 2, seed: 1 } }] });
    expect(args?.message).toMatch(/^task d \(matrix\.random\): args\.rows: /);
    const [arity] = problemsOf({ tasks: [rnd('a'), rnd('b', 2), rnd('c', 3), { id: 't', op: 'matrix.matmul', deps: ['a', 'b', 'c'] }] });
    expect(arity?.message).toBe('matrix.matmul takes exactly 2 inputs, task t has 3');
    const [variadic] = problemsOf({ tasks: [{ id: 's', op: 'matrix.add' }] });
    expect(variadic?.message).toBe('matrix.add takes at least 1 input, task s has 0');
    const [unknownArg] = problemsOf({ tasks: [{ id: 'q', op: 'matrix.random', args: { rows: 2, cols: 2, seed: 1, colour: 'red' } }] });
    expect(unknownArg?.message).toContain('colour');
  });

  it('explains output refs: index out of range, or a bare ref to a multi-output op', () => {
    const base = [rnd('a'), { id: 'q', op: 'matrix.qr', deps: ['a'] }];
    const [outOfRange] = problemsOf({ tasks: [...base, { id: 't', op: 'matrix.transpose', deps: ['q#2'] }] });
    expect(outOfRange?.message).toBe('"q#2": q (matrix.qr) has 2 outputs (#0 to #1)');
    expect(outOfRange?.taskIds).toEqual(['t', 'q']);
    const [bare] = problemsOf({ tasks: [...base, { id: 't', op: 'matrix.transpose', deps: ['q'] }] });
    expect(bare?.message).toBe('"q": matrix.qr has 2 outputs; name one: q#0, q#1');
    const [notANumber] = problemsOf({ tasks: [...base, { id: 't', op: 'matrix.transpose', deps: ['q#x'] }] });
    expect(notANumber?.code).toBe('unknown-dep'); // `q#x` is not an output index, so it names a task "q#x"
    expect(codes({ tasks: base, outputs: ['q#0', 'q#1', 'a#1'] })).toEqual(['bad-output-ref']);
    expect(validateDag({ tasks: [...base, { id: 'r', op: 'matrix.transpose', deps: ['q#1'] }], outputs: ['q#0'] }, ops).ok).toBe(true);
  });

  it('elides the middle of a very long cycle but keeps every id in taskIds', () => {
    const n = 1000;
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 0 }, deps: [`t${(i + n - 1) % n}`] }));
    const [cycle] = problemsOf({ tasks: [...tasks, { id: 'oops', op: 'nope' }] }).filter((p) => p.code === 'cycle');
    expect(cycle?.taskIds).toHaveLength(n);
    // t0 feeds t1 feeds t2 ... feeds t999 feeds t0.
    expect(cycle?.message).toBe('t0 -> t1 -> t2 -> t3 -> t4 -> t5 -> t6 -> t7 -> t8 -> t9 -> ... (981 more) -> t991 -> t992 -> t993 -> t994 -> t995 -> t996 -> t997 -> t998 -> t999 -> t0');
  });

  it('DagValidationError carries the problems and prints them one a line', () => {
    const problems = problemsOf({ tasks: [rnd('a'), { id: 'b', op: 'matrix.add', deps: ['ghost'] }], outputs: ['zz'] });
    const error = new DagValidationError(problems);
    expect(error).toBeInstanceOf(WukongError);
    expect(error.code).toBe('DAG_INVALID');
    expect(error.problems).toBe(problems);
    expect(error.message.split('\n')).toEqual([
      'invalid DAG: 2 problems',
      '[b, ghost] unknown-dep: task b depends on "ghost", which is no task',
      '[zz] unknown-output: outputs names "zz", which is no task',
    ]);
    expect(formatProblem({ code: 'cycle', message: 'm', taskIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toBe('[a, b, c, d, e, ... (2 more)] cycle: m');
  });

  it('says where JSON breaks: line, column, what was expected', () => {
    const parsed = parseDagText('{\n  "tasks": [\n    { "id": "a", }\n  ]\n}');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]?.message).toBe('not valid JSON at line 3, column 18 (offset 32): found "}", expected a property name in double quotes');
    const truncated = parseDagText('{"tasks": [');
    expect(!truncated.ok && truncated.problems[0]?.message).toMatch(/line 1, column 12 .*found end of input, expected a value or "\]"/);
  });

  it('accepts a leading byte-order mark', () => {
    const parsed = parseDagText('\uFEFF{"tasks": []}');
    expect(parsed).toEqual({ ok: true, value: { tasks: [] } });
  });
});
