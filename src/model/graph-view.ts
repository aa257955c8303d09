/**
 * What the scheduler core needs to know about the DAG. `Dag` (src/dag) implements it; tests and the
 * simulator may pass lighter views.
 */
export interface ScheduleGraph {
  /** Distinct producer task ids of `taskId`, in deps order. */
  parents(taskId: string): readonly string[];
  /** Distinct consumer task ids of `taskId`. */
  children(taskId: string): readonly string[];
  /** Whether the client collects this task's output (a DAG output). */
  isOutput(taskId: string): boolean;
}
