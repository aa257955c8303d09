import { Dag } from '../dag/dag.js';
import type { MetadataLocation } from '../metadata/metadata-location.js';
import type { BenchMeasure } from '../report/bench-table.js';
import { median } from '../report/bench-table.js';
import { PLAN_ANNOTATIONS, plannedCount, withoutAnnotation, type AblationMeasure, type PlanAnnotation } from '../report/bench-ablation.js';
import type { RunReport } from '../report/run-report.js';
import { computeRunMetrics, type RunMetrics } from '../report/run-metrics.js';
import type { Plan } from '../model/annotated-dag.js';
import type { PlannedSimulationResult } from '../sim/planned-simulation.js';
import { RunFailedError } from '../runtime/run-client.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import type { StoreConfig } from '../runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../model/wukong-options.js';
import { loadProfile } from './load-profile.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY, simulate } from '../sim/simulator.js';
import { generateValidDag, runReplay } from '../../workloads/replay-runner.js';
import type { BenchCase } from './bench-cases.js';
import type { BenchProgress } from './bench-progress.js';
import type { BenchVariant } from './bench-variants.js';
import { loadTaskCosts, simulatedPlatform } from './commands/simulate-task-costs.js';
import { planFor } from './planned-input.js';
import { PlannerOptionsSchema } from '../plan/planner-options.js';

/** Where history comes from: `--metadata` (a location), false (`--no-metadata`), undefined (default). */
export type MetadataFlag = string | false | undefined;

export interface SimBenchOptions {
  /** Built-in cost profile name (aws). */
  readonly profile: string;
  readonly repeats: number;
  /** WUKONG mode's function memory; planners choose their tiers. WUKONG's evaluation: 3 GB. */
  readonly memoryMb: number;
  /** `--profile local` is fitted from this history (other profiles ignore it). */
  readonly metadata: MetadataFlag;
  /** `--history LOCATION`: recorded history may price tasks of the same task key. */
  readonly history?: string | undefined;
  /** Where planners read history from (undefined: no history). */
  readonly planningHistory: MetadataLocation | undefined;
  readonly progress: BenchProgress;
  /** Invoke calls in flight per caller (default: this project's driver, DEFAULT_SIM_INVOKE_CONCURRENCY). */
  readonly invokeConcurrency?: number;
}

/** What one case's simulations used for task costs, for the section notes. */
export interface SimCaseResult {
  readonly measures: BenchMeasure[];
  /** Each planner's plan with each annotation switched off (issue 16 item 2). */
  readonly ablations: AblationMeasure[];
  readonly taskCosts: string;
  readonly tasks: number;
}

/**
 * Simulates every variant on one workload case with the same task costs: repeats are seeds 1..K
 * of the random latencies; each measure is the median over them.
 */
export async function benchSimCase(c: BenchCase, variants: readonly BenchVariant[], options: SimBenchOptions): Promise<SimCaseResult> {
  const spec = generateValidDag(c.workload, c.params);
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const costs = await loadTaskCosts(model, { metadata: options.metadata, profile: options.profile, ...(options.history !== undefined ? { history: options.history } : {}) }, loadProfile);
  const estimator = costs.estimator;
  const taskCosts = costs.description;
  const measures: BenchMeasure[] = [];
  const ablations: AblationMeasure[] = [];
  const runSeeds = (variant: BenchVariant, plan: Plan | undefined): BenchRun[] => {
    const runs: BenchRun[] = [];
    for (let seed = 1; seed <= options.repeats; seed += 1) {
      const result = simulate({
        dag,
        wukong: variant.kind === 'wukong' ? variant.wukong : DEFAULT_WUKONG_OPTIONS,
        profile: costs.profile,
        estimator,
        seed,
        memoryMb: options.memoryMb,
        storeKind: 'redis',
        invokeConcurrency: options.invokeConcurrency ?? DEFAULT_SIM_INVOKE_CONCURRENCY,
        runId: `bench-${c.label}-${variant.name}-${seed}`,
        dagName: spec.name ?? c.label,
        ...(plan ? { plan } : {}),
      });
      const { report, stats } = result;
      if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'simulation failed');
      const planned = 'planned' in result ? (result as PlannedSimulationResult).planned : undefined;
      runs.push({ report, metrics: computeRunMetrics(report, model), lowerBoundMs: stats.lowerBoundMs, ...(planned ? { fired: { prewarm: planned.prewarms, dup: planned.dupRuns, preload: planned.preloads } } : {}) });
    }
    return runs;
  };
  for (const variant of variants) {
    options.progress.begin(`sim ${c.label} ${variant.name}`);
    const plan = variant.kind === 'planner' ? (await planFor(model, PlannerOptionsSchema.parse({ planner: variant.planner }), options.planningHistory, undefined, simulatedPlatform(costs, 'redis'))).plan : undefined;
    const runs = runSeeds(variant, plan);
    const measure = measureOf('sim', c.label, variant.name, runs, null);
    measures.push(measure);
    if (!plan) continue;
    for (const annotation of PLAN_ANNOTATIONS) {
      const planned = plannedCount(plan, annotation);
      // A plan without the annotation runs the same either way: not simulated again.
      const offMakespanMs = planned === 0 ? measure.makespanMs : median(runSeeds(variant, withoutAnnotation(plan, annotation)).map((r) => r.report.makespanMs));
      ablations.push({ workload: c.label, variant: variant.name, annotation, planned, fired: median(runs.map((r) => r.fired?.[annotation] ?? 0)), makespanMs: measure.makespanMs, offMakespanMs });
    }
  }
  return { measures, ablations, taskCosts, tasks: spec.tasks.length };
}

