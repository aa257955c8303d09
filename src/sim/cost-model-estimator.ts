import type { Dag } from '../dag/dag.js';
import type { OpRegistry } from '../ops/registry.js';
import { describeDagTasks, statedHints, type DagTaskDescriptor } from '../metadata/dag-descriptors.js';
import type { MetadataHistory } from '../metadata/metadata-history.js';
import { cpuShareOf } from '../metadata/cpu-share.js';
import { median } from '../metadata/statistics.js';
import type { CostProfile } from '../cost/profile.js';
import { computeSlowdown } from '../cost/profile.js';
import { priceOpCost } from '../cost/kernel-rates.js';
import { opCostProblem } from '../cost/op-cost-check.js';
import { callDeclaration, OpDeclarationError } from '../ops/declaration-call.js';
import type { OpCost } from '../ops/op-definition.js';
import { DEFAULT_TASK_EXEC_MS, DEFAULT_TASK_OUTPUT_BYTES, type TaskEstimator } from './task-estimates.js';

/**
 * The simulator's task costs from the profile (issue 15 item 3): a task's run time is its op's cost
 * declaration priced by the profile's kernel rates, else its DAG hint, else the default; its output
 * size is its op's shape declaration, else its hint, else the default. Recorded history is used
 * only when given, and then only for a task of the same task key (op, cost-changing args, input
 * shapes: what executors record), never across sizes or args in place of a cost model.
 */

/**
 * Where a task's run time came from. 'declared time': the op's cost declaration states the time
 * itself and no work for the kernel rates to price (synthetic.work's ms, which WfCommons imports
 * are made of; see statesItsTime); 'cost model': the kernel rates priced its declared work.
 */
export type TaskCostSource = 'history' | 'cost model' | 'declared time' | 'hint' | 'default';

export interface TaskCostEstimate {
  /** ms at one full vCPU, stretched by a smaller tier's CPU share. */
  readonly computeMs: number;
  /**
   * The part of computeMs a multi-threaded kernel (aws-blas matmul, qr, svd) spreads over the
   * tier's vCPUs beyond the first, at `parallelEfficiency`; absent: all of it runs on one vCPU.
   */
  readonly threaded?: { readonly ms: number; readonly parallelEfficiency: number };
  /** ms waited (sleeps): the same at any tier. */
  readonly waitMs: number;
  readonly outputBytes: number;
  /** Each output's share of outputBytes, when the op declares its output shapes. */
  readonly outputShares?: readonly number[];
  /** Bytes read from source files or objects, when the op's cost declares them. */
  readonly sourceBytes?: number;
  readonly timeSource: TaskCostSource;
}

/** Recorded history the estimator may use, and where it was read (for the description). */
export interface TaskKeyHistory {
  readonly history: MetadataHistory;
  readonly where: string;
}

export interface CostModelEstimator extends TaskEstimator {
  readonly estimates: ReadonlyMap<string, TaskCostEstimate>;
  /** Tasks whose run time came from each source. */
  readonly counts: Readonly<Record<TaskCostSource, number>>;
  /** One line naming where the costs came from, for every command's output. */
  readonly description: string;
}

export function createCostModelEstimator(model: Dag, ops: OpRegistry, profile: CostProfile, history?: TaskKeyHistory): CostModelEstimator {
  const recorded = history ? recordedByTaskKey(history.history) : new Map<string, RecordedKey>();
  const estimates = new Map<string, TaskCostEstimate>();
  const counts: Record<TaskCostSource, number> = { history: 0, 'cost model': 0, 'declared time': 0, hint: 0, default: 0 };
  for (const d of describeDagTasks(model, ops)) {
    const estimate = estimateTask(d, model.task(d.taskId), ops, profile, recorded);
    estimates.set(d.taskId, estimate);
    counts[estimate.timeSource] += 1;
  }
  // Keyed by tier and efficiency: a DAG has a handful of each (one per kernel and work size).
  const slowdowns = new Map<string, number>();
  const slowdownAt = (memoryMb: number, parallelEfficiency: number): number => {
    const key = `${memoryMb}/${parallelEfficiency}`;
    let slowdown = slowdowns.get(key);
    if (slowdown === undefined) slowdowns.set(key, (slowdown = computeSlowdown(profile, memoryMb, parallelEfficiency)));
    return slowdown;
  };
  const get = (taskId: string): TaskCostEstimate => {
    const estimate = estimates.get(taskId);
    if (!estimate) throw new RangeError(`no cost estimate for task ${taskId}: it is not in the DAG`);
    return estimate;
  };
  return {
    estimates,
    counts,
    description: describeSources(counts, profile, history),
    execMs: (taskId, memoryMb) => {
      const e = get(taskId);
      if (!e.threaded) return e.computeMs * slowdownAt(memoryMb, 0) + e.waitMs;
      const serialMs = e.computeMs - e.threaded.ms;
      return serialMs * slowdownAt(memoryMb, 0) + e.threaded.ms * slowdownAt(memoryMb, e.threaded.parallelEfficiency) + e.waitMs;
    },
    usesCpu: (taskId) => {
      const e = get(taskId);
      return e.computeMs >= e.waitMs;
    },
    outputBytes: (taskId) => get(taskId).outputBytes,
    outputShares: (taskId) => get(taskId).outputShares,
    sourceBytes: (taskId) => get(taskId).sourceBytes,
  };
}

interface RecordedKey {
  /** Median run time at one full vCPU. */
  readonly referenceMs: number;
  readonly outputBytes: number;
}

