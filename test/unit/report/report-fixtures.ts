import { buildRunReport, type RunReport } from '../../../src/report/run-report.js';
import type { DependencyLookup } from '../../../src/report/run-metrics.js';
import type { ExecutorReport, TaskTiming } from '../../../src/model/run-events.js';

/** A task timing: ready at `readyAt`, `getMs` fetching, `execMs` running, `putMs` storing. */
export function timing(taskId: string, executorId: string, readyAt: number, execMs: number, extra: Partial<TaskTiming> = {}): TaskTiming {
  const getMs = extra.getMs ?? 0;
  const startAt = extra.startAt ?? readyAt + getMs;
  return {
    taskId,
    op: extra.op ?? 'synthetic.work',
    executorId,
    readyAt,
    startAt,
    endAt: startAt + execMs,
    execMs,
    inputBytes: 0,
    outputBytes: 0,
    getMs,
    putMs: 0,
    bytesRead: 0,
    bytesWritten: 0,
    ...extra,
  };
}

/** The DAG's edges as a parents map (the metrics need nothing else). */
export function dependencies(parents: Record<string, string[]>): DependencyLookup {
  return { parents: (taskId) => parents[taskId] ?? [] };
}

/** A run report over these timings: one executor per executorId, alive from its first ready to its last finish. */
export function reportOf(tasks: TaskTiming[], options: { startedAt?: number; dag?: DependencyLookup; cold?: boolean } = {}): RunReport {
  const byExecutor = new Map<string, TaskTiming[]>();
  for (const t of tasks) byExecutor.set(t.executorId, [...(byExecutor.get(t.executorId) ?? []), t]);
  const executors: ExecutorReport[] = [...byExecutor].map(([executorId, list]) => ({
    executorId,
    startTaskId: list[0]!.taskId,
    startedAt: Math.min(...list.map((t) => t.readyAt)) - 5,
    endedAt: Math.max(...list.map((t) => t.endAt + t.putMs)) + 1,
    cold: options.cold ?? true,
    memoryMb: 1769,
    cpuMs: list.reduce((s, t) => s + t.execMs, 0),
    peakMemoryBytes: 0,
    invocations: 1,
    invoked: [],
    tasks: list,
  }));
  const startedAt = options.startedAt ?? 0;
  const finishedAt = Math.max(startedAt, ...tasks.map((t) => t.endAt + t.putMs));
  return buildRunReport({
    runId: 'run-1',
    dagName: 'fixture',
    backend: 'simulated',
    planner: 'wukong',
    options: {},
    ok: true,
    startedAt,
    finishedAt,
    executors,
    costMemoryMb: 1769,
    ...(options.dag ? { dependencies: options.dag } : {}),
  });
}
