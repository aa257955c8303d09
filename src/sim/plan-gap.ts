/**
 * Why a plan's predicted makespan and the simulated one differ (issue 15 item 7), for gaps over
 * GAP_REPORT_THRESHOLD, told apart by the simulation's critical path of run times (its lower
 * bound): when that alone exceeds the prediction, the two priced the tasks differently (the plan
 * from the planner's history and hints, the simulator from the profile's cost models); when the
 * simulation is faster, the plan over-priced; otherwise the rest is the random spread of platform
 * latencies (the estimate takes typical start-ups and Invoke calls; a slower one makes workers
 * that wait for it park), and queueing at the store's server.
 */
export const GAP_REPORT_THRESHOLD = 0.1;

export interface PlanGap {
  /** (simulated - predicted) / predicted. */
  readonly ratio: number;
  readonly reason: string;
}

export function explainPlanGap(predictedMs: number | undefined, simulatedMs: number, lowerBoundMs: number, taskCosts: string): PlanGap | undefined {
  if (predictedMs === undefined || !(predictedMs > 0)) return undefined;
  const ratio = (simulatedMs - predictedMs) / predictedMs;
  if (Math.abs(ratio) <= GAP_REPORT_THRESHOLD) return undefined;
  if (lowerBoundMs > predictedMs * (1 + GAP_REPORT_THRESHOLD)) {
    return { ratio, reason: `task costs differ: the simulator's critical path of run times alone (${lowerBoundMs.toFixed(1)} ms; ${taskCosts}) exceeds the plan's forecast, so the plan was priced from another source (a plan file made elsewhere, or other history)` };
  }
  if (ratio < 0) return { ratio, reason: `the plan's forecast is higher than the simulation: the planner priced its tasks or their transfers above the simulator (${taskCosts})` };
  return { ratio, reason: 'the simulated critical path of run times fits within the forecast; the rest is the spread of platform latencies the forecast takes at typical values: a start-up or Invoke call slower than typical makes waiting workers park and be re-invoked, and store-server queueing' };
}
