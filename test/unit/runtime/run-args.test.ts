import { describe, expect, it } from 'vitest';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { loadedRun } from '../../../src/runtime/run-cache.js';

function runOf(dag: DagSpec) {
  return loadedRun({ version: 1, runId: 'r', dag, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, runDagFromSpec(dag));
}

/** A parse that counts its calls and returns a fresh object each time. */
function countingParse() {
  const seen: unknown[] = [];
  return { seen, parse: (raw: unknown) => (seen.push(raw), { parsed: raw }) };
}

describe('LoadedRun.args (parsed once per op and equal small args)', () => {
  it('parses equal args of one op once, and args that differ or belong to another op apart', () => {
    const run = runOf({
      name: 'd',
      tasks: [
        { id: 'a', op: 'synthetic.work', args: { ms: 0 } },
        { id: 'b', op: 'synthetic.work', args: { ms: 0 } },
        { id: 'c', op: 'synthetic.work', args: { ms: 1 } },
        { id: 'd', op: 'synthetic.bytes', args: { ms: 0 } },
      ],
    });
    const { seen, parse } = countingParse();
    const a = run.args('a', parse, true);
    expect(run.args('b', parse, true)).toBe(a);
    expect(run.args('c', parse, true)).toEqual({ parsed: { ms: 1 } });
    expect(run.args('d', parse, true)).not.toBe(a);
    expect(run.args('a', parse, true)).toBe(a);
    expect(seen).toEqual([{ ms: 0 }, { ms: 1 }, { ms: 0 }]);
  });

  it('parses large args once per task', () => {
    const text = 'x'.repeat(1_000);
    const run = runOf({ name: 'd', tasks: [{ id: 'a', op: 'synthetic.work', args: { text } }, { id: 'b', op: 'synthetic.work', args: { text } }] });
    const { seen, parse } = countingParse();
    expect(run.args('a', parse, true)).not.toBe(run.args('b', parse, true));
    expect(seen).toHaveLength(2);
  });

  it("a user op's tasks (no sharing) each get their own parse, so changing one's args reaches no other", () => {
    const run = runOf({ name: 'd', tasks: [{ id: 'a', op: 'my.op', args: { list: [1] } }, { id: 'b', op: 'my.op', args: { list: [1] } }] });
    const { seen, parse } = countingParse();
    const a = run.args('a', parse) as { parsed: { list: number[] } };
    expect(run.args('b', parse)).not.toBe(a);
    expect(seen).toHaveLength(2);
    expect(run.args('a', parse)).toBe(a);
  });
});
