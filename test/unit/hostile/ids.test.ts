import { describe, expect, it } from 'vitest';
import { formatProblem, validateDag, type DagProblem } from '../../../src/dag/validate.js';
import { taskIdProblem } from '../../../src/model/dag-schema.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { importWfCommons } from '../../../src/sim/wfcommons-import.js';
import { decodeRecordLine } from '../../../src/metadata/record-lines.js';

const ops = createBuiltinRegistry();
const work = (id: string, deps?: string[]) => ({ id, op: 'synthetic.work', args: { ms: 0 }, ...(deps ? { deps } : {}) });
const problemsOf = (input: unknown): DagProblem[] => {
  const result = validateDag(input, ops);
  return result.ok ? [] : [...result.problems];
};

describe('task ids are safe as file names and keys', () => {
  it.each([
    ['../../esc'],
    ['a/b'],
    ['/abs'],
    ['a\\b'],
    ['.'],
    ['..'],
    ['a\u0000b'],
    ['a\u001b[2Jb'],
    ['tab\there'],
  ])('refuses %j at validation, naming the id', (id) => {
    const problems = problemsOf({ tasks: [work(id)] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe('schema');
    expect(problems[0]?.message).toContain(`task id ${JSON.stringify(id)}`);
  });

  it('keeps ids with dots that are no dot segment, colons and dashes', () => {
    for (const id of ['a.b', '...', 'x:y-z_1', '.hidden']) expect(taskIdProblem(id)).toBeUndefined();
    expect(validateDag({ tasks: [work('a.b'), work('...', ['a.b'])] }, ops).ok).toBe(true);
  });

  it('prints a problem about a hostile id on one line, control characters escaped', () => {
    const [problem] = problemsOf({ tasks: [work('a\u001b[2J\nb')] });
    const line = formatProblem(problem as DagProblem);
    expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(line).toContain('\\u001b[2J\\u000ab');
  });
});

describe('the WfCommons importer makes safe, unique ids', () => {
  const instance = {
    name: 'hostile',
    workflow: {
      tasks: [
        { name: '../../esc', runtimeInSeconds: 1 },
        { name: '..', runtimeInSeconds: 1, parents: ['../../esc'] },
        { name: 'a/b', runtimeInSeconds: 1, parents: ['..'] },
        { name: 'a_b', runtimeInSeconds: 1, parents: ['a/b'] },
        { name: 'a\\b', runtimeInSeconds: 1, parents: ['a_b'] },
        { name: '.', runtimeInSeconds: 1 },
      ],
    },
  };

  it('sanitizes separators and dot segments into valid ids, each different', () => {
    const { spec } = importWfCommons(instance);
    const ids = spec.tasks.map((t) => t.id);
    for (const id of ids) expect(taskIdProblem(id)).toBeUndefined();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['.._.._esc', '__', 'a_b', 'a_b_2', 'a_b_3', '_']);
    expect(validateDag(spec, ops).ok).toBe(true);
    // Edges survive the renaming.
    expect(spec.tasks[3]?.deps).toEqual(['a_b']);
  });

  it('is deterministic: the same instance imports to the same ids', () => {
    expect(importWfCommons(instance).spec).toEqual(importWfCommons(instance).spec);
  });
});

describe('metadata records carry task ids by the same rules', () => {
  it('a task record whose id climbs out is not a record (skipped and counted at load, refused by import)', () => {
    const record = { type: 'task', runId: 'r', taskId: '../../esc', op: 'synthetic.work', taskKey: 'k', worker: { memoryMb: 1769, vcpu: 1 }, execMs: 1, inputBytes: 0, outputBytes: 8, at: 1 };
    expect(decodeRecordLine(JSON.stringify(record))).toContain('task id "../../esc"');
    expect(typeof decodeRecordLine(JSON.stringify({ ...record, taskId: 'ok.1' }))).toBe('object');
  });
});
