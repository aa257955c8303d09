import * as z from 'zod';
import type { TaskTiming } from '../model/run-events.js';
import { topologicalOrder } from '../model/topological-order.js';

/**
 * Measures of a finished run that need more than sums (DESIGN.md §6): the lower bound on the
 * makespan, the run's critical path, transfer time on and off it, and the peak bytes held in the
 * intermediate store. Pure: a run report's task timings (and the DAG's edges) in, numbers out.
 */
export const RunMetricsSchema = z.object({
  /** Sum of get + put time of every task. */
  transferMs: z.number(),
  /** Most intermediate bytes stored at once, and when (ms from the run's start). */
  peakHeldBytes: z.number(),
  peakHeldAtMs: z.number(),
  /**
   * Most bytes that some consumer still had to read, were each intermediate freed as soon as its
   * last consumer fetched it (what the store would need at least). Needs the DAG.
   */
  peakLiveBytes: z.number().optional(),
  /** Longest path of measured exec times with zero transfer and start-up cost. Needs the DAG. */
  lowerBoundMs: z.number().optional(),
  makespanOverLowerBound: z.number().optional(),
  /** The chain of tasks that set the makespan, first to last (see runCriticalPath). Needs the DAG. */
  criticalPath: z.array(z.string()).optional(),
  criticalPathTransferMs: z.number().optional(),
  /**
   * When the critical path's first task became ready (ms from the run's start): time before it
   * went to invocations, start-ups and queueing, not to tasks.
   */
  criticalPathStartMs: z.number().optional(),
  offCriticalPathTransferMs: z.number().optional(),
});

export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** The DAG's edges as the metrics need them; a Dag, a compiled run DAG and the simulator's all fit. */
export interface DependencyLookup {
  parents(taskId: string): readonly string[];
}

export interface RunTimeline {
  readonly startedAt: number;
  readonly makespanMs: number;
  readonly tasks: readonly TaskTiming[];
}

/** When a task's output was stored (or, for an output kept in memory, computed). */
const finishOf = (t: TaskTiming) => t.endAt + t.putMs;

export function computeRunMetrics(run: RunTimeline, dag?: DependencyLookup): RunMetrics {
  const transferMs = run.tasks.reduce((sum, t) => sum + t.getMs + t.putMs, 0);
  const held = peakBytesHeld(run.tasks.map((t) => ({ fromMs: finishOf(t) - run.startedAt, bytes: t.bytesWritten })));
  const metrics: RunMetrics = { transferMs, peakHeldBytes: held.peakBytes, peakHeldAtMs: held.atMs };
  if (!dag) return metrics;

  const timings = firstTimingById(run.tasks);
  const lowerBoundMs = longestExecPathMs(timings, dag);
  const criticalPath = runCriticalPath(run.tasks, dag);
  const criticalPathTransferMs = criticalPath.reduce((sum, id) => sum + transferOf(timings.get(id)), 0);
  return {
    ...metrics,
    peakLiveBytes: peakLiveBytes(run, timings, dag),
    lowerBoundMs,
    ...(lowerBoundMs > 0 ? { makespanOverLowerBound: run.makespanMs / lowerBoundMs } : {}),
    criticalPath,
    criticalPathTransferMs,
    ...(criticalPath.length > 0 ? { criticalPathStartMs: (timings.get(criticalPath[0] as string) as TaskTiming).readyAt - run.startedAt } : {}),
    offCriticalPathTransferMs: transferMs - criticalPathTransferMs,
  };
}

const transferOf = (t: TaskTiming | undefined) => (t ? t.getMs + t.putMs : 0);

/**
 * One timing per task id. A task run twice (task duplication) counts once: the run that finished
 * first, since its output is the one consumers got.
 */
export function firstTimingById(tasks: readonly TaskTiming[]): Map<string, TaskTiming> {
  const byId = new Map<string, TaskTiming>();
  for (const t of tasks) {
    const seen = byId.get(t.taskId);
    if (!seen || finishOf(t) < finishOf(seen)) byId.set(t.taskId, t);
  }
  return byId;
}

/**
 * The heaviest path of measured exec times over the DAG's edges (Kahn's order, O(V + E)): no run
 * can beat it, whatever its transfers and start-ups cost. Tasks without a timing weigh 0.
 */
