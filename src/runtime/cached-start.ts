import type { CacheResolution, ResultCache } from '../cache/result-cache.js';
import type { Plan } from '../model/annotated-dag.js';
import type { RunDag } from '../model/run-spec.js';
import type { CacheSummary } from '../report/cache-summary.js';
import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import type { runKeys } from './keys.js';

type RunKeys = ReturnType<typeof runKeys>;

/**
 * The hit frontier of a run with a result cache: the tasks that must run and whose parents are all
 * hits (or that have none). Each gets its own executor, as a source does in an uncached run.
 */
export function hitFrontier(dag: RunDag, resolution: CacheResolution): string[] {
  return [...resolution.run].filter((taskId) => dag.parents(taskId).every((parent) => resolution.hits.has(parent)));
}

/** The hits a task that runs reads: their outputs go into the run's store (RunSpec.fromCache). */
export function seededHits(dag: RunDag, resolution: CacheResolution): string[] {
  const seeded = new Set<string>();
  for (const taskId of resolution.run) for (const parent of dag.parents(taskId)) if (resolution.hits.has(parent)) seeded.add(parent);
  return [...seeded].sort();
}

/**
 * Makes the run start from the hit frontier: each hit that feeds a task that runs is put into the
 * intermediate store under this run's key (where its consumer's executor fetches inputs it does
 * not hold). WUKONG mode (`markFanIns`) also marks it in the fan-in of every such consumer with
 * several parents, so the consumer's last running parent completes it as in an uncached run;
 * planned mode's fan-ins count planned producers only (PlanLayout), so nothing is marked.
 */
export async function seedHits(
  dag: RunDag,
  resolution: CacheResolution,
  keys: RunKeys,
  stores: { readonly store: IntermediateStore; readonly coordinator: Coordinator },
  options: { readonly markFanIns: boolean },
): Promise<void> {
  const seeded = new Set<string>();
  for (const taskId of resolution.run) {
    for (const ref of dag.inputRefs(taskId)) {
      const payloads = resolution.hits.get(ref.taskId);
      const key = keys.output(ref.taskId, ref.output);
      if (!payloads || seeded.has(key)) continue;
      seeded.add(key);
      await stores.store.put(key, payloads[ref.output] as Uint8Array);
    }
    const parents = dag.parents(taskId);
    if (!options.markFanIns || parents.length < 2) continue;
    for (const parent of parents) {
      if (resolution.hits.has(parent)) await stores.coordinator.markFanIn(keys.fanIn(taskId), parent, parents.length);
    }
  }
}

/**
 * After the run: the outputs it stored anyway become cache entries (read back from the
 * intermediate store by the client, off the executors' critical path), and the summary says what
 * hit and why the rest ran. A failing cache write is reported, never fails the run.
 */
export async function recordRun(
  cache: ResultCache,
  dag: RunDag,
  resolution: CacheResolution,
  ran: ReadonlySet<string>,
  tasksTotal: number,
  keys: RunKeys,
  store: IntermediateStore,
  plan?: Pick<Plan, 'tasks'>,
): Promise<CacheSummary> {
  let written = 0;
  let writeError: string | undefined;
  try {
    written = await cache.record(dag, ran, async (taskId, output) => {
      const key = keys.output(taskId, output);
      return (await store.has(key)) ? store.get(key) : undefined;
    });
  } catch (error) {
    writeError = (error as Error).message;
  }
  const recomputed = [...ran].sort().map((taskId) => ({ taskId, reason: resolution.reasons.get(taskId) ?? 'ran after a task that re-ran (its cached result was not needed)' }));
  return {
    location: cache.location,
    hits: resolution.hits.size,
    recomputed,
    skipped: Math.max(0, tasksTotal - ran.size - resolution.hits.size),
    corrupt: resolution.corrupt.length,
    written,
    ...(plan ? { plannedTasks: Object.keys(plan.tasks).length } : {}),
    ...(writeError ? { writeError } : {}),
  };
}
