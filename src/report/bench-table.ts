/**
 * The comparison `wukong bench` prints (issue #9): each variant's measures per workload, its
 * makespan and cost relative to WUKONG with all optimizations, the median over workloads, and
 * whether the goal is met. Pure: measures in, numbers and text out.
 */

export type BenchMode = 'sim' | 'embedded';

/** The variant every ratio is taken against: WUKONG with all three optimizations. */
export const BASELINE_VARIANT = 'wukong';

/** One variant on one workload case in one mode: medians over the repeats (DESIGN.md §6 measures). */
export interface BenchMeasure {
  readonly mode: BenchMode;
  /** The workload case, e.g. `tr-500ms` (a workload at one parameter set). */
  readonly workload: string;
  readonly variant: string;
  readonly repeats: number;
  readonly makespanMs: number;
  readonly costUsd: number;
  readonly invocations: number;
  readonly coldStarts: number;
  /** Intermediate bytes written plus bytes read. */
  readonly bytesMoved: number;
  /** The thesis's metrics (its section 4), each counted by the run where it happens: */
  /** CPU time: the sum of every task run's time (a dup copy included: it is real work). */
  readonly cpuMs: number;
  /** Peak memory per worker: the largest bytes any one executor held (inputs and outputs). */
  readonly peakWorkerMemoryBytes: number;
  /** Intermediate storage used: the most bytes the intermediate store held at once. */
  readonly storageBytes: number;
  /** Data-transfer time (gets and puts) of tasks off the run's critical path; null without the DAG. */
  readonly offCriticalPathTransferMs: number | null;
  readonly lowerBoundMs: number | null;
  readonly makespanOverLowerBound: number | null;
  /** Embedded runs: the workload's numerical verification passed; sim: null (nothing computed). */
  readonly verified: boolean | null;
}

export interface RelativeCell {
  readonly makespanRatio: number;
  readonly costRatio: number;
}

/** Variant -> workload -> ratios to the baseline's measures on the same workload and mode. */
export type RelativeTable = ReadonlyMap<string, ReadonlyMap<string, RelativeCell>>;

/** The goal: >= 25 % lower median makespan at no higher median cost; never > 5 % worse. */
export const GOAL = Object.freeze({ medianMakespanReduction: 0.25, maxCostRatio: 1, worstMakespanRatio: 1.05 });

export interface PlannerVerdict {
  readonly variant: string;
  /** 1 - median over workloads of makespan / WUKONG's makespan. */
  readonly medianMakespanReduction: number;
  readonly medianCostRatio: number;
  readonly worstMakespanRatio: number;
  readonly worstWorkload: string;
  readonly meetsGoal: boolean;
}

export interface GoalVerdict {
  /** Planners (variants that are not WUKONG), best median makespan reduction first. */
  readonly planners: readonly PlannerVerdict[];
  /** The best planner that meets the goal, else the best by median makespan reduction. */
  readonly best: PlannerVerdict | undefined;
  readonly met: boolean;
  /**
   * The last clause: the best planner's median makespan ratio is below HEFT's (undefined
   * when HEFT or no other planner was run, or the best planner is HEFT).
   */
  readonly beatsHeft?: boolean;
}

/** The planner the issue names as the list-scheduling baseline a built-in planner must beat. */
export const HEFT_VARIANT = 'heft';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A WUKONG variant (all, none, one optimization alone) rather than a planner. */
export function isWukongVariant(variant: string): boolean {
  return variant === BASELINE_VARIANT || variant.startsWith(`${BASELINE_VARIANT}-`);
}

/** Workloads in first-seen order, variants likewise, for one mode. */
export function workloadsOf(measures: readonly BenchMeasure[]): string[] {
  return [...new Set(measures.map((m) => m.workload))];
}

export function variantsOf(measures: readonly BenchMeasure[]): string[] {
  return [...new Set(measures.map((m) => m.variant))];
}

/**
 * Each variant's makespan and cost over the baseline's on the same workload. A workload without a
 * baseline measure gets no ratios (the table prints "-"). Measures must all be of one mode.
 */
