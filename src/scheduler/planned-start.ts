import type { PlanLayout } from './planned-layout.js';

/**
 * One Invoke call the run client makes at the start of a planned run. `hedge` is set on the two
 * copies of a hedged start: each claims the worker when its handler begins (`claimOwner`), and the
 * one that loses stops at once, unreported.
 */
export interface StartLaunch {
  readonly worker: number;
  readonly hedge?: 0 | 1;
}

/**
 * The client's Invoke calls at the start of a planned run, in the order it makes them (DESIGN.md §4
 * "Planned mode", hedged starts):
 * - the start workers someone waits for (the run's pace is the slowest of their cold starts), in
 *   plan order;
 * - with `hedge` (the plan's `hedgeStarts`), a second invocation of each of those: the worker runs
 *   in whichever environment starts first, so a start-up waits for the faster of two cold starts
 *   (or for a warm one: an environment a losing copy gave up) instead of the slowest of many;
 * - last, the start workers nobody waits for (they run only sources their consumers recompute:
 *   awaitedWorker), which therefore delay nothing by going last.
 */
export function startLaunches(layout: PlanLayout, hedge: boolean): StartLaunch[] {
  const starts = layout.startWorkers();
  const awaited = starts.filter((w) => awaitedWorker(layout, w));
  const others = starts.filter((w) => !awaitedWorker(layout, w));
  if (!hedge) return [...awaited, ...others].map((worker) => ({ worker }));
  return [...awaited.map((worker) => ({ worker, hedge: 0 as const })), ...awaited.map((worker) => ({ worker, hedge: 1 as const })), ...others.map((worker) => ({ worker }))];
}

/**
 * The workers whose function the client pre-warms after its start calls (Plan.prewarmAtStart), in
 * the plan's order: each listed worker that runs a task and is not a start worker (a start worker
 * is invoked at once; a prewarm would only add a second environment). One prewarm Invoke each; a
 * producer-invoked worker of that tier later starts warm on any such environment idle by then.
 */
export function startPrewarms(layout: PlanLayout, listed: readonly number[] | undefined): number[] {
  if (listed === undefined || listed.length === 0) return [];
  const starts = new Set(layout.startWorkers());
  const running = new Set(layout.workers());
  return [...new Set(listed)].filter((worker) => running.has(worker) && !starts.has(worker));
}

/**
 * Whether another worker or the client may wait for `worker`: false for one that runs only
 * dup-annotated sources that are not DAG outputs, which a consumer recomputes when it turns to
 * them before their marks (the estimator's rule too: src/plan/start-waves.ts).
 */
export function awaitedWorker(layout: PlanLayout, worker: number): boolean {
  return layout.tasksOf(worker).some((id) => !(layout.dup(id) && layout.graph.parents(id).length === 0 && !layout.graph.isOutput(id)));
}

/** The claim owner of copy `hedge` of a hedged start of `worker` (distinct per copy; a retry of a copy keeps its claim). */
export function claimOwner(worker: number, hedge: 0 | 1): string {
  return `w-${worker}#${hedge}`;
}

/** The executor id a copy that lost its claim reports under: one the client does not wait for. */
export function lostClaimExecutorId(worker: number, hedge: 0 | 1): string {
  return `${claimOwner(worker, hedge)}-unclaimed`;
}
