import type { Plan } from '../model/annotated-dag.js';
import { workerTaskLists } from '../model/plan-order.js';
import type { RefGraph } from './wukong-held-outputs.js';

/** The fan-in member a parking worker marks; task ids with `@` are refused, so none can clash. */
export const PARK_MEMBER = '@park';

/**
 * What every planned worker derives from the DAG and the plan, computed once per run: who runs
 * each task, each worker's run order, and the fan-in arithmetic of DESIGN.md §4 "Planned mode".
 *
 * R(c) = parents of c on another worker ("remote parents"). A consumer c's fan-in completes at
 * |R(c)| marks when c is its worker's first task (the completing producer invokes the worker),
 * and at |R(c)| + 1 otherwise: the extra member is `@park`, marked only by a worker that parks at
 * c, so that exactly one side (the parked worker or the last producer) goes on.
 */
export class PlanLayout {
  private readonly workerOf = new Map<string, number>();
  private readonly lists: Map<number, string[]>;
  private readonly remote = new Map<string, string[]>();
  /** The DAG as the workers see it: children limited to the tasks the plan covers. */
  readonly graph: RefGraph;

  /**
   * `stored`: set when the run resumes from a result cache's hits (RunSpec.fromCache). The plan
   * then covers only the tasks that run; the stored tasks' outputs are in the intermediate store
   * before any worker starts, so a task reading one fetches it and waits for no mark. Without
   * `stored` the plan must cover every task.
   */
  constructor(
    graph: RefGraph,
    topologicalOrder: readonly string[],
    readonly plan: Pick<Plan, 'tasks' | 'workers'>,
    private readonly stored?: ReadonlySet<string>,
  ) {
    const covered = stored ? topologicalOrder.filter((id) => Object.hasOwn(plan.tasks, id)) : topologicalOrder;
    this.graph = stored ? coveredGraph(graph, plan) : graph;
    this.lists = workerTaskLists({ topologicalOrder: () => covered }, plan);
    for (const [worker, list] of this.lists) for (const id of list) this.workerOf.set(id, worker);
    // Plan order must grow along every edge, or two workers could wait on each other for ever.
    const position = new Map(covered.map((id, i) => [id, i]));
    const rank = (id: string) => [plan.tasks[id]?.order ?? -1, position.get(id) ?? -1] as const;
    const before = (a: string, b: string) => rank(a)[0] < rank(b)[0] || (rank(a)[0] === rank(b)[0] && rank(a)[1] < rank(b)[1]);
    for (const id of covered) {
      for (const p of graph.parents(id)) {
        if (stored?.has(p)) continue;
        if (stored && !this.workerOf.has(p)) throw new Error(`task ${id} reads ${p}, which is neither in the plan nor stored from the cache`);
        if (!before(p, id)) throw new Error(`plan order runs task ${id} before its input ${p}`);
      }
    }
    for (const id of covered) {
      if (id.includes('@')) throw new Error(`task id ${id} contains "@", reserved for park marks in planned mode`);
      const w = this.worker(id);
      this.remote.set(id, graph.parents(id).filter((p) => !stored?.has(p) && this.worker(p) !== w));
    }
  }

  worker(taskId: string): number {
    const w = this.workerOf.get(taskId);
    if (w === undefined) throw new Error(`task ${taskId} has no worker in the plan`);
    return w;
  }

  /** Worker ids that have at least one task. */
  workers(): number[] {
    return [...this.lists.keys()];
  }

  /** Worker `w`'s tasks in run order. */
  tasksOf(worker: number): readonly string[] {
    return this.lists.get(worker) ?? [];
  }

  first(worker: number): string {
    const first = this.lists.get(worker)?.[0];
    if (first === undefined) throw new Error(`worker ${worker} has no tasks`);
    return first;
  }

  /** R(c): parents of `taskId` that run on another worker. */
  remoteParents(taskId: string): readonly string[] {
    return this.remote.get(taskId) ?? [];
  }

  /** Children of `taskId` on other workers (they are told when its output is stored). */
  remoteChildren(taskId: string): string[] {
    const w = this.worker(taskId);
    return this.graph.children(taskId).filter((c) => this.worker(c) !== w);
  }

  /** Marks that complete the fan-in of `taskId`: |R(c)|, plus the park member unless c is first. */
  expected(taskId: string): number {
    const n = this.remoteParents(taskId).length;
    return this.first(this.worker(taskId)) === taskId ? n : n + 1;
  }

  /** Workers the run client invokes at start: those whose first task is a DAG source (or reads stored outputs only). */
  startWorkers(): number[] {
    return this.workers().filter((w) => this.graph.parents(this.first(w)).every((p) => this.stored?.has(p) === true));
  }

  /** Whether `taskId`'s output was in the store before the run (a result-cache hit): no worker runs it. */
  isStored(taskId: string): boolean {
    return this.stored?.has(taskId) === true;
  }

  memoryMbOf(worker: number): number {
    return this.plan.workers[String(worker)]?.memoryMb ?? 0;
  }

  preload(taskId: string): boolean {
    return this.plan.tasks[taskId]?.preload ?? false;
  }

  prewarm(taskId: string): readonly number[] {
    return this.plan.tasks[taskId]?.prewarm ?? [];
  }

  dup(taskId: string): boolean {
    return this.plan.tasks[taskId]?.dup ?? false;
  }

  /** The plan's park threshold for this task (ms), if it sets one. */
  parkAfterMs(taskId: string): number | undefined {
    return this.plan.tasks[taskId]?.parkAfterMs;
  }
}

/** `graph` with each task's children limited to those the plan covers (hits and skipped tasks run nowhere). */
function coveredGraph(graph: RefGraph, plan: Pick<Plan, 'tasks'>): RefGraph {
  const inputRefs = graph.inputRefs?.bind(graph);
  return {
    parents: (taskId) => graph.parents(taskId),
    children: (taskId) => graph.children(taskId).filter((child) => Object.hasOwn(plan.tasks, child)),
    isOutput: (taskId) => graph.isOutput(taskId),
    // Kept: a worker fetches only the outputs its tasks read (the client seeds only those).
    ...(inputRefs ? { inputRefs } : {}),
  };
}

/** The executor id of worker `w`'s first incarnation, or of the one resumed at `resumeAt`. */
export function workerExecutorId(worker: number, resumeAt?: string): string {
  return resumeAt === undefined ? `w-${worker}` : `w-${worker}@${resumeAt}`;
}