export interface EmbeddedBenchOptions {
  readonly repeats: number;
  readonly threads: number;
  readonly stores: StoreConfig;
  readonly deadlineMs: number;
  readonly costMemoryMb: number;
  /** Where runs record metadata and planners read it (undefined: nothing recorded, no history). */
  readonly metadata: MetadataLocation | undefined;
  readonly progress: BenchProgress;
}

/**
 * Runs every variant on one workload case on the embedded backend (`runReplay`: repeats, then the
 * workload's numerical verification). A failed run throws; a failed verification is a measure
 * with `verified: false` (the command then exits 1 after printing the tables).
 */
export async function benchEmbeddedCase(c: BenchCase, variants: readonly BenchVariant[], options: EmbeddedBenchOptions): Promise<{ measures: BenchMeasure[]; tasks: number }> {
  const spec = generateValidDag(c.workload, c.params);
  const model = Dag.fromSpec(spec);
  const measures: BenchMeasure[] = [];
  for (const variant of variants) {
    options.progress.begin(`embedded ${c.label} ${variant.name}`);
    // Planned from the history recorded so far, this bench's earlier runs included.
    const { plan, planner } = variant.kind === 'planner' ? await planFor(model, PlannerOptionsSchema.parse({ planner: variant.planner }), options.metadata) : { plan: undefined, planner: 'wukong' };
    const { report, failure } = await runReplay({
      workload: c.workload,
      params: c.params,
      spec,
      repeats: options.repeats,
      threads: options.threads,
      stores: options.stores,
      wukong: variant.kind === 'wukong' ? variant.wukong : DEFAULT_WUKONG_OPTIONS,
      deadlineMs: options.deadlineMs,
      costMemoryMb: options.costMemoryMb,
      planner,
      ...(plan ? { plan } : {}),
      ...(options.metadata ? { metadata: options.metadata } : {}),
      progressFor: () => (options.progress.enabled ? { onProgress: (p) => options.progress.run(p), done: () => undefined } : undefined),
    });
    if (failure) throw new RunFailedError(failure.runId, failure.taskId, failure.message);
    const runs = report.runs.map((run) => {
      const metrics = computeRunMetrics(run, model);
      return { report: run, metrics, lowerBoundMs: metrics.lowerBoundMs ?? Number.NaN };
    });
    measures.push(measureOf('embedded', c.label, variant.name, runs, report.verification.ok));
  }
  return { measures, tasks: spec.tasks.length };
}

/** One repeat of a variant: its report, the metrics computed with the DAG, and (planned sim) what its annotations did. */
export interface BenchRun {
  readonly report: RunReport;
  readonly metrics: RunMetrics;
  readonly lowerBoundMs: number;
  readonly fired?: Readonly<Record<PlanAnnotation, number>>;
}

/** Medians over a variant's repeats of every measure (DESIGN.md §6). */
export function measureOf(mode: BenchMeasure['mode'], workload: string, variant: string, runs: readonly BenchRun[], verified: boolean | null): BenchMeasure {
  const med = (pick: (r: BenchRun) => number) => median(runs.map(pick));
  const makespanMs = med((r) => r.report.makespanMs);
  const lowerBounds = runs.map((r) => r.lowerBoundMs).filter((x) => Number.isFinite(x) && x > 0);
  const lowerBoundMs = lowerBounds.length > 0 ? median(lowerBounds) : null;
  const offCriticalPath = runs.map((r) => r.metrics.offCriticalPathTransferMs).filter((x): x is number => x !== undefined);
  return {
    mode,
    workload,
    variant,
    repeats: runs.length,
    makespanMs,
    costUsd: med((r) => r.report.summary.costUsd),
    invocations: med((r) => r.report.summary.invocations),
    coldStarts: med((r) => r.report.summary.coldStarts),
    bytesMoved: med((r) => r.report.summary.bytesWritten + r.report.summary.bytesRead),
    cpuMs: med((r) => r.report.summary.cpuMs),
    peakWorkerMemoryBytes: med((r) => Math.max(0, ...r.report.executors.map((e) => e.peakMemoryBytes))),
    storageBytes: med((r) => r.metrics.peakHeldBytes),
    offCriticalPathTransferMs: offCriticalPath.length === runs.length && runs.length > 0 ? median(offCriticalPath) : null,
    lowerBoundMs,
    // A sub-millisecond bound (TR's sums cost microseconds) gives ratios in the millions that say
    // nothing about the schedule: no ratio then.
    makespanOverLowerBound: lowerBoundMs === null || lowerBoundMs < 1 ? null : makespanMs / lowerBoundMs,
    verified,
  };
}
