import fc from 'fast-check';
import type { DagSpec, TaskSpec } from '../../src/model/dag-schema.js';

/** The deps of task `t${index}` from random picks: earlier tasks only, so a DAG built so is acyclic. */
export function earlierDeps(index: number, picks: readonly number[]): string[] {
  return index === 0 ? [] : [...new Set(picks.map((p) => `t${p % index}`))];
}

/** A DAG named "random" of synthetic.work tasks t0, t1, ...: task i depends on the earlier tasks its picks name. */
export function syntheticDag(rows: readonly { readonly picks: readonly number[]; readonly args: TaskSpec['args'] }[]): DagSpec {
  return {
    name: 'random',
    tasks: rows.map(({ picks, args }, index) => {
      const deps = earlierDeps(index, picks);
      return { id: `t${index}`, op: 'synthetic.work', args, ...(deps.length > 0 ? { deps } : {}) };
    }),
  };
}

/**
 * Random DAGs of up to `maxTasks` synthetic.work tasks: each depends on up to 4 earlier tasks,
 * runs 0-50 ms and outputs one of `sizes` bytes.
 */
export const arbitrarySyntheticDag = (maxTasks: number, sizes: readonly number[]) =>
  fc
    .array(fc.record({ picks: fc.array(fc.nat(), { maxLength: 4 }), ms: fc.integer({ min: 0, max: 50 }), size: fc.constantFrom(...sizes) }), {
      minLength: 1,
      maxLength: maxTasks,
    })
    .map((rows) => syntheticDag(rows.map((row) => ({ picks: row.picks, args: { ms: row.ms, outputBytes: row.size } }))));
