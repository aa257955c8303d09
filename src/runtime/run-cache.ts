import type { DagSpec } from '../model/dag-schema.js';
import { PlanLayout } from '../scheduler/planned-layout.js';
import { scheduleRank, staticSchedule } from '../scheduler/static-schedule.js';
import type { Coordinator } from '../storage/coordinator.js';
import { NotFoundError } from '../model/errors.js';
import { topologicalOrder as topologicalOrderOf } from '../model/topological-order.js';
import { runKeys } from './keys.js';
import { StoredRunSpecSchema, type RunDag, type RunSpec } from '../model/run-spec.js';

export interface LoadedRun {
  readonly spec: RunSpec;
  readonly dag: RunDag;
  /** The rank function of a source's static schedule (computed once per source, then cached). */
  rank(source: string): (taskId: string) => number;
  /** Planned mode: who runs what, in which order (built once per process); undefined without a plan. */
  layout(): PlanLayout | undefined;
  /**
   * A task's args parsed by its op's schema (parsed once per process, then cached). With `share`
   * (the built-in ops, which never change their args), tasks of one op with equal small raw args
   * share the parsed value; a user op's tasks each get their own, so one that changes its args
   * cannot reach another task's.
   */
  args(taskId: string, parse: (raw: unknown) => unknown, share?: boolean): unknown;
}

/**
 * Loads a run's spec by key once per process (a warm thread or Lambda container reuses it) and
 * keeps a few recent runs. The DAG is never copied into payloads.
 */
export class RunCache {
  private readonly runs = new Map<string, Promise<LoadedRun>>();

  constructor(
    private readonly coordinator: Coordinator,
    private readonly buildDag: (spec: DagSpec) => RunDag,
    private readonly capacity = 4,
  ) {}

  load(runId: string): Promise<LoadedRun> {
    const cached = this.runs.get(runId);
    if (cached) return cached;
    const loading = this.fetch(runId);
    loading.catch(() => this.runs.delete(runId));
    this.runs.set(runId, loading);
    while (this.runs.size > this.capacity) this.runs.delete(this.runs.keys().next().value as string);
    return loading;
  }

  private async fetch(runId: string): Promise<LoadedRun> {
    const text = await this.coordinator.getValue(runKeys(runId).spec);
    if (text === undefined) throw new NotFoundError(runKeys(runId).spec, `run ${runId} is unknown or expired (no spec stored)`);
    const spec = StoredRunSpecSchema.parse(JSON.parse(text));
    return loadedRun(spec, this.buildDag(spec.dag));
  }
}

/** Raw args up to this long (as JSON) are parsed once per op and text, not once per task. */
const SHARED_ARGS_MAX_CHARS = 512;

export function loadedRun(spec: RunSpec, dag: RunDag): LoadedRun {
  const ranks = new Map<string, (taskId: string) => number>();
  const parsedArgs = new Map<string, unknown>();
  const parsedBySame = new Map<string, unknown>();
  let layout: PlanLayout | undefined;
  return {
    spec,
    dag,
    layout() {
      if (!spec.plan) return undefined;
      layout ??= planLayoutOf(spec.plan, spec.fromCache, dag);
      return layout;
    },
    args(taskId, parse, share = false) {
      if (parsedArgs.has(taskId)) return parsedArgs.get(taskId);
      const task = dag.task(taskId);
      const raw = task.args ?? {};
      // Tasks of one op with the same small args (a map over many blocks, thousands of no-ops)
      // share one parse: parsing is a function of the raw args, and a schema parse costs tens of
      // microseconds, more than the memory store's whole share of a small task.
      const text = share ? JSON.stringify(raw) : undefined;
      const sameKey = text !== undefined && text.length <= SHARED_ARGS_MAX_CHARS ? `${task.op}\u0000${text}` : undefined;
      const parsed = sameKey !== undefined && parsedBySame.has(sameKey) ? parsedBySame.get(sameKey) : parse(raw);
      if (sameKey !== undefined) parsedBySame.set(sameKey, parsed);
      parsedArgs.set(taskId, parsed);
      return parsed;
    },
    rank(source) {
      let rank = ranks.get(source);
      if (!rank) {
        rank = scheduleRank(staticSchedule(dag, source));
        ranks.set(source, rank);
      }
      return rank;
    },
  };
}

/** Planned mode's layout of a run (a resumed run's plan covers only what runs: RunSpec.fromCache). */
export function planLayoutOf(plan: NonNullable<RunSpec['plan']>, fromCache: RunSpec['fromCache'], dag: RunDag): PlanLayout {
  return new PlanLayout(dag, topologicalOrderOf(dag), plan, fromCache ? new Set(fromCache) : undefined);
}

/** Kahn's order from the sources (the stored DAG was validated acyclic before the run began). */
export { topologicalOrder as topologicalOrderOf } from '../model/topological-order.js';
