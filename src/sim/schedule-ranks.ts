import type { ScheduleGraph } from '../model/graph-view.js';
import { scheduleRank, staticSchedule } from '../scheduler/static-schedule.js';

/** Per-source schedules longer than this may fall back to the global order (see ScheduleRanks). */
export const DEFAULT_SCHEDULE_CAP_TASKS = 10_000;
/** Cached schedule positions kept at most (entries over all sources). */
const CACHE_BUDGET_ENTRIES = 2_000_000;

/** Thrown inside a capped DFS to stop it; never escapes this module. */
class ScheduleTooLong extends Error {}

export interface ScheduleRankStats {
  /** Exact static schedules computed (recomputations after eviction included). */
  exact: number;
  /** Executors ranked by the global order because their source's schedule was too long. */
  fallback: number;
}

/**
 * The rank functions executors prefer ready children by: position in the static schedule of the
 * executor's source (WUKONG's DFS over dependents; src/scheduler/static-schedule.ts), exactly as
 * the runtime computes it, built only when an executor first compares two children.
 *
 * Cost bound: on a DAG with many sources that each reach most tasks (a layered DAG), exact
 * schedules cost sources x tasks. A source whose schedule exceeds max(cap, 4 x tasks / sources)
 * tasks, or any source once the DFS work spent passes 2 x tasks + 1M, is ranked instead by one
 * global schedule (the DFS from every source in turn). Ranks only order the siblings one executor
 * compares, so this changes which ready child an executor becomes on such DAGs, not correctness;
 * `stats.fallback` says how often it happened.
 */
export class ScheduleRanks {
  private readonly cache = new Map<string, (taskId: string) => number>();
  private cachedEntries = 0;
  private readonly sizes = new Map<string, number>();
  private readonly tooLong = new Set<string>();
  private globalRank: ((taskId: string) => number) | undefined;
  private workLeft: number;
  private readonly capTasks: number;
  readonly stats: ScheduleRankStats = { exact: 0, fallback: 0 };

  constructor(
    private readonly graph: ScheduleGraph,
    private readonly sources: readonly string[],
    taskCount: number,
    capTasks = DEFAULT_SCHEDULE_CAP_TASKS,
  ) {
    this.capTasks = Math.max(capTasks, Math.ceil((4 * taskCount) / Math.max(1, sources.length)));
    this.workLeft = 2 * taskCount + 1_000_000;
  }

  /** The rank function for executors of `source`'s schedule (computed on first use). */
  rankFor(source: string): (taskId: string) => number {
    let rank: ((taskId: string) => number) | undefined;
    return (taskId) => {
      rank ??= this.resolve(source);
      return rank(taskId);
    };
  }

  private resolve(source: string): (taskId: string) => number {
    const cached = this.cache.get(source);
    if (cached) {
      // Refresh its place in the LRU order.
      this.cache.delete(source);
      this.cache.set(source, cached);
      return cached;
    }
    if (this.tooLong.has(source) || this.workLeft <= 0) return this.fallback();
    const schedule = this.cappedSchedule(source, Math.min(this.capTasks, this.workLeft));
    if (!schedule) {
      this.tooLong.add(source);
      return this.fallback();
    }
    this.workLeft -= schedule.length;
    this.stats.exact += 1;
    const rank = scheduleRank(schedule);
    this.cache.set(source, rank);
    this.sizes.set(source, schedule.length);
    this.cachedEntries += schedule.length;
    for (const [old] of this.cache) {
      if (this.cachedEntries <= CACHE_BUDGET_ENTRIES || old === source) break;
      this.cache.delete(old);
      this.cachedEntries -= this.sizes.get(old) ?? 0;
      this.sizes.delete(old);
    }
    return rank;
  }

  /** The real static schedule, abandoned once it passes `limit` tasks. */
  private cappedSchedule(source: string, limit: number): string[] | undefined {
    let visited = 0;
    const graph = this.graph;
    const counting: ScheduleGraph = {
      parents: (id) => graph.parents(id),
      isOutput: (id) => graph.isOutput(id),
      children: (id) => {
        visited += 1;
        if (visited > limit) throw new ScheduleTooLong();
        return graph.children(id);
      },
    };
    try {
      return staticSchedule(counting, source);
    } catch (error) {
      if (error instanceof ScheduleTooLong) {
        this.workLeft -= limit;
        return undefined;
      }
      throw error;
    }
  }

  private fallback(): (taskId: string) => number {
    this.stats.fallback += 1;
    if (!this.globalRank) {
      // A virtual root whose children are the sources in order; no task id can contain NUL.
      const root = '\u0000root';
      const graph = this.graph;
      const sources = this.sources;
      const rooted: ScheduleGraph = {
        parents: (id) => graph.parents(id),
        isOutput: (id) => graph.isOutput(id),
        children: (id) => (id === root ? sources : graph.children(id)),
      };
      this.globalRank = scheduleRank(staticSchedule(rooted, root));
    }
    return this.globalRank;
  }
}
