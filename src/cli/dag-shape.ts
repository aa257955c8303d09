import type { Dag } from '../dag/dag.js';
import { printable } from '../model/printable.js';

/** The shape `wukong validate` prints: tasks, edges, sources, sinks, depth (longest path in tasks). */
export interface DagShape {
  readonly tasks: number;
  readonly edges: number;
  readonly sources: number;
  readonly sinks: number;
  readonly depth: number;
}

export function dagShape(dag: Dag): DagShape {
  return { tasks: dag.taskCount(), edges: dag.edgeCount(), sources: dag.sources().length, sinks: dag.sinks().length, depth: dag.depth() };
}

/** One line, fixed wording (scripts parse it): `ok: NAME: N tasks, E edges, S sources, K sinks, depth D`. */
export function formatDagShape(name: string, shape: DagShape): string {
  return `ok: ${printable(name)}: ${shape.tasks} tasks, ${shape.edges} edges, ${shape.sources} sources, ${shape.sinks} sinks, depth ${shape.depth}`;
}
