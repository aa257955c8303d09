import { isSimulatedStoreKind, SIMULATED_STORE_KINDS, type StoreKind } from '../../cost/profile.js';
import { BadInputError } from '../../model/errors.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY } from '../../sim/simulator.js';
import { slowedEstimator } from '../../sim/estimator-metadata.js';
import type { TaskEstimator } from '../../sim/task-estimates.js';
import { parseIntegerOption } from '../parse-options.js';

/** Lambda memory the simulator assumes by default: WUKONG's evaluation used 3 GB functions. */
export const DEFAULT_MEMORY_MB = 3008;

/** The flags of `wukong simulate` that WUKONG mode and planned mode (./simulate-planned.ts) both read. */
export interface SimulationFlags {
  profile: string;
  seed: string;
  memoryMb: string;
  store: string;
  invokeConcurrency: string;
  warm: string;
  slowdown?: string;
}

/** The simulator inputs those flags give, checked (bad values throw BadInputError naming the flag). */
export interface SimulationSettings {
  readonly seed: number;
  readonly memoryMb: number;
  readonly invokeConcurrency: number;
  readonly warmContainers: number;
  readonly storeKind: StoreKind;
  /** `--slowdown`: every task runs this many times as long as its cost says (1: as priced). */
  readonly slowdown: number;
}

export function parseSimulationFlags(flags: SimulationFlags): SimulationSettings {
  const seed = parseSeed(flags.seed);
  const memoryMb = parseIntegerOption(flags.memoryMb, '--memory-mb', DEFAULT_MEMORY_MB, 1);
  const invokeConcurrency = parseIntegerOption(flags.invokeConcurrency, '--invoke-concurrency', DEFAULT_SIM_INVOKE_CONCURRENCY, 1);
  const warmContainers = parseIntegerOption(flags.warm, '--warm', 0, 0);
  if (!isSimulatedStoreKind(flags.store)) throw new BadInputError(`--store must be ${SIMULATED_STORE_KINDS.join(' or ')}, got "${flags.store}"`);
  return { seed, memoryMb, invokeConcurrency, warmContainers, storeKind: flags.store, slowdown: parseSlowdown(flags.slowdown) };
}

/** The flags only planned mode reads, with the words of each (commander's camelCase keys). */
const PLANNED_ONLY_FLAGS = {
  parkAfterMs: '--park-after-ms',
  replanAfter: '--replan-after',
  replanStages: '--replan-stages',
  replanDrift: '--replan-drift',
  replanDriftTasks: '--replan-drift-tasks',
  replanDriftMinGain: '--replan-drift-min-gain',
} as const;

/**
 * WUKONG mode has no plan to re-plan and no worker to park: a planned-mode flag there would be
 * ignored (its task ids, say, never checked), so it is refused instead.
 */
export function refusePlannedOnlyFlags(flags: Partial<Record<keyof typeof PLANNED_ONLY_FLAGS, string>>): void {
  for (const [key, flag] of Object.entries(PLANNED_ONLY_FLAGS)) {
    if (flags[key as keyof typeof PLANNED_ONLY_FLAGS] !== undefined) {
      throw new BadInputError(`${flag} is for planned mode: give --planner (e.g. uniform) or a DAG annotated by \`wukong plan -o\``);
    }
  }
}

/**
 * The task costs a simulation runs with: `--slowdown` scales every task's run time in both modes.
 * WUKONG's executors predict no run times (only the static schedule ranks tasks by them, and a
 * uniform factor keeps that order), so there it shows how the same DAG fares on slower tasks; a
 * planner plans from the unscaled costs, so in planned mode it is also a misprediction.
 */
export function slowedTasks(estimator: TaskEstimator, slowdown: number): TaskEstimator {
  return slowdown === 1 ? estimator : slowedEstimator(estimator, () => slowdown);
}

/** What the summary's and --json's task costs say: where costs came from, and the slowdown on them. */
export function describeTaskCosts(description: string, slowdown: number): string {
  return slowdown === 1 ? description : `${description}; every task run ${slowdown}x as long (--slowdown)`;
}

function parseSlowdown(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new BadInputError(`--slowdown must be a positive number, got "${text}"`);
  return value;
}

function parseSeed(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new BadInputError(`--seed must be a whole number, got "${text}"`);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new BadInputError(`--seed must be a safe integer, got ${text}`);
  return seed;
}
