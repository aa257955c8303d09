import type { Dag } from '../dag/dag.js';
import { latencyPriorStatistic } from '../metadata/latency-prior.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import { formatSla, type Sla } from '../metadata/sla.js';
import { AWS_PROFILE } from '../cost/profile.js';
import { buildPlanGraph, type PlanGraph } from './plan-graph.js';
import { workerSpecOfTier } from './tiers.js';

/**
 * Everything the planners and the estimator need to know of a DAG's tasks on each tier, asked of
 * MetadataAccess once per task (the predictor is fast, but 100,000 tasks x several questions per
 * candidate would not be). Times in ms, sizes in bytes.
 */
export interface TaskCosts {
  readonly graph: PlanGraph;
  /** Memory tiers (MB), ascending, as given to the planner. */
  readonly tiers: readonly number[];
  /** execMs[tierIndex][task]: compute time of the task on that tier. */
  readonly execMs: readonly Float64Array[];
  /** Predicted output bytes of each task (all its outputs together). */
  readonly outputBytes: Float64Array;
  /** Time to put a task's output into the intermediate store. */
  readonly uploadMs: Float64Array;
  /** Time for another worker to get a task's output from the store. */
  readonly downloadMs: Float64Array;
  /** Per tier: invoke to handler running on a new environment. */
  readonly coldStartMs: readonly number[];
  /** Per tier: invoke to handler running on a reused environment. */
  readonly warmStartMs: readonly number[];
  /**
   * The asynchronous Invoke API call as the caller waits for it. History records start-ups, not
   * API calls, so this comes from the simulator's `aws` profile (WUKONG: ~50 ms).
   */
  readonly invokeApiMs: number;
}

/**
 * The last answers per DAG: planDag asks again after the planner did (to estimate whatever plan
 * came back), and at 100,000 tasks asking twice would double the planning time. Keyed on the
 * same MetadataAccess object, SLA and tiers; a MetadataAccess is taken to answer the same
 * question the same way during one planning (MetadataPredictor does: its history is fixed).
 */
const lastCosts = new WeakMap<Dag, { readonly metadata: MetadataAccess; readonly key: string; readonly costs: TaskCosts }>();

export function predictTaskCosts(dag: Dag, metadata: MetadataAccess, sla: Sla, tiers: readonly number[]): TaskCosts {
  const key = `${formatSla(sla)}|${tiers.join(',')}`;
  const cached = lastCosts.get(dag);
  if (cached && cached.metadata === metadata && cached.key === key) return cached.costs;
  const costs = askMetadata(dag, metadata, sla, tiers);
  lastCosts.set(dag, { metadata, key, costs });
  return costs;
}

function askMetadata(dag: Dag, metadata: MetadataAccess, sla: Sla, tiers: readonly number[]): TaskCosts {
  const graph = buildPlanGraph(dag);
  const n = graph.taskCount;
  const configs = tiers.map(workerSpecOfTier);
  const execMs = tiers.map(() => new Float64Array(n));
  const outputBytes = new Float64Array(n);
  const uploadMs = new Float64Array(n);
  const downloadMs = new Float64Array(n);
  // Transfer time depends on the byte count only, and DAGs repeat sizes (blocks, fixed outputs):
  // one question per distinct size instead of two per task.
  const transferBySize = new Map<number, readonly [number, number]>();
  // Topological order: a task's input size is the sum of its parents' predicted outputs.
  for (const task of graph.topo) {
    const id = graph.ids[task] as string;
    let inputBytes: number | undefined;
    if (graph.parentOffsets[task] !== graph.parentOffsets[task + 1]) {
      inputBytes = 0;
      for (let k = graph.parentOffsets[task] as number; k < (graph.parentOffsets[task + 1] as number); k += 1) inputBytes += outputBytes[graph.parentValues[k] as number] as number;
    }
    const estimates = metadata.predictExecutionTime(id, inputBytes, configs, sla);
    estimates.forEach((estimate, tier) => ((execMs[tier] as Float64Array)[task] = finiteOrZero(estimate.ms)));
    const bytes = finiteOrZero(metadata.predictOutputSize(id, inputBytes, sla));
    outputBytes[task] = bytes;
    let transfer = transferBySize.get(bytes);
    if (transfer === undefined) {
      transfer = [finiteOrZero(metadata.predictUploadTime(bytes, sla)), finiteOrZero(metadata.predictRemoteDownloadTime(bytes, sla))];
      transferBySize.set(bytes, transfer);
    }
    uploadMs[task] = transfer[0];
    downloadMs[task] = transfer[1];
  }
  return {
    graph,
    tiers: [...tiers],
    execMs,
    outputBytes,
    uploadMs,
    downloadMs,
    coldStartMs: tiers.map((tier) => finiteOrZero(metadata.predictColdStartMs(tier, sla))),
    warmStartMs: tiers.map((tier) => finiteOrZero(metadata.predictWarmStartMs(tier, sla))),
    invokeApiMs: latencyPriorStatistic(AWS_PROFILE.lambda.invokeApi, sla),
  };
}

/**
 * The tier a speed-first planner starts from: the smallest tier whose total compute time is
 * within 0.1 % of the fastest (Lambda CPU stops growing for single-threaded work at 1,769 MB, so
 * more memory would cost without helping).
 */
export function bestTierIndex(costs: TaskCosts): number {
  const totals = costs.execMs.map((times) => times.reduce((sum, ms) => sum + ms, 0));
  const fastest = Math.min(...totals);
  const index = totals.findIndex((total) => total <= fastest * 1.001 + 1e-9);
  return index === -1 ? 0 : index;
}

/** A planner must not be thrown off by a NaN or infinite prediction from a custom MetadataAccess. */
function finiteOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
