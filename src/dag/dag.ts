import { Graph } from '@dagrejs/graphlib';
import { BadInputError, NotFoundError } from '../model/errors.js';
import { DagValidationError, type DagProblem } from './dag-problem.js';
import { findCycle, formatCycle } from './find-cycle.js';
import { parseDepRef, type DagSpec, type TaskSpec } from '../model/dag-schema.js';
import { topologicalIndexOrder } from '../model/topological-order.js';

/** One input of a task: output `output` (0-based) of task `taskId`. */
export interface InputRef {
  readonly taskId: string;
  readonly output: number;
}

/** The heaviest source-to-sink path: its tasks in data-flow order and the sum of their weights. */
export interface CriticalPath {
  readonly taskIds: readonly string[];
  readonly length: number;
}

/** A task's weight on a path (e.g. predicted ms); finite and non-negative. */
export type TaskWeight = (taskId: string) => number;

/** graphlib's graph of the DAG: node label = the task, edge producer -> consumer, no edge label. */
export type DagGraph = Graph<{ name?: string }, TaskSpec, undefined>;

/** Parents or children of every task, as task indices: task i's are values[offsets[i]..offsets[i+1]). */
export interface Adjacency {
  readonly offsets: Int32Array;
  readonly values: Int32Array;
}

/** See `Dag.index`. */
export interface DagIndex {
  readonly parents: Adjacency;
  readonly children: Adjacency;
  readonly order: Int32Array;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * An acyclic, fully linked DAG: the model every later stage (planner, scheduler, simulator, CLI)
 * works on. Its graph is a graphlib `Graph` (`dag.graph`); the model's own queries run on the
 * same edges kept as flat index arrays, because graphlib keys every node and edge by string in
 * plain objects: building its graph costs ~15x a Map of the same edges, seconds at 100,000 tasks
 * (bench/validate-100k.ts prints it), which would blow the validation budget. So the graphlib
 * graph is built on first use, for callers that want graphlib's algorithms. Derived results are
 * computed once, on first use. Build a Dag with `Dag.fromSpec` or `validateDag`; the spec must
 * not be mutated afterwards.
 */
export class Dag {
  private cachedGraph: DagGraph | undefined;
  private readonly parentNames: (readonly string[] | undefined)[];
  private readonly childNames: (readonly string[] | undefined)[];
  private readonly refs: (readonly InputRef[] | undefined)[];
  private cachedSources: readonly string[] | undefined;
  private cachedSinks: readonly string[] | undefined;
  private cachedOrder: readonly string[] | undefined;
  private cachedDepth: number | undefined;
  private cachedOutputTasks: ReadonlySet<string> | undefined;
  private cachedCriticalPath: CriticalPath | undefined;

  private constructor(
    readonly spec: DagSpec,
    private readonly ids: readonly string[],
    private readonly indexById: ReadonlyMap<string, number>,
    private readonly parentsOf: Adjacency,
    private readonly childrenOf: Adjacency,
    private readonly orderIndices: Int32Array,
  ) {
    const n = ids.length;
    this.parentNames = new Array<readonly string[] | undefined>(n);
    this.childNames = new Array<readonly string[] | undefined>(n);
    this.refs = new Array<readonly InputRef[] | undefined>(n);
  }

  /**
   * Builds the model of a DAG spec in O(V + E). Throws DagValidationError for what would make the
   * model meaningless (duplicate ids, unknown or self deps, a cycle); `validateDag` checks
   * everything else (ops, args, arity, output refs) and reports every problem at once.
   */
  static fromSpec(spec: DagSpec): Dag {
    const n = spec.tasks.length;
    const ids: string[] = new Array<string>(n);
    const indexById = new Map<string, number>();
    const problems: DagProblem[] = [];
    spec.tasks.forEach((task, i) => {
      ids[i] = task.id;
      if (indexById.has(task.id)) problems.push({ code: 'duplicate-id', message: `task id "${task.id}" is used more than once`, taskIds: [task.id] });
      else indexById.set(task.id, i);
    });
    if (problems.length > 0) throw new DagValidationError(problems);

    const parentsOf = linkParents(spec, indexById, problems);
    if (problems.length > 0) throw new DagValidationError(problems);
    const childrenOf = invert(parentsOf, n);
    const order = kahnOrder(parentsOf, childrenOf, n);
    if (order.length < n) {
      const cycle = findCycle(n, (i) => parentsOf.values.subarray(parentsOf.offsets[i], parentsOf.offsets[i + 1])) ?? [];
      const cycleIds = cycle.map((i) => ids[i] as string);
      throw new DagValidationError([{ code: 'cycle', message: formatCycle(cycleIds), taskIds: cycleIds }]);
    }
    return new Dag(spec, ids, indexById, parentsOf, childrenOf, order);
  }