/** Medians per task key: run time scaled to one full vCPU (as the predictor does), output bytes. */
function recordedByTaskKey(history: MetadataHistory): Map<string, RecordedKey> {
  const samples = new Map<string, { ms: number[]; bytes: number[] }>();
  for (const r of history.tasks) {
    let entry = samples.get(r.taskKey);
    if (!entry) samples.set(r.taskKey, (entry = { ms: [], bytes: [] }));
    entry.ms.push(r.execMs * Math.min(1, cpuShareOf(r.worker)));
    entry.bytes.push(r.outputBytes);
  }
  return new Map([...samples].map(([key, s]) => [key, { referenceMs: median(s.ms), outputBytes: median(s.bytes) }]));
}

type DagTask = ReturnType<Dag['task']>;

function estimateTask(d: DagTaskDescriptor, task: DagTask, ops: OpRegistry, profile: CostProfile, recorded: ReadonlyMap<string, RecordedKey>): TaskCostEstimate {
  const hints = statedHints(task);
  const shares = sharesOf(d.outputBytesEach);
  const declaredBytes = d.outputBytes ?? hints.outputBytes ?? DEFAULT_TASK_OUTPUT_BYTES;
  // History only for an exact key: a key with an unknown input shape never matches a record.
  const seen = d.unknownShapesReason === undefined ? recorded.get(d.taskKey) : undefined;
  if (seen) return { computeMs: seen.referenceMs, waitMs: 0, outputBytes: seen.outputBytes, ...shares, timeSource: 'history' };
  const priced = pricedByCostModel(d, ops, profile);
  if (priced) {
    const { timeSource, ...estimate } = priced;
    return { ...estimate, outputBytes: declaredBytes, ...shares, timeSource };
  }
  if (hints.durationMs !== undefined) return { computeMs: hints.durationMs, waitMs: 0, outputBytes: declaredBytes, ...shares, timeSource: 'hint' };
  return { computeMs: DEFAULT_TASK_EXEC_MS, waitMs: 0, outputBytes: declaredBytes, ...shares, timeSource: 'default' };
}

/**
 * The op's cost declaration priced by the profile's kernel rates, when all three exist. A
 * declaration that throws or answers what cannot be priced (see ../cost/op-cost-check.ts) is an
 * OpDeclarationError naming the task: bad input, rather than a task priced at a made-up time.
 */
function pricedByCostModel(d: DagTaskDescriptor, ops: OpRegistry, profile: CostProfile): Pick<TaskCostEstimate, 'computeMs' | 'waitMs' | 'threaded' | 'sourceBytes' | 'timeSource'> | undefined {
  const op = ops.lookup(d.op);
  if (!op?.cost || !profile.kernels || !d.inputShapes || !('parsedArgs' in d)) return undefined;
  const inputShapes = d.inputShapes;
  const declared: unknown = callDeclaration(op, 'cost', d.taskId, () => op.cost?.(inputShapes, d.parsedArgs));
  if (declared === undefined) return undefined;
  const problem = opCostProblem(declared, profile.kernels);
  if (problem) throw new OpDeclarationError(op.name, d.taskId, 'cost', problem);
  const cost = declared as OpCost;
  const { computeMs, waitMs, threadedMs, parallelEfficiency } = priceOpCost(cost, profile.kernels);
  return {
    computeMs,
    waitMs,
    timeSource: statesItsTime(cost) ? 'declared time' : 'cost model',
    ...(threadedMs > 0 ? { threaded: { ms: threadedMs, parallelEfficiency } } : {}),
    ...(cost.sourceBytes !== undefined ? { sourceBytes: cost.sourceBytes } : {}),
  };
}

/**
 * A declaration that states its time (cpuMs, waitMs) and no work the kernel rates price beyond
 * writing its output (synthetic.work): its time is its args, whatever the profile measured.
 * matrix.add with delayMs declares its flops and bytes too, so the rates price part of it.
 */
function statesItsTime(cost: OpCost): boolean {
  const statesTime = (cost.cpuMs ?? 0) > 0 || (cost.waitMs ?? 0) > 0;
  return statesTime && !cost.flops && !cost.bytesRead && !cost.bytes;
}

function sharesOf(each: readonly number[] | undefined): { outputShares?: readonly number[] } {
  if (!each || each.length < 2) return {};
  const total = each.reduce((sum, b) => sum + b, 0);
  return total > 0 ? { outputShares: each.map((b) => b / total) } : {};
}

function describeSources(counts: Readonly<Record<TaskCostSource, number>>, profile: CostProfile, history: TaskKeyHistory | undefined): string {
  const parts: string[] = [];
  if (counts.history > 0 || history) parts.push(`${counts.history} from history of ${history?.where ?? '-'} (same task key only)`);
  // Named even at 0 (the reader learns the profile has rates, or none), unless every priced task stated its own time.
  if (counts['cost model'] > 0 || counts['declared time'] === 0) parts.push(`${counts['cost model']} from op cost models at profile ${profile.name}'s kernel rates${profile.kernels ? '' : ' (the profile has none)'}`);
  if (counts['declared time'] > 0) parts.push(`${counts['declared time']} from the time their ops declare (synthetic.work's ms), not kernel rates`);
  if (counts.hint > 0) parts.push(`${counts.hint} from DAG hints`);
  if (counts.default > 0) parts.push(`${counts.default} at the default ${DEFAULT_TASK_EXEC_MS} ms`);
  return `tasks: ${parts.join(', ')}`;
}

/**
 * The task-cost line every simulating command prints: the sources, and the kernel table's own
 * where some task was priced at its rates (a DAG of sleeps was not: naming `wukong calibrate`'s
 * measurement there told the reader the wrong source).
 */
export function describeTaskCosts(estimator: Pick<CostModelEstimator, 'counts' | 'description'>, profile: CostProfile): string {
  if (estimator.counts['cost model'] === 0 && estimator.counts['declared time'] > 0) return estimator.description;
  return `${estimator.description}; kernel rates: ${profile.kernels?.source ?? 'none'}`;
}
