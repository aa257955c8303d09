import { runKeyPrefix } from '../storage/coordinator.js';

/**
 * Names of everything a run stores. Coordination keys live under `wk:{runId}:` (DESIGN.md §4);
 * intermediates under `wk/{runId}/` in the intermediate store, so `gc` can remove a run by prefix.
 */
export const runKeys = (runId: string) => {
  const c = runKeyPrefix(runId);
  return {
    /** The run's DAG JSON and options, stored once and referenced by every executor. */
    spec: `${c}spec`,
    /** Whether the run's client still follows it (./run-liveness.ts; read by `wukong gc`). */
    live: `${c}live`,
    /** Fan-in marks of a child task. */
    fanIn: (childId: string) => `${c}fanin:${childId}`,
    /** A planned worker's inbox: producers notify it after marking one of its tasks' fan-ins. */
    workerInbox: (worker: number) => `${c}inbox:${worker}`,
    /** Who holds a hedged start worker: the copy whose handler claimed it first (src/scheduler/planned-start.ts). */
    startClaim: (worker: number) => `${c}start:${worker}`,
    /** Where executors tell the client about outputs, progress, failures and their reports. */
    clientInbox: `${c}client`,
    /** Intermediate store prefix of this run. */
    outputPrefix: `wk/${runId}/`,
    /** Output `index` of `taskId` in the intermediate store. */
    output: (taskId: string, index: number) => `wk/${runId}/out/${taskId}#${index}`,
  };
};
