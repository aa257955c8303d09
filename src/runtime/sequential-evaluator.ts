import type { Value } from '../data/value.js';
import type { OpRegistry } from '../ops/registry.js';
import type { RunDag } from '../model/run-spec.js';

/**
 * Evaluates a DAG in topological order in this thread, with no stores and no executors: the
 * reference that distributed runs are compared against in tests.
 */
export async function evaluateSequentially(dag: RunDag, order: readonly string[], ops: OpRegistry): Promise<Map<string, Value[]>> {
  const values = new Map<string, Value[]>();
  for (const taskId of order) {
    const task = dag.task(taskId);
    const op = ops.get(task.op);
    const inputs = dag.inputRefs(taskId).map((ref) => {
      const value = values.get(ref.taskId)?.[ref.output];
      if (value === undefined) throw new Error(`input ${ref.taskId}#${ref.output} of ${taskId} is missing: order is not topological`);
      return value;
    });
    values.set(taskId, await op.run(inputs, op.args.parse(task.args ?? {})));
  }
  return values;
}
