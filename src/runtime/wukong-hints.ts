import { statedHints } from '../metadata/dag-descriptors.js';
import type { WukongHints } from '../scheduler/wukong-executor.js';
import type { LoadedRun } from './run-cache.js';

/**
 * What a WUKONG executor knows of other tasks: its source's static schedule (when asked), each task's op and
 * the output size the DAG states (`hints.outputBytes`, synthetic args), for the delayed I/O
 * co-parent guard. The simulator passes its estimator's predictions instead.
 */
export function wukongHintsOf(run: LoadedRun, source: string): WukongHints {
  const dag = run.dag;
  // The static schedule is worked out when first needed: only to order two or more ready children
  // (a tree reduction's 5,000 leaf executors have one child each and never ask).
  let rank: ((taskId: string) => number) | undefined;
  return {
    rank: (taskId) => (rank ??= run.rank(source))(taskId),
    op: (taskId) => dag.task(taskId).op,
    predictedOutputBytes: (taskId) => statedHints(dag.task(taskId)).outputBytes,
  };
}
