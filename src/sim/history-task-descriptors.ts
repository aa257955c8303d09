import type { MetadataAccess, TaskDescriptor } from '../metadata/metadata-access.js';
import type { MetadataHistory } from '../metadata/metadata-history.js';
import { MetadataPredictor, type MetadataPredictorOptions } from '../metadata/predictor.js';
import { median } from '../metadata/statistics.js';
import { taskKeyOf } from '../metadata/task-key.js';
import { statedHints } from '../metadata/dag-descriptors.js';
import { topologicalOrder } from '../model/topological-order.js';
import { awaitedOps, createHistoryTaskEstimator, type EstimatorGraph } from './history-task-estimator.js';
import type { CostProfile } from '../cost/profile.js';
import { historyForProfile } from './shared-core-history.js';

/**
 * Task descriptors for the predictor. A task whose static descriptor (src/metadata/dag-descriptors.ts,
 * which derives every task's input shapes from the ops' shape declarations) is exact keeps it, with
 * the DAG's stated costs below as its hints. Any other task (no static descriptor, or
 * shapes unknown upstream):
 * - a source task has no inputs, so its key `op|args|` is exact and matches what executors record;
 * - any other task takes the key last recorded for its own id with the same op (the same DAG run
 *   before: the fidelity case), else a key of unknown inputs that matches no history, so it falls
 *   to hints and defaults rather than to a wrong taskKey's history.
 * `inputBytes` is the median the same task (id and key) read in recorded runs, when it ran before.
 * Hints carry what the DAG itself states: `hints`, then `synthetic.work` args (ms at one vCPU,
 * outputBytes, default 8) and `synthetic.bytes` args.bytes, so a task with no history is estimated
 * as the DAG estimator estimates it.
 */
export function historyTaskDescriptors(dag: EstimatorGraph, history: MetadataHistory, staticDescriptors: readonly StaticDescriptor[] = []): TaskDescriptor[] {
  const statics = new Map(staticDescriptors.map((d) => [d.taskId, d]));
  const recordedKeys = new Map<string, { op: string; taskKey: string }>();
  for (const record of history.tasks) recordedKeys.set(record.taskId, { op: record.op, taskKey: record.taskKey });
  const inputs = recordedInputBytes(history);
  const descriptors: TaskDescriptor[] = [];
  for (const taskId of topologicalOrder(dag)) {
    const task = dag.task(taskId);
    const known = statics.get(taskId);
    if (known && known.unknownShapesReason === undefined) {
      // The static key and sizes are exact: what the executor will record.
      descriptors.push({ ...known, hints: statedHints(task) });
      continue;
    }
    const isSource = dag.parents(taskId).length === 0;
    const recorded = recordedKeys.get(taskId);
    let taskKey: string;
    if (isSource) taskKey = taskKeyOf(task.op, task.args, []);
    else if (recorded && recorded.op === task.op) taskKey = recorded.taskKey;
    else taskKey = taskKeyOf(task.op, task.args, ['?']);
    descriptors.push({ taskId, op: task.op, taskKey, inputBytes: inputs.get(`${taskId}\n${taskKey}`), hints: statedHints(task) });
  }
  return descriptors;
}


/**
 * A descriptor derived from the DAG alone (src/metadata/dag-descriptors.ts `describeDagTasks`):
 * exact unless `unknownShapesReason` says why its input shapes could not be derived.
 */
export interface StaticDescriptor extends TaskDescriptor {
  readonly outputBytes?: number | undefined;
  readonly outputBytesEach?: readonly number[] | undefined;
  readonly unknownShapesReason?: string | undefined;
}

/** Median recorded input bytes per task id and taskKey (`id\nkey`): what the same task read before. */
function recordedInputBytes(history: MetadataHistory): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (const record of history.tasks) {
    const key = `${record.taskId}\n${record.taskKey}`;
    const list = samples.get(key);
    if (list) list.push(record.inputBytes);
    else samples.set(key, [record.inputBytes]);
  }
  return new Map([...samples].map(([key, list]) => [key, median(list)]));
}


/**
 * The predictor the simulator asks for a DAG's task costs: the metadata history with this DAG's
 * descriptors (see historyTaskDescriptors).
 */
export function historyPredictorForDag(dag: EstimatorGraph, history: MetadataHistory, options: HistoryPredictorOptions = {}): HistoryPredictor {
  const { staticDescriptors, ...predictorOptions } = options;
  const descriptors = historyTaskDescriptors(dag, history, staticDescriptors);
  const inputBytes = new Map(descriptors.map((d) => [d.taskId, d.inputBytes]));
  return { access: new MetadataPredictor(history, descriptors, predictorOptions), knownInputBytes: (taskId) => inputBytes.get(taskId) };
}

export interface HistoryPredictorOptions extends MetadataPredictorOptions {
  /** `describeDagTasks(model, ops)` for this DAG, when the caller has the Dag model and the ops. */
  readonly staticDescriptors?: readonly StaticDescriptor[];
}

/** A predictor for one DAG and the input sizes it knows (pass both to createHistoryTaskEstimator). */
export interface HistoryPredictor {
  readonly access: MetadataAccess;
  readonly knownInputBytes: (taskId: string) => number | undefined;
}

/**
 * The simulator's task costs from history for one DAG: the metadata predictor over this DAG's
 * descriptors, with the input sizes the same tasks read before.
 */
export function historyTaskEstimatorForDag(dag: EstimatorGraph, recorded: MetadataHistory, profile: CostProfile, options: HistoryPredictorOptions = {}) {
  const history = historyForProfile(recorded, profile);
  const predictor = historyPredictorForDag(dag, history, options);
  return createHistoryTaskEstimator(dag, predictor.access, profile, {
    knownInputBytes: predictor.knownInputBytes,
    outputShares: outputSharesOf(options.staticDescriptors ?? []),
    awaitedOps: awaitedOps(history.tasks),
  });
}

/** Each multi-output task's output shares from its static output sizes (the ops' shape declarations). */
function outputSharesOf(descriptors: readonly StaticDescriptor[]): (taskId: string) => readonly number[] | undefined {
  const shares = new Map<string, number[]>();
  for (const d of descriptors) {
    const each = d.outputBytesEach;
    if (!each || each.length < 2) continue;
    const total = each.reduce((sum, b) => sum + b, 0);
    if (total > 0) shares.set(d.taskId, each.map((b) => b / total));
  }
  return (taskId) => shares.get(taskId);
}
