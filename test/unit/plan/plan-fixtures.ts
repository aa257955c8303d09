import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { emptyHistory } from '../../../src/metadata/metadata-history.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';
import type { MetadataAccess } from '../../../src/metadata/metadata-access.js';
import { buildPlanGraph } from '../../../src/plan/plan-graph.js';
import { wholeOutputEdges, type TaskCosts } from '../../../src/plan/task-costs.js';

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

/** s -> a, b (op x) -> j (op y) -> z (op x); and a lone source q (depth 0) read by z. */
export const STAGED_DAG = Dag.fromSpec({
  tasks: [
    { id: 's', op: 'x' },
    { id: 'q', op: 'x' },
    { id: 'a', op: 'x', deps: ['s'] },
    { id: 'b', op: 'x', deps: ['s'] },
    { id: 'j', op: 'y', deps: ['a', 'b'] },
    { id: 'z', op: 'x', deps: ['j', 'q'] },
  ],
});

/** Predicts 10 ms per task on every tier, 1,000 output bytes, 1 ms transfers, 100/10 ms starts. */
export const FLAT_METADATA: MetadataAccess = {
  predictExecutionTime: (_id, _bytes, configs) => configs.map((config) => ({ config, ms: 10 })),
  predictOutputSize: () => 1000,
  predictRemoteDownloadTime: () => 1,
  predictUploadTime: () => 1,
  predictColdStartMs: () => 100,
  predictWarmStartMs: () => 10,
};

/**
 * Round-figure costs of a small DAG on one tier (1,769 MB): per task its run time, output bytes,
 * upload and download; invoke 50 ms, cold start 200, warm 20, no coordination time.
 */
export function roundCosts(dag: Dag, perTask: { execMs: number[]; outputBytes: number[]; uploadMs: number[]; downloadMs: number[] }, extra: Partial<TaskCosts> = {}): TaskCosts {
  const graph = buildPlanGraph(dag);
  const outputBytes = Float64Array.from(perTask.outputBytes);
  const downloadMs = Float64Array.from(perTask.downloadMs);
  return {
    graph,
    tiers: [1769],
    execMs: [Float64Array.from(perTask.execMs)],
    outputBytes,
    uploadMs: Float64Array.from(perTask.uploadMs),
    downloadMs,
    ...wholeOutputEdges(graph, outputBytes, downloadMs),
    coldStartMs: [200],
    warmStartMs: [20],
    invokeApiMs: 50,
    invokeApiMeanMs: 50,
    clientInvokeConcurrency: 64,
    coordinationMs: 0,
    ...extra,
  };
}
