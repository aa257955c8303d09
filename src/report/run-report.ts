import * as z from 'zod';
import { ExecutorReportSchema, TaskTimingSchema, type ExecutorReport, type TaskTiming } from '../model/run-events.js';
import { estimateCost } from '../model/cost-model.js';
import { CacheSummarySchema, type CacheSummary } from './cache-summary.js';
import { computeRunMetrics, RunMetricsSchema, type DependencyLookup } from './run-metrics.js';

/** The run report (DESIGN.md §6), written by `--report`; simulated runs use the same format. */
export const RunReportSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  dagName: z.string(),
  /** A backend of runtime/backend-registry.ts, or `simulated` (src/sim). */
  backend: z.string().min(1),
  planner: z.string(),
  options: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  failure: z.object({ taskId: z.string(), message: z.string() }).optional(),
  startedAt: z.number(),
  makespanMs: z.number(),
  summary: z.object({
    tasks: z.number(),
    executors: z.number(),
    invocations: z.number(),
    coldStarts: z.number(),
    bytesWritten: z.number(),
    bytesRead: z.number(),
    /** Bytes read from data sources (table.read of files and S3 objects); absent in older reports. */
    sourceBytes: z.number().optional(),
    /**
     * The ops' wall time summed (each task's execMs): sleeps and awaited I/O included, so not CPU
     * time; the key keeps its old name for the reports and tables that read it.
     */
    cpuMs: z.number(),
    /**
     * The ops' measured CPU time summed (a synchronous op's cpuMs, an awaiting op's awaitedCpuMs),
     * present only where every task's was measured (embedded runs on Linux).
     */
    opCpuMs: z.number().optional(),
    getMs: z.number(),
    putMs: z.number(),
    gbSeconds: z.number(),
    /** Memory assumed for cost where the backend has no tier (embedded). */
    costMemoryMb: z.number(),
    costUsd: z.number(),
    costFormula: z.string(),
  }),
  tasks: z.array(TaskTimingSchema),
  executors: z.array(ExecutorReportSchema),
  /** Lower bound, critical path, peak bytes held...: present when the report was built with the DAG. */
  metrics: RunMetricsSchema.optional(),
  /** Result cache hits, misses and why (runs with `--cache`). */
  cache: CacheSummarySchema.optional(),
});

export type RunReport = z.infer<typeof RunReportSchema>;

export interface RunReportInput {
  readonly runId: string;
  readonly dagName: string;
  readonly backend: RunReport['backend'];
  readonly planner: string;
  readonly options: Record<string, unknown>;
  readonly ok: boolean;
  readonly failure?: { taskId: string; message: string } | undefined;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly executors: readonly ExecutorReport[];
  /** Memory to price executors at when they report none (embedded threads). */
  readonly costMemoryMb: number;
  readonly cache?: CacheSummary | undefined;
  /** The DAG's edges: given, the report carries `metrics` (critical path, lower bound, ...). */
  readonly dependencies?: DependencyLookup;
}

export function buildRunReport(input: RunReportInput): RunReport {
  const tasks = input.executors.flatMap((e) => e.tasks).sort((a, b) => a.startAt - b.startAt);
  const sum = (pick: (t: (typeof tasks)[number]) => number) => tasks.reduce((s, t) => s + pick(t), 0);
  const invocations = input.executors.length;
  const cost = estimateCost({
    executors: input.executors.map((e) => ({ durationMs: e.endedAt - e.startedAt, memoryMb: e.memoryMb || input.costMemoryMb })),
    invocations,
  });
  const report: RunReport = {
    version: 1,
    runId: input.runId,
    dagName: input.dagName,
    backend: input.backend,
    planner: input.planner,
    options: input.options,
    ok: input.ok,
    ...(input.failure ? { failure: input.failure } : {}),
    startedAt: input.startedAt,
    makespanMs: input.finishedAt - input.startedAt,
    summary: {
      // A task-dup copy (planned mode) is real work but not another task: count each task once.
      tasks: tasks.filter((t) => !t.dup).length,
      executors: input.executors.length,
      invocations,
      coldStarts: input.executors.filter((e) => e.cold).length,
      bytesWritten: sum((t) => t.bytesWritten),
      bytesRead: sum((t) => t.bytesRead),
      sourceBytes: sum((t) => t.sourceBytes ?? 0),
      cpuMs: sum((t) => t.execMs),
      ...measuredOpCpu(tasks),
      getMs: sum((t) => t.getMs),
      putMs: sum((t) => t.putMs),
      gbSeconds: cost.gbSeconds,
      costMemoryMb: input.costMemoryMb,
      costUsd: cost.usd,
      costFormula: cost.formula,
    },
    tasks,
    executors: [...input.executors],
    ...(input.cache ? { cache: input.cache } : {}),
  };
  if (input.dependencies) report.metrics = computeRunMetrics(report, input.dependencies);
  return report;
}

/** The report with its metrics (critical path, lower bound, ...) computed from the DAG's edges. */
export function withRunMetrics(report: RunReport, dependencies: DependencyLookup): RunReport {
  return { ...report, metrics: computeRunMetrics(report, dependencies) };
}

/** The ops' measured CPU summed, when every task carries one; else nothing (see opCpuMs). */
function measuredOpCpu(tasks: readonly TaskTiming[]): { opCpuMs?: number } {
  let total = 0;
  for (const t of tasks) {
    const cpu = t.awaited ? t.awaitedCpuMs : t.cpuMs;
    if (cpu === undefined) return {};
    total += cpu;
  }
  return tasks.length > 0 ? { opCpuMs: total } : {};
}