export function relativeToBaseline(measures: readonly BenchMeasure[]): RelativeTable {
  return relativeTo(measures, new Map(measures.filter((m) => m.variant === BASELINE_VARIANT).map((m) => [m.workload, m])));
}

/**
 * The fastest WUKONG variant on each workload (of all, none, each optimization alone, each pair):
 * the goal is stated against the *best* WUKONG, not only WUKONG with all optimizations.
 * Ties go to the first variant run.
 */
export function bestWukongByWorkload(measures: readonly BenchMeasure[]): Map<string, BenchMeasure> {
  const best = new Map<string, BenchMeasure>();
  for (const m of measures) {
    if (!isWukongVariant(m.variant)) continue;
    const seen = best.get(m.workload);
    if (!seen || m.makespanMs < seen.makespanMs) best.set(m.workload, m);
  }
  return best;
}

/** Ratios of every variant to the best WUKONG variant of its workload (see bestWukongByWorkload). */
export function relativeToBestWukong(measures: readonly BenchMeasure[]): RelativeTable {
  return relativeTo(measures, bestWukongByWorkload(measures));
}

function relativeTo(measures: readonly BenchMeasure[], baselines: ReadonlyMap<string, BenchMeasure>): RelativeTable {
  const modes = new Set(measures.map((m) => m.mode));
  if (modes.size > 1) throw new RangeError(`relative ratios take one mode's measures, got ${[...modes].join(', ')}`);
  const table = new Map<string, Map<string, RelativeCell>>();
  for (const m of measures) {
    const base = baselines.get(m.workload);
    if (!base) continue;
    const row = table.get(m.variant) ?? new Map<string, RelativeCell>();
    row.set(m.workload, { makespanRatio: ratio(m.makespanMs, base.makespanMs), costRatio: ratio(m.costUsd, base.costUsd) });
    table.set(m.variant, row);
  }
  return table;
}

/** a / b, with 0 / 0 = 1 (both free) so a variant that matches a zero baseline reads as equal. */
function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Number.POSITIVE_INFINITY;
  return a / b;
}

/** The median over workloads of a variant's ratios; undefined when it has none. */
export function medianRatios(row: ReadonlyMap<string, RelativeCell> | undefined): RelativeCell | undefined {
  if (!row || row.size === 0) return undefined;
  const cells = [...row.values()];
  return { makespanRatio: median(cells.map((c) => c.makespanRatio)), costRatio: median(cells.map((c) => c.costRatio)) };
}

/**
 * The goal, judged per planner: a planner meets it when its median makespan over workloads
 * is at least 25 % below WUKONG's, its median cost ratio is at most 1, and on no workload is its
 * makespan more than 5 % above WUKONG's. The goal is met when some planner meets it.
 */
export function judgeGoal(table: RelativeTable): GoalVerdict {
  const planners: PlannerVerdict[] = [];
  for (const [variant, row] of table) {
    if (isWukongVariant(variant)) continue;
    const medians = medianRatios(row);
    if (!medians) continue;
    let worstWorkload = '';
    let worstMakespanRatio = Number.NEGATIVE_INFINITY;
    for (const [workload, cell] of row) {
      if (cell.makespanRatio > worstMakespanRatio) [worstWorkload, worstMakespanRatio] = [workload, cell.makespanRatio];
    }
    const medianMakespanReduction = 1 - medians.makespanRatio;
    const meetsGoal =
      medianMakespanReduction >= GOAL.medianMakespanReduction && medians.costRatio <= GOAL.maxCostRatio && worstMakespanRatio <= GOAL.worstMakespanRatio;
    planners.push({ variant, medianMakespanReduction, medianCostRatio: medians.costRatio, worstMakespanRatio, worstWorkload, meetsGoal });
  }
  planners.sort((a, b) => b.medianMakespanReduction - a.medianMakespanReduction);
  const best = planners.find((p) => p.meetsGoal) ?? planners[0];
  const heft = planners.find((p) => p.variant === HEFT_VARIANT);
  const beatsHeft = best && heft && best !== heft ? best.medianMakespanReduction > heft.medianMakespanReduction : undefined;
  return { planners, best, met: best?.meetsGoal ?? false, ...(beatsHeft === undefined ? {} : { beatsHeft }) };
}
