import type { Plan, TaskAnnotation, WorkerSpec } from '../model/annotated-dag.js';
import type { RunDag } from '../model/run-spec.js';
import { PlanLayout } from '../scheduler/planned-layout.js';

/**
 * One phase of a planned run split at re-planning points (src/plan/replan-phases.ts): the layout
 * the phase's workers follow. Its graph holds the phase's tasks and, as sources, the finished
 * tasks they read ("done" tasks, on one worker that never runs: their outputs are stored); a task
 * a later phase reads counts as an output, so its worker stores it. Worker ids are shifted by
 * `firstWorker`, so that no phase reuses an earlier phase's ids (inboxes, executor ids).
 */
export interface PhaseLayout {
  readonly layout: PlanLayout;
  /** The finished tasks this phase reads. */
  readonly done: readonly string[];
  /** The first worker id free after this phase. */
  readonly nextWorker: number;
}

export function phaseLayout(
  dag: RunDag,
  topologicalOrder: readonly string[],
  plan: Pick<Plan, 'tasks' | 'workers'>,
  phaseTasks: readonly string[],
  finished: ReadonlySet<string>,
  firstWorker: number,
): PhaseLayout {
  const inPhase = new Set(phaseTasks);
  const done = new Set<string>();
  for (const id of phaseTasks) for (const p of dag.parents(id)) if (!inPhase.has(p)) done.add(p);
  for (const id of done) if (!finished.has(id)) throw new Error(`phase task reads ${id}, which has not run`);
  const planWorkers = Object.keys(plan.workers).map(Number);
  const doneWorker = firstWorker + Math.max(-1, ...planWorkers) + 1;
  const shift = (w: number) => firstWorker + w;
  const workers: Record<string, WorkerSpec> = {};
  const tasks: Record<string, TaskAnnotation> = {};
  for (const id of phaseTasks) {
    const a = plan.tasks[id];
    if (a === undefined) throw new Error(`task ${id} has no worker in the plan`);
    const spec = plan.workers[String(a.worker)];
    if (spec === undefined) throw new Error(`worker ${a.worker} of task ${id} has no configuration`);
    workers[String(shift(a.worker))] = spec;
    tasks[id] = { ...a, worker: shift(a.worker), prewarm: [] };
  }
  // Prewarm only workers that run in this phase (another phase's worker is invoked afresh there).
  for (const id of phaseTasks) {
    const prewarm = (plan.tasks[id]?.prewarm ?? []).map(shift).filter((w) => Object.hasOwn(workers, String(w)));
    (tasks[id] as TaskAnnotation).prewarm = prewarm;
  }
  if (done.size > 0) {
    workers[String(doneWorker)] = Object.values(workers)[0] as WorkerSpec;
    for (const id of done) tasks[id] = { worker: doneWorker, preload: false, prewarm: [], dup: false };
  }
  const graph = {
    parents: (id: string) => (done.has(id) ? [] : dag.parents(id)),
    children: (id: string) => dag.children(id).filter((c) => inPhase.has(c)),
    // Stored when the client or a later phase reads it.
    isOutput: (id: string) => dag.isOutput(id) || (!done.has(id) && dag.children(id).some((c) => !inPhase.has(c))),
    inputRefs: (id: string) => (done.has(id) ? [] : dag.inputRefs(id)),
  };
  const order = topologicalOrder.filter((id) => inPhase.has(id) || done.has(id));
  const layout = new PlanLayout(graph, order, { tasks, workers });
  return { layout, done: [...done], nextWorker: doneWorker + 1 };
}
