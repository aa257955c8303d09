import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { emptyHistory } from '../../../src/metadata/metadata-history.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';

/** A synthetic.work task with hints (the predictor's only source here: no history). */
export function work(id: string, ms: number, deps: string[] = [], outputBytes = 1024): TaskSpec {
  const task: TaskSpec = { id, op: 'synthetic.work', args: { ms, outputBytes }, hints: { durationMs: ms, outputBytes } };
  if (deps.length > 0) task.deps = deps;
  return task;
}

export function dagOf(tasks: TaskSpec[], name = 'test'): Dag {
  return Dag.fromSpec({ name, tasks } satisfies DagSpec);
}

/** Predictions from the DAG's hints and the documented defaults (no history). */
export function hintsOnly(dag: Dag): MetadataPredictor {
  return new MetadataPredictor(
    emptyHistory(),
    dag.spec.tasks.map((task) => ({ taskId: task.id, op: task.op, taskKey: task.id, hints: task.hints })),
  );
}

export const TIERS = [1024, 1769, 3008];
