import type { ExecutorReport } from '../model/run-events.js';
import type { SimulatedPlan, SimulationResult } from './simulation-types.js';
import type { StartFigures } from './sim-engine.js';

/** What planned mode did, beyond the figures both modes share. */
export interface PlannedRunStats {
  readonly planner: string;
  readonly workers: number;
  /** Incarnations started after a park (re-invocations by the producer). */
  readonly resumes: number;
  /** Park marks that did not complete: the worker stopped and waited to be re-invoked. */
  readonly parks: number;
  readonly prewarms: number;
  /** Hedged-start copies that lost the claim to the other copy and stopped (billed, unreported). */
  readonly lostClaims: number;
  /**
   * Invocations billed that ran no worker: prewarms, lost hedged-start copies, starts of a plan a
   * drift re-plan replaced. Each started an environment and is a request in the cost, but no
   * executor of the report: the report's invocations plus these are the cost's requests.
   */
  readonly unreportedInvocations: number;
  readonly dupRuns: number;
  /** Gets a worker issued while it ran a task: inputs of a later task fetched ahead (preload). */
  readonly preloads: number;
  readonly waits: number;
  readonly waitTimeouts: number;
  readonly notifications: number;
  /** Re-planning points reached (src/plan/replan.ts), and the planner's wall time over them (not charged to the run). */
  readonly replans: number;
  /** Workers of a later phase started on a worker of the phase before, held for it (./hand-over-pool.ts): no Invoke call, no start-up. */
  readonly handOvers: number;
  readonly replanWallMs: number;
  /** When a drift trigger re-planned the tasks not started (Plan.replanOnDrift; ./drift-trigger.ts), and the drift it saw. */
  readonly driftReplanAtMs?: number;
  readonly driftFactor?: number;
  /** The plan's own forecast, when it has one. */
  readonly predictedMakespanMs: number | undefined;
  readonly predictedCostUsd: number | undefined;
}

export interface PlannedSimulationResult extends SimulationResult {
  readonly planned: PlannedRunStats;
}

/** The counters the planned simulation keeps as it runs (see PlannedRunStats for their meaning). */
export type PlannedCounts = Omit<PlannedRunStats, 'planner' | 'workers' | 'unreportedInvocations' | 'replanWallMs' | 'driftReplanAtMs' | 'driftFactor' | 'predictedMakespanMs' | 'predictedCostUsd'>;

export function plannedRunStats(planner: string, workers: number, counts: PlannedCounts, unreportedInvocations: number, replanWallMs: number, predicted: SimulatedPlan['predicted']): PlannedRunStats {
  return { planner, workers, ...counts, unreportedInvocations, replanWallMs, predictedMakespanMs: predicted?.makespanMs, predictedCostUsd: predicted?.costUsd };
}

/**
 * The start-up figures of the run over its tiers' platforms. Tiers are separate functions; their
 * peaks may not coincide, so the sum of peak executions bounds the account's peak.
 */
export function summedStartFigures(platforms: readonly StartFigures[]): StartFigures {
  const total: StartFigures = { coldStarts: 0, warmStarts: 0, queuedInvocations: 0, maxPendingInvocations: 0, maxConcurrentExecutions: 0 };
  for (const stats of platforms) {
    total.coldStarts += stats.coldStarts;
    total.warmStarts += stats.warmStarts;
    total.queuedInvocations += stats.queuedInvocations;
    total.maxPendingInvocations = Math.max(total.maxPendingInvocations, stats.maxPendingInvocations);
    total.maxConcurrentExecutions += stats.maxConcurrentExecutions;
  }
  return total;
}

/** A prewarm invocation priced like an executor that ran no task. */
export function prewarmBill(worker: number, memoryMb: number, cold: boolean, startedAt: number, endedAt: number): ExecutorReport {
  return { executorId: `prewarm-${worker}`, startTaskId: '', startedAt, endedAt, cold, worker, memoryMb, cpuMs: 0, peakMemoryBytes: 0, invocations: 0, invoked: [], tasks: [] };
}

/** The workers' tiers for the report's options, e.g. "1769x3,3008x1". */
export function tierSummary(workers: ReadonlyMap<number, number>): string {
  const byTier = new Map<number, number>();
  for (const memoryMb of workers.values()) byTier.set(memoryMb, (byTier.get(memoryMb) ?? 0) + 1);
  return [...byTier.entries()]
    .sort(([a], [b]) => a - b)
    .map(([mb, n]) => `${mb}x${n}`)
    .join(',');
}