  /**
   * The DAG as a graphlib Graph: node = task id labelled with its TaskSpec, edge = producer ->
   * consumer (one per distinct pair). Built on first access; treat it as read-only.
   */
  get graph(): DagGraph {
    return (this.cachedGraph ??= buildGraph(this.spec, this.ids, this.parentsOf));
  }

  get name(): string | undefined {
    return this.spec.name;
  }

  taskCount(): number {
    return this.ids.length;
  }

  /** Distinct producer -> consumer pairs (a task taking two outputs of one producer is one edge). */
  edgeCount(): number {
    return this.parentsOf.values.length;
  }

  /** Every task id, in the spec's order; `indexOf(id)` is its position here. */
  taskIds(): readonly string[] {
    return this.ids;
  }

  has(taskId: string): boolean {
    return this.indexById.has(taskId);
  }

  /** The task's position in `taskIds()`, or -1; lets callers keep per-task state in flat arrays. */
  indexOf(taskId: string): number {
    return this.indexById.get(taskId) ?? -1;
  }

  task(taskId: string): TaskSpec {
    return this.spec.tasks[this.requireIndex(taskId)] as TaskSpec;
  }

  /** Distinct producer task ids, in the order the task's deps first name them. */
  parents(taskId: string): readonly string[] {
    const i = this.requireIndex(taskId);
    return (this.parentNames[i] ??= this.names(this.parentsOf, i));
  }

  /** Consumer task ids, in the spec's order. */
  children(taskId: string): readonly string[] {
    const i = this.requireIndex(taskId);
    return (this.childNames[i] ??= this.names(this.childrenOf, i));
  }

  /** The task's inputs in deps order (the op's input order); repeats kept. */
  inputRefs(taskId: string): readonly InputRef[] {
    const i = this.requireIndex(taskId);
    return (this.refs[i] ??= Object.freeze((this.spec.tasks[i]?.deps ?? []).map((ref) => Object.freeze(parseDepRef(ref)))));
  }

  /**
   * The model's own flat index arrays, shared (treat as read-only): task i is `taskIds()[i]`, its
   * distinct parents `parents.values[parents.offsets[i] .. parents.offsets[i+1])` in deps order,
   * its children likewise in spec order, and `order` the topological order as indices. Planners
   * loop over these instead of building their own copy.
   */
  get index(): DagIndex {
    return { parents: this.parentsOf, children: this.childrenOf, order: this.orderIndices };
  }

  /** Every task after all its parents; ties in spec order (Kahn's algorithm, FIFO). */
  topologicalOrder(): readonly string[] {
    return (this.cachedOrder ??= Object.freeze(Array.from(this.orderIndices, (i) => this.ids[i] as string)));
  }

  /** Tasks with no parents, in spec order. */
  sources(): readonly string[] {
    return (this.cachedSources ??= this.filterIds(this.parentsOf));
  }

  /** Tasks with no children, in spec order. */
  sinks(): readonly string[] {
    return (this.cachedSinks ??= this.filterIds(this.childrenOf));
  }

  /** Tasks on the longest path (a lone task has depth 1). */
  depth(): number {
    if (this.cachedDepth === undefined) this.cachedDepth = this.longestPath(() => 1).length;
    return this.cachedDepth;
  }

  /** The refs a run delivers: the spec's `outputs`, or every sink. */
  outputs(): readonly string[] {
    return this.spec.outputs ?? this.sinks();
  }

  /** Whether some output ref names this task. */
  isOutput(taskId: string): boolean {
    this.cachedOutputTasks ??= new Set(this.outputs().map((ref) => parseDepRef(ref).taskId));
    return this.cachedOutputTasks.has(taskId);
  }

  /**
   * The path of greatest total weight. Default weight: the task's `hints.durationMs`, else 1.
   * Ties: the path ending last in topological order, and at each task its first parent in deps
   * order. The default-weight result is cached.
   */
  criticalPath(weight?: TaskWeight): CriticalPath {
    if (weight !== undefined) return this.longestPath(weight);
    return (this.cachedCriticalPath ??= this.longestPath((id) => this.task(id).hints?.durationMs ?? 1));
  }

  private longestPath(weight: TaskWeight): CriticalPath {
    const n = this.ids.length;
    if (n === 0) return { taskIds: [], length: 0 };
    const { offsets, values } = this.parentsOf;
    const best = new Float64Array(n); // heaviest path ending at each task
    const via = new Int32Array(n).fill(-1); // its previous task
    let end = -1;
    for (const i of this.orderIndices) {
      const id = this.ids[i] as string;
      const w = weight(id);
      if (!Number.isFinite(w) || w < 0) throw new BadInputError(`weight of task ${id} must be a finite number >= 0, got ${w}`);
      let before = 0;
      let from = -1;
      for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k += 1) {
        const p = values[k] as number;
        if (from === -1 || (best[p] as number) > before) {
          before = best[p] as number;
          from = p;
        }
      }
      best[i] = before + w;
      via[i] = from;
      // `>=`: among equally heavy paths take the one ending last, so zero-weight tails are kept.
      if (end === -1 || (best[i] as number) >= (best[end] as number)) end = i;
    }
    const path: string[] = [];
    for (let i = end; i !== -1; i = via[i] as number) path.push(this.ids[i] as string);
    path.reverse();
    return Object.freeze({ taskIds: Object.freeze(path), length: best[end] as number });
  }

