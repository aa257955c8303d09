/** What OutputSizes reads of a DAG (a Dag or the run's RunDag). */
export interface OutputRefsView {
  children(taskId: string): Iterable<string>;
  inputRefs(taskId: string): readonly { readonly taskId: string; readonly output: number }[];
}

/**
 * Bytes a fetch of some outputs of a task moves in the simulator, so that a consumer of `t#1`
 * pays only for output 1 (issue 14: TSQR's stack step read every Q block to use R). A task's
 * output total is split by its estimator's shares when known (the ops' shape declarations give
 * them exactly); otherwise evenly over the outputs its consumers reference (an estimate: the
 * simulator has no op registry).
 */
export class OutputSizes {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly dag: OutputRefsView,
    private readonly sharesOf: ((taskId: string) => readonly number[] | undefined) | undefined,
  ) {}

  /** Bytes of outputs `outputs` (all when undefined) of a task whose outputs total `totalBytes`. */
  bytesOf(taskId: string, totalBytes: number, outputs: readonly number[] | undefined): number {
    if (outputs === undefined) return totalBytes;
    const shares = this.sharesOf?.(taskId);
    if (shares !== undefined) return Math.round(outputs.reduce((sum, i) => sum + (shares[i] ?? 0), 0) * totalBytes);
    const count = this.referencedCount(taskId);
    return Math.round((totalBytes * Math.min(outputs.length, count)) / count);
  }

  /** How many outputs the task has, as far as its consumers' refs tell (at least 1). */
  private referencedCount(taskId: string): number {
    let count = this.counts.get(taskId);
    if (count === undefined) {
      count = 1;
      for (const child of this.dag.children(taskId)) for (const ref of this.dag.inputRefs(child)) if (ref.taskId === taskId) count = Math.max(count, ref.output + 1);
      this.counts.set(taskId, count);
    }
    return count;
  }
}
