import { describe, expect, it } from 'vitest';
import { MAX_TASKS_PER_DAG } from '../../../src/limits.js';
import { parseDagText, validateDag, type DagProblem } from '../../../src/dag/validate.js';
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
    expect(cycle?.message).toMatch(/^(x -> y -> z -> x|y -> z -> x -> y|z -> x -> y -> z)$/);
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
});
