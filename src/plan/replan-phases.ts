/**
 * Re-planning points split a run into phases by depth (longest path, in edges, from a source).
 * A point named by task t closes the stage of every task no deeper than t: a task's phase is the
 * number of point depths below its own. Every parent is shallower than its child, so a phase's
 * tasks read only its own tasks and earlier phases' (stored) outputs; that is what lets the rest
 * of the DAG be planned again once a phase has run.
 */

/** What the phase split reads of a DAG (`Dag` fits). */
export interface PhaseGraph {
  topologicalOrder(): readonly string[];
  parents(taskId: string): readonly string[];
  has(taskId: string): boolean;
}

/** Depth of every task: 0 for a source, else 1 + its deepest parent's. */
export function taskDepths(graph: PhaseGraph): Map<string, number> {
  const depth = new Map<string, number>();
  for (const id of graph.topologicalOrder()) {
    let d = 0;
    for (const p of graph.parents(id)) d = Math.max(d, (depth.get(p) ?? 0) + 1);
    depth.set(id, d);
  }
  return depth;
}

/** A point that cannot split the run: unknown, or closing a stage with nothing after it. */
export interface ReplanPointProblem {
  readonly message: string;
  readonly taskIds: readonly string[];
}

export function replanPointProblems(graph: PhaseGraph, points: readonly string[]): (ReplanPointProblem & { readonly code: 'bad-replan-point' })[] {
  if (points.length === 0) return [];
  const depths = taskDepths(graph);
  const deepest = Math.max(0, ...depths.values());
  const problems: (ReplanPointProblem & { readonly code: 'bad-replan-point' })[] = [];
  for (const point of points) {
    if (!graph.has(point)) problems.push({ code: 'bad-replan-point', message: `re-planning point ${point} is not a task of the DAG`, taskIds: [point] });
    else if ((depths.get(point) ?? 0) >= deepest) {
      problems.push({ code: 'bad-replan-point', message: `re-planning point ${point} closes the last stage (depth ${deepest}): nothing is left to re-plan after it`, taskIds: [point] });
    }
  }
  return problems;
}

/**
 * The run's phases, each its tasks in topological order; one phase when there is no point.
 * Points at the same depth are one point.
 */
export function replanPhases(graph: PhaseGraph, points: readonly string[]): string[][] {
  const depths = taskDepths(graph);
  const cuts = [...new Set(points.map((p) => depths.get(p)).filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
  const phases: string[][] = cuts.length === 0 ? [[]] : Array.from({ length: cuts.length + 1 }, () => []);
  for (const id of graph.topologicalOrder()) {
    const d = depths.get(id) ?? 0;
    let phase = 0;
    while (phase < cuts.length && d > (cuts[phase] as number)) phase += 1;
    (phases[phase] as string[]).push(id);
  }
  return phases.filter((tasks) => tasks.length > 0);
}

/**
 * `count` points spread evenly over the DAG's depth (after depths D/(count+1), 2D/(count+1), ...,
 * D the deepest): for `--replan-stages`, where no planner names its own. Each point is the first
 * task (topological order) at its depth.
 */
export function evenReplanPoints(graph: PhaseGraph, count: number): string[] {
  const depths = taskDepths(graph);
  const deepest = Math.max(0, ...depths.values());
  const points: string[] = [];
  for (let k = 1; k <= count; k += 1) {
    const target = Math.floor((deepest * k) / (count + 1));
    if (target >= deepest) continue;
    const id = graph.topologicalOrder().find((t) => depths.get(t) === target);
    if (id !== undefined && !points.some((p) => depths.get(p) === target)) points.push(id);
  }
  return points;
}