export function longestExecPathMs(timings: ReadonlyMap<string, TaskTiming>, dag: DependencyLookup): number {
  const ids = new Set(timings.keys());
  for (const id of timings.keys()) for (const p of dag.parents(id)) ids.add(p);
  const children = new Map<string, string[]>();
  const parentsOf = new Map<string, string[]>();
  const sources: string[] = [];
  for (const id of ids) {
    const parents = dag.parents(id).filter((p) => ids.has(p));
    parentsOf.set(id, parents);
    if (parents.length === 0) sources.push(id);
    for (const p of parents) {
      const list = children.get(p);
      if (list) list.push(id);
      else children.set(p, [id]);
    }
  }
  const none: readonly string[] = [];
  const order = topologicalOrder({ sources: () => sources, parents: (id) => parentsOf.get(id) ?? none, children: (id) => children.get(id) ?? none });
  const pathEndMs = new Map<string, number>();
  let longest = 0;
  for (const id of order) {
    const endMs = (pathEndMs.get(id) ?? 0) + (timings.get(id)?.execMs ?? 0);
    longest = Math.max(longest, endMs);
    // Before a task comes up, pathEndMs holds the latest end among its parents.
    for (const child of children.get(id) ?? none) pathEndMs.set(child, Math.max(pathEndMs.get(child) ?? 0, endMs));
  }
  return longest;
}

/**
 * The run's critical path: start at the task that finished last and walk back, each time to
 * whatever held the task up longest: the parent whose output came last, or the task its executor
 * ran just before (an executor runs one task at a time, so a busy executor delays a ready task as
 * surely as a missing input). Returns task ids first to last.
 */
export function runCriticalPath(tasks: readonly TaskTiming[], dag: DependencyLookup): string[] {
  const timings = firstTimingById(tasks);
  const previousOnExecutor = previousTaskOnExecutor([...timings.values()]);
  let current: TaskTiming | undefined;
  for (const t of timings.values()) if (!current || finishOf(t) >= finishOf(current)) current = t;
  const path: string[] = [];
  const visited = new Set<string>();
  while (current && !visited.has(current.taskId)) {
    visited.add(current.taskId);
    path.push(current.taskId);
    const candidates = dag.parents(current.taskId).map((p) => timings.get(p));
    candidates.push(previousOnExecutor.get(current.taskId));
    let next: TaskTiming | undefined;
    for (const c of candidates) if (c && !visited.has(c.taskId) && (!next || finishOf(c) > finishOf(next))) next = c;
    current = next;
  }
  return path.reverse();
}

function previousTaskOnExecutor(tasks: readonly TaskTiming[]): Map<string, TaskTiming> {
  const byExecutor = new Map<string, TaskTiming[]>();
  for (const t of tasks) {
    const list = byExecutor.get(t.executorId);
    if (list) list.push(t);
    else byExecutor.set(t.executorId, [t]);
  }
  const previous = new Map<string, TaskTiming>();
  for (const list of byExecutor.values()) {
    list.sort((a, b) => a.startAt - b.startAt);
    for (let i = 1; i < list.length; i += 1) previous.set((list[i] as TaskTiming).taskId, list[i - 1] as TaskTiming);
  }
  return previous;
}

export interface HeldInterval {
  /** When the bytes were stored (ms). */
  readonly fromMs: number;
  /** When they were freed; absent: held to the end. */
  readonly toMs?: number;
  readonly bytes: number;
}

/**
 * The most bytes held at once, by a sweep over store and free instants. A free at t precedes a
 * store at t; an interval freed when (or before) it is stored is held for no time and skipped.
 */
export function peakBytesHeld(intervals: readonly HeldInterval[]): { peakBytes: number; atMs: number } {
  const deltas: { atMs: number; bytes: number }[] = [];
  for (const i of intervals) {
    if (i.bytes <= 0 || (i.toMs !== undefined && i.toMs <= i.fromMs)) continue;
    deltas.push({ atMs: i.fromMs, bytes: i.bytes });
    if (i.toMs !== undefined) deltas.push({ atMs: i.toMs, bytes: -i.bytes });
  }
  deltas.sort((a, b) => a.atMs - b.atMs || a.bytes - b.bytes);
  let held = 0;
  let peak = { peakBytes: 0, atMs: 0 };
  for (const d of deltas) {
    held += d.bytes;
    if (held > peak.peakBytes) peak = { peakBytes: held, atMs: d.atMs };
  }
  return peak;
}

/**
 * Peak of bytes still needed: each stored output is freed once the last of its consumers has
 * fetched its inputs (began running); outputs no task consumes (the DAG's outputs) stay to the end.
 */
function peakLiveBytes(run: RunTimeline, timings: ReadonlyMap<string, TaskTiming>, dag: DependencyLookup): number {
  const lastReadAt = new Map<string, number>();
  for (const t of timings.values()) {
    for (const p of dag.parents(t.taskId)) lastReadAt.set(p, Math.max(lastReadAt.get(p) ?? -Infinity, t.startAt));
  }
  const intervals = [...timings.values()].map((t) => {
    const readAt = lastReadAt.get(t.taskId);
    return { fromMs: finishOf(t) - run.startedAt, bytes: t.bytesWritten, ...(readAt === undefined ? {} : { toMs: readAt - run.startedAt }) };
  });
  return peakBytesHeld(intervals).peakBytes;
}
