import type { DagSpec, TaskHints, TaskSpec } from '../src/model/dag-schema.js';

/** A matrix block produced by a task output, with the shape the generator knows it has. */
export interface BlockRef {
  /** A dep ref: `task` or `task#i`. */
  readonly ref: string;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Collects the tasks of a generated DAG in creation order (which is a topological order, since a
 * task can only name refs that already exist) and refuses duplicate ids and refs to unknown tasks,
 * so a generator bug fails at generation rather than at validation.
 */
export class DagBuilder {
  private readonly tasks: TaskSpec[] = [];
  private readonly ids = new Set<string>();

  /** Adds a task and returns its id. */
  add(id: string, op: string, options: { args?: Record<string, unknown>; deps?: readonly string[]; hints?: TaskHints } = {}): string {
    if (this.ids.has(id)) throw new Error(`generator bug: task id ${id} is used twice`);
    for (const dep of options.deps ?? []) {
      const producer = dep.includes('#') ? dep.slice(0, dep.lastIndexOf('#')) : dep;
      if (!this.ids.has(producer)) throw new Error(`generator bug: task ${id} depends on ${dep}, which does not exist yet`);
    }
    this.ids.add(id);
    this.tasks.push({
      id,
      op,
      ...(options.args ? { args: options.args } : {}),
      ...(options.deps && options.deps.length > 0 ? { deps: [...options.deps] } : {}),
      ...(options.hints ? { hints: options.hints } : {}),
    });
    return id;
  }

  get size(): number {
    return this.tasks.length;
  }

  build(name: string, outputs: readonly string[]): DagSpec {
    return { name, tasks: [...this.tasks], outputs: [...outputs] };
  }
}
