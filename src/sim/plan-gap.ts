import type { PlanPricedFrom } from '../model/annotated-dag.js';

/**
 * Why a plan's predicted makespan and the simulated one differ (issue 15 item 7), for gaps over
 * GAP_REPORT_THRESHOLD. A plan file whose forecast was priced for other costs than the simulation's
 * (`plan` from embedded-run history, simulated under the aws profile) is named as such first: its
 * start-ups and transfers were priced at another platform's rates, which no latency spread explains.
 * Otherwise told apart by the simulation's critical path of run times (its lower bound): when
 * that alone exceeds the prediction, the two priced the tasks differently (the plan from the
 * planner's history and hints, the simulator from the profile's cost models); when the simulation
 * is faster, the plan over-priced; otherwise the rest is the random spread of platform latencies
 * (the estimate takes typical start-ups and Invoke calls; a slower one makes workers that wait
 * for it park), and queueing at the store's server.
 */
export const GAP_REPORT_THRESHOLD = 0.1;

export interface PlanGap {
  /** (simulated - predicted) / predicted. */
  readonly ratio: number;
  readonly reason: string;
}

/** For a plan read from a file: what it says its forecast was priced from, and the simulation's profile. */
export interface PlanFileForecast {
  /** Absent in files written before plans recorded it. */
  readonly pricedFrom: PlanPricedFrom | undefined;
  readonly simulatedProfile: string;
}

export function explainPlanGap(predictedMs: number | undefined, simulatedMs: number, lowerBoundMs: number, taskCosts: string, planFile?: PlanFileForecast): PlanGap | undefined {
  if (predictedMs === undefined || !(predictedMs > 0)) return undefined;
  const ratio = (simulatedMs - predictedMs) / predictedMs;
  if (Math.abs(ratio) <= GAP_REPORT_THRESHOLD) return undefined;
  if (planFile?.pricedFrom && planFile.pricedFrom.profile !== planFile.simulatedProfile) {
    const profile = planFile.simulatedProfile;
    return {
      ratio,
      // The simulation's task costs have a line of their own in every summary; only the forecast's source is news here.
      reason: `the plan was priced for other costs than this simulation's: its forecast from ${planFile.pricedFrom.description}; the simulation from profile ${profile} (start-ups, transfers and Invoke calls at its rates; task costs as below). For a forecast of this simulation, plan with --profile ${profile}, or simulate the DAG with --planner`,
    };
  }
  const unrecorded = planFile && !planFile.pricedFrom ? ` (the plan file does not record what its forecast was priced from; if not from profile ${planFile.simulatedProfile}, that alone explains a gap: plan it again to find out)` : '';
  return { ratio, reason: `${baseReason(ratio, lowerBoundMs, predictedMs, taskCosts)}${unrecorded}` };
}

function baseReason(ratio: number, lowerBoundMs: number, predictedMs: number, taskCosts: string): string {
  if (lowerBoundMs > predictedMs * (1 + GAP_REPORT_THRESHOLD)) {
    return `task costs differ: the simulator's critical path of run times alone (${lowerBoundMs.toFixed(1)} ms; ${taskCosts}) exceeds the plan's forecast, so the plan was priced from another source (a plan file made elsewhere, or other history)`;
  }
  if (ratio < 0) return `the plan's forecast is higher than the simulation: the planner priced its tasks or their transfers above the simulator (${taskCosts})`;
  return 'the simulated critical path of run times fits within the forecast; the rest is the spread of platform latencies the forecast takes at typical values: a start-up or Invoke call slower than typical makes waiting workers park and be re-invoked, and store-server queueing';
}