  private requireIndex(taskId: string): number {
    const i = this.indexById.get(taskId);
    if (i === undefined) throw new NotFoundError(taskId, `no task "${taskId}" in DAG ${this.spec.name ?? '(unnamed)'}`);
    return i;
  }

  private names(adjacency: Adjacency, i: number): readonly string[] {
    const start = adjacency.offsets[i] as number;
    const stop = adjacency.offsets[i + 1] as number;
    if (start === stop) return NONE;
    const out = new Array<string>(stop - start);
    for (let k = start; k < stop; k += 1) out[k - start] = this.ids[adjacency.values[k] as number] as string;
    return Object.freeze(out);
  }

  private filterIds(adjacency: Adjacency): readonly string[] {
    const out: string[] = [];
    for (let i = 0; i < this.ids.length; i += 1) if (adjacency.offsets[i] === adjacency.offsets[i + 1]) out.push(this.ids[i] as string);
    return Object.freeze(out);
  }
}

/** Distinct parents of every task, in deps order; unknown and self deps become problems. */
function linkParents(spec: DagSpec, indexById: ReadonlyMap<string, number>, problems: DagProblem[]): Adjacency {
  const n = spec.tasks.length;
  const offsets = new Int32Array(n + 1);
  const values: number[] = [];
  // lastConsumer[p] = 1 + the last task that listed p: drops repeated deps in O(1), even for a
  // task with thousands of deps.
  const lastConsumer = new Int32Array(n);
  spec.tasks.forEach((task, i) => {
    for (const ref of task.deps ?? []) {
      const producerId = parseDepRef(ref).taskId;
      const p = indexById.get(producerId);
      if (p === undefined) problems.push({ code: 'unknown-dep', message: `task ${task.id} depends on "${ref}", which is no task`, taskIds: [task.id, producerId] });
      else if (p === i) problems.push({ code: 'self-dep', message: `task ${task.id} depends on itself`, taskIds: [task.id] });
      else if (lastConsumer[p] !== i + 1) {
        lastConsumer[p] = i + 1;
        values.push(p);
      }
    }
    offsets[i + 1] = values.length;
  });
  return { offsets, values: Int32Array.from(values) };
}

/** Children from parents: counting sort by parent, so each task's children stay in spec order. */
function invert(parentsOf: Adjacency, n: number): Adjacency {
  const offsets = new Int32Array(n + 1);
  for (const p of parentsOf.values) offsets[p + 1] = (offsets[p + 1] as number) + 1;
  for (let i = 0; i < n; i += 1) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const fill = offsets.slice(0, n);
  const values = new Int32Array(parentsOf.values.length);
  for (let child = 0; child < n; child += 1) {
    for (let k = parentsOf.offsets[child] as number; k < (parentsOf.offsets[child + 1] as number); k += 1) {
      const p = parentsOf.values[k] as number;
      values[fill[p] as number] = child;
      fill[p] = (fill[p] as number) + 1;
    }
  }
  return { offsets, values };
}

/** The model layer's topological sort over the flat arrays; shorter than n exactly when there is a cycle. */
function kahnOrder(parentsOf: Adjacency, childrenOf: Adjacency, n: number): Int32Array {
  const sources: number[] = [];
  for (let i = 0; i < n; i += 1) if (parentsOf.offsets[i] === parentsOf.offsets[i + 1]) sources.push(i);
  return topologicalIndexOrder({
    taskCount: n,
    sources,
    parentCount: (task) => (parentsOf.offsets[task + 1] as number) - (parentsOf.offsets[task] as number),
    forEachChild: (task, visit) => {
      for (let k = childrenOf.offsets[task] as number; k < (childrenOf.offsets[task + 1] as number); k += 1) visit(childrenOf.values[k] as number);
    },
  });
}

function buildGraph(spec: DagSpec, ids: readonly string[], parentsOf: Adjacency): DagGraph {
  const graph: DagGraph = new Graph({ directed: true, multigraph: false, compound: false });
  graph.setGraph(spec.name === undefined ? {} : { name: spec.name });
  spec.tasks.forEach((task) => graph.setNode(task.id, task));
  for (let child = 0; child < ids.length; child += 1) {
    for (let k = parentsOf.offsets[child] as number; k < (parentsOf.offsets[child + 1] as number); k += 1) {
      graph.setEdge(ids[parentsOf.values[k] as number] as string, ids[child] as string);
    }
  }
  return graph;
}
