import type { RunReport } from '../report/run-report.js';
import type { RunDag } from '../model/run-spec.js';
import type { ExecutorEvent, Instruction } from '../scheduler/events.js';
import type { PlannedEvent, PlannedInstruction } from '../scheduler/planned-events.js';
import type { WukongOptions } from '../model/wukong-options.js';
import type { CostProfile, StoreKind } from '../cost/profile.js';
import type { Plan } from '../model/annotated-dag.js';
import type { TaskEstimator } from './task-estimates.js';
import { DEFAULT_INVOKE_CONCURRENCY } from '../model/limits.js';

/** What a simulation takes and gives back (shared by ./simulator.ts, ./sim-engine.ts, ./planned-simulation.ts). */

/** Invoke API calls in flight at once per caller, as `wukong submit` configures the driver. */
export const DEFAULT_SIM_INVOKE_CONCURRENCY = DEFAULT_INVOKE_CONCURRENCY;

export interface SimulationObserver {
  /** Every instruction an executor emits, at its virtual time (ms from the run's start). */
  instruction?(atMs: number, executorId: string, instruction: Instruction | PlannedInstruction): void;
  /** Every event fed to an executor. */
  event?(atMs: number, executorId: string, event: ExecutorEvent | PlannedEvent): void;
}

export interface SimulationInput {
  readonly dag: RunDag & { outputRefs(): readonly string[] };
  readonly wukong: WukongOptions;
  readonly profile: CostProfile;
  readonly estimator: TaskEstimator;
  readonly seed: number;
  /** The executor function's memory tier. */
  readonly memoryMb: number;
  /** Where intermediates live; fan-in coordination always goes through Redis. */
  readonly storeKind: StoreKind;
  /** Invoke API calls in flight per executor and from the client (default 64). */
  readonly invokeConcurrency?: number;
  /** Environments already warm when the run starts (default 0). */
  readonly warmContainers?: number;
  readonly runId?: string;
  readonly dagName?: string;
  /** Run every executor's validateState() after every event (tests; costly). */
  readonly validateEveryStep?: boolean;
  readonly observer?: SimulationObserver;
  /**
   * Planned mode (./planned-simulation.ts): each worker of the plan runs the real PlannedWorker on
   * its tier; `wukong` and `memoryMb` are then unused (memoryMb: only the store's default link).
   */
  readonly plan?: SimulatedPlan;
  /** Planned mode: a worker that waited this long for an input parks (default DEFAULT_PARK_AFTER_MS). */
  readonly parkAfterMs?: number;
  /**
   * Planned mode with re-planning points (plan.replanAfter): plans the tasks not finished yet when
   * a point is reached (src/plan/replan.ts `replanRemaining` fits); undefined keeps the plan.
   * Without it, the points still split the run (each is a barrier) but the plan stays.
   */
  readonly replanner?: SimReplanner;
  /**
   * Planned mode with a drift trigger (plan.replanOnDrift): observed / predicted compute time over
   * the finished tasks (src/plan/replan.ts `driftFactor` fits); undefined when none is known.
   */
  readonly drift?: (observed: SimReplanRequest['observed']) => number | undefined;
}

/**
 * What planned mode tells the re-planner at a point: the time, each finished task's compute time
 * and tier, how many workers per tier (MB) wait to be handed a worker of the new plan, and how
 * many idle environments per tier would start an invoked worker warm.
 */
export interface SimReplanRequest {
  readonly atMs: number;
  readonly observed: ReadonlyMap<string, { readonly execMs: number; readonly memoryMb: number }>;
  /** A drift re-plan: tasks running (or finished since the trigger), not re-planned; their outputs will be stored. */
  readonly running?: ReadonlySet<string>;
  /** A drift re-plan: the plan the run follows and its workers up per tier; the re-planner may keep it (return undefined). */
  readonly current?: { readonly plan: SimulatedPlan; readonly upWorkers: ReadonlyMap<number, number>; readonly minGain: number };
  readonly heldWorkers?: ReadonlyMap<number, number>;
  readonly warmEnvironments?: ReadonlyMap<number, number>;
}

export type SimReplanner = (request: SimReplanRequest) => SimulatedPlan | undefined;

export interface SimulationStats {
  readonly eventsProcessed: number;
  readonly wallMs: number;
  readonly peakEventQueue: number;
  readonly tasks: number;
  readonly executors: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly queuedInvocations: number;
  readonly maxPendingInvocations: number;
  readonly maxConcurrentExecutions: number;
  readonly puts: number;
  readonly gets: number;
  readonly fanInCompletions: number;
  /** Critical path of estimated run times with free transfers and starts (DESIGN.md §6). */
  readonly lowerBoundMs: number;
  readonly makespanOverLowerBound: number;
  readonly exactSchedules: number;
  readonly fallbackRanks: number;
}

export interface SimulationResult {
  /** The run report (backend "simulated"); times are virtual ms from the run's start (0). */
  readonly report: RunReport;
  readonly stats: SimulationStats;
  /** Output task id -> virtual time its output was stored. */
  readonly outputsReadyAt: ReadonlyMap<string, number>;
}


/** The plan the simulator carries out (an annotated DAG's `plan`). */
export type SimulatedPlan = Pick<Plan, 'tasks' | 'workers' | 'hedgeStarts' | 'prewarmAtStart'> & { readonly algorithm?: string; readonly predicted?: Plan['predicted']; readonly replanAfter?: readonly string[] | undefined; readonly replanOnDrift?: Plan['replanOnDrift'] };
