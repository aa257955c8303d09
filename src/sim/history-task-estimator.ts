import { topologicalOrder } from '../model/topological-order.js';
import { MB_PER_VCPU } from '../model/cost-model.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import type { Sla } from '../metadata/sla.js';
import type { CostProfile } from '../cost/profile.js';
import { cpuSlowdown } from '../cost/profile.js';
import { waitsRatherThanComputes, type EstimatedTask, type TaskEstimator } from './task-estimates.js';

/** The graph the history estimator walks: a DAG model or the executors' RunDag both fit. */
export interface EstimatorGraph {
  sources(): readonly string[];
  parents(taskId: string): readonly string[];
  children(taskId: string): readonly string[];
  task(taskId: string): EstimatedTask;
}

/**
 * The config the predictor is asked at: one full vCPU (1,769 MB buys one on Lambda, and the
 * predictor caps a task's share at one). The profile then stretches the answer for the simulated
 * tier, exactly as the DAG estimator stretches its args and hints, so both estimators agree on
 * what "measured on one vCPU" means.
 */
const FULL_VCPU_CONFIG = Object.freeze({ memoryMb: MB_PER_VCPU, vcpu: 1 });

export interface HistoryEstimates {
  /** Time of each task at one full vCPU (before the tier's slowdown). */
  readonly referenceMs: ReadonlyMap<string, number>;
  /** Predicted total output bytes of each task. */
  readonly outputBytes: ReadonlyMap<string, number>;
  /** Predicted total input bytes of each task: the sum of its parents' predicted outputs. */
  readonly inputBytes: ReadonlyMap<string, number>;
}

export interface HistoryEstimateOptions {
  /** The statistic of the predictions (default: the predictor's own default, the median). */
  readonly sla?: Sla;
  /**
   * A task's input bytes when they are known rather than derived: recorded by an earlier run of
   * the same task, or computed from static shapes. Undefined: derived from the parents.
   */
  readonly knownInputBytes?: (taskId: string) => number | undefined;
  /** Each output's share of a task's total, when known (the simulator's per-output fetches). */
  readonly outputShares?: (taskId: string) => readonly number[] | undefined;
  /**
   * Ops whose recorded runs awaited (returned a promise): their recorded time is wall time that
   * already holds the machine's sharing, so on shared cores they take none (see awaitedOps).
   */
  readonly awaitedOps?: ReadonlySet<string>;
}

/**
 * Predicts every task's output size and run time from the metadata history, in topological order
 * (Kahn's algorithm from the sources): a task's input bytes are its known input bytes (see
 * HistoryEstimateOptions) or else the sum of its parents' predicted output bytes, and its
 * predictions are asked at that input size, so a history model that scales with input (a taskKey
 * seen at another size) scales here too. The sum over-counts a parent with several outputs of
 * which the task reads only some (matrix.qr's Q and R; records hold only a task's total output),
 * which is why known input bytes come first.
 */
export function predictFromHistory(dag: EstimatorGraph, access: MetadataAccess, options: HistoryEstimateOptions = {}): HistoryEstimates {
  const { sla, knownInputBytes } = options;
  const referenceMs = new Map<string, number>();
  const outputBytes = new Map<string, number>();
  const inputBytes = new Map<string, number>();
  for (const taskId of topologicalOrder(dag)) {
    let input = knownInputBytes?.(taskId);
    if (input === undefined) {
      input = 0;
      for (const parent of dag.parents(taskId)) input += outputBytes.get(parent) ?? 0;
    }
    inputBytes.set(taskId, input);
    outputBytes.set(taskId, Math.max(0, Math.round(access.predictOutputSize(taskId, input, sla))));
    const estimate = access.predictExecutionTime(taskId, input, [FULL_VCPU_CONFIG], sla)[0];
    referenceMs.set(taskId, Math.max(0, estimate?.ms ?? 0));
  }
  return { referenceMs, outputBytes, inputBytes };
}

/** Ops most of whose task records awaited (TaskRecordSchema's `awaited`). */
export function awaitedOps(tasks: readonly { readonly op: string; readonly awaited?: true | undefined }[]): Set<string> {
  const counts = new Map<string, { awaited: number; all: number }>();
  for (const record of tasks) {
    const count = counts.get(record.op) ?? { awaited: 0, all: 0 };
    count.all += 1;
    if (record.awaited) count.awaited += 1;
    counts.set(record.op, count);
  }
  return new Set([...counts].filter(([, c]) => c.awaited * 2 > c.all).map(([op]) => op));
}

/**
 * A TaskEstimator backed by the metadata predictor (DESIGN.md §3 fallback order: this task's
 * history, its taskKey's, DAG hints, defaults). Predictions are made once, up front, for every
 * task; the simulator then reads them from maps. A tier with less than one vCPU stretches the time
 * by the profile's `cpuSlowdown`, except for `synthetic.work` in sleep mode, which waits.
 */
export function createHistoryTaskEstimator(
  dag: EstimatorGraph,
  access: MetadataAccess,
  profile: CostProfile,
  options: HistoryEstimateOptions = {},
): TaskEstimator & { readonly estimates: HistoryEstimates } {
  const estimates = predictFromHistory(dag, access, options);
  const slowdownByMemory = new Map<number, number>();
  return {
    estimates,
    execMs(taskId, memoryMb) {
      const reference = estimates.referenceMs.get(taskId);
      if (reference === undefined) throw new RangeError(`no history estimate for task ${taskId}: it is not reachable from the DAG's sources`);
      if (waitsRatherThanComputes(dag.task(taskId))) return reference;
      let slowdown = slowdownByMemory.get(memoryMb);
      if (slowdown === undefined) {
        slowdown = cpuSlowdown(profile, memoryMb);
        slowdownByMemory.set(memoryMb, slowdown);
      }
      return reference * slowdown;
    },
    usesCpu(taskId) {
      const task = dag.task(taskId);
      return !waitsRatherThanComputes(task) && !options.awaitedOps?.has(task.op);
    },
    outputShares(taskId) {
      return options.outputShares?.(taskId);
    },
    outputBytes(taskId) {
      const bytes = estimates.outputBytes.get(taskId);
      if (bytes === undefined) throw new RangeError(`no history estimate for task ${taskId}: it is not reachable from the DAG's sources`);
      return bytes;
    },
  };
}
