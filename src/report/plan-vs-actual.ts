import type { Plan } from '../model/annotated-dag.js';
import type { RunReport } from './run-report.js';

/** One task's forecast beside what happened, in ms from the run's start. */
export interface TaskForecastMiss {
  readonly taskId: string;
  readonly op: string;
  readonly predictedStartMs: number;
  readonly predictedEndMs: number;
  readonly actualStartMs: number;
  readonly actualEndMs: number;
  /** actual end - predicted end: positive when the task finished later than planned. */
  readonly endMissMs: number;
}

export interface PlanVsActual {
  readonly predictedMakespanMs: number | undefined;
  readonly actualMakespanMs: number;
  readonly predictedCostUsd: number | undefined;
  readonly actualCostUsd: number;
  /** Tasks with a forecast that ran (task-dup copies left out: the task's own run counts). */
  readonly compared: number;
  /** Mean of |actual exec - predicted exec| over the compared tasks. */
  readonly meanExecMissMs: number;
  /** The tasks whose end missed the forecast most, worst first. */
  readonly worst: readonly TaskForecastMiss[];
}

/**
 * The plan's forecast (plan.predicted and, per task, plan.schedule) against the run report, or
 * undefined when the plan carries no per-task schedule (a hand-written or older annotated DAG).
 * Pure.
 */
export function comparePlanToRun(plan: Plan, report: RunReport, worstShown = 10): PlanVsActual | undefined {
  const schedule = plan.schedule;
  if (!schedule) return undefined;
  const misses: TaskForecastMiss[] = [];
  let execMissSum = 0;
  for (const t of report.tasks) {
    if (t.dup || !Object.hasOwn(schedule, t.taskId)) continue;
    const [predictedStartMs, predictedEndMs] = schedule[t.taskId] as [number, number];
    const actualStartMs = t.startAt - report.startedAt;
    const actualEndMs = t.endAt - report.startedAt;
    execMissSum += Math.abs(actualEndMs - actualStartMs - (predictedEndMs - predictedStartMs));
    misses.push({ taskId: t.taskId, op: t.op, predictedStartMs, predictedEndMs, actualStartMs, actualEndMs, endMissMs: actualEndMs - predictedEndMs });
  }
  misses.sort((a, b) => Math.abs(b.endMissMs) - Math.abs(a.endMissMs) || (a.taskId < b.taskId ? -1 : 1));
  return {
    predictedMakespanMs: plan.predicted?.makespanMs,
    actualMakespanMs: report.makespanMs,
    predictedCostUsd: plan.predicted?.costUsd,
    actualCostUsd: report.summary.costUsd,
    compared: misses.length,
    meanExecMissMs: misses.length > 0 ? execMissSum / misses.length : 0,
    worst: misses.slice(0, worstShown),
  };
}
