/**
 * Where one fan-in child stands for one parent that finished here (WukongExecutor).
 * - check / checking:     a large output first asks (read only) whether the other parents are done
 * - delayed / delayed-checking: delayed I/O holds the output back; rechecked until ready or given up
 * - need-put:             the output must be stored before the mark (someone else may complete it)
 * - mark / marking:       the mark is due / under way
 * - complete/incomplete:  the mark's answer
 */
export type FanInStep = 'check' | 'checking' | 'delayed' | 'delayed-checking' | 'need-put' | 'mark' | 'marking' | 'complete' | 'incomplete';

/** What is left to do after a task finished here: its children and its output. */
export interface Completion {
  readonly taskId: string;
  readonly large: boolean;
  /** alwaysStore: the output is stored before any mark or invocation (small outputs; all of them with every optimization off). */
  readonly storeFirst: boolean;
  readonly singles: readonly string[];
  readonly fanIns: Map<string, FanInStep>;
  /** Fan-in children that went through delayed I/O: handled on their own, after dispatch. */
  readonly late: Set<string>;
  dispatched: boolean;
  /** Children to invoke once this output is stored (too large to inline). */
  readonly invokeAfterPut: string[];
  /** The client collects this output: store it and say so. */
  outputPending: boolean;
}

/** Steps that no longer hold up the dispatch of the ready children. */
export function settledForDispatch(completion: Completion, child: string, step: FanInStep): boolean {
  return completion.late.has(child) || step === 'complete' || step === 'incomplete';
}

/** Whether nothing is left to do for this completion. */
export function completionDone(completion: Completion): boolean {
  if (!completion.dispatched || completion.invokeAfterPut.length > 0 || completion.outputPending) return false;
  for (const step of completion.fanIns.values()) if (step !== 'complete' && step !== 'incomplete') return false;
  return true;
}

/**
 * The ready children of a finished task, each list in schedule order: `local` runs here this round
 * (a large output's children its clustering flags cover: all of them with both, the original's
 * one rule), `remote` the rest (one may become the round's become child, the others are invoked).
 */
export function readyChildren(
  completion: Completion,
  options: { readonly fanOutClustering: boolean; readonly fanInClustering: boolean },
  byRank: (a: string, b: string) => number,
): { local: string[]; remote: string[] } {
  const completedFanIns = [...completion.fanIns].filter(([child, step]) => step === 'complete' && !completion.late.has(child)).map(([child]) => child);
  const local: string[] = [];
  const remote: string[] = [];
  const clusterSingles = completion.large && options.fanOutClustering;
  const clusterFanIns = completion.large && options.fanInClustering;
  for (const child of completion.singles) (clusterSingles ? local : remote).push(child);
  for (const child of completedFanIns) (clusterFanIns ? local : remote).push(child);
  return { local: local.sort(byRank), remote: remote.sort(byRank) };
}
