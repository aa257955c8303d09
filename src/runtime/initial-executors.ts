import { BadInputError } from '../model/errors.js';
import { workerExecutorId, type PlanLayout } from '../scheduler/planned-layout.js';
import { startLaunches, startPrewarms } from '../scheduler/planned-start.js';
import type { ExecutorPayload } from './payload.js';
import { planLayoutOf } from './run-cache.js';
import type { RunDag, RunSpec } from '../model/run-spec.js';

/**
 * The executors a run starts with. WUKONG mode: one per source task (each follows that source's
 * static schedule). Planned mode: every worker whose first task is a source, in the order and with
 * the hedged copies of src/scheduler/planned-start.ts; every other worker is invoked by the
 * producer whose fan-in mark completes its first task.
 */
export function initialPayloads(spec: RunSpec, dag: RunDag, nowMs: number): ExecutorPayload[] {
  // Resumed from a cache (spec.fromCache): planned mode's start workers are those whose first task reads only hits.
  const runId = spec.runId;
  if (!spec.plan) {
    return dag.sources().map((source) => ({ kind: 'execute', runId, source, taskId: source, inline: [], executorId: `x-${source}`, invokedAt: nowMs }));
  }
  let layout: PlanLayout;
  try {
    layout = planLayoutOf(spec.plan, spec.fromCache, dag);
  } catch (error) {
    throw new BadInputError(`plan of run ${runId} cannot be executed: ${(error as Error).message}`);
  }
  return startLaunches(layout, spec.plan.hedgeStarts === true).map(({ worker, hedge }) => {
    const memoryMb = layout.memoryMbOf(worker);
    return {
      kind: 'execute',
      runId,
      source: '',
      taskId: layout.first(worker),
      inline: [],
      executorId: workerExecutorId(worker),
      invokedAt: nowMs,
      worker,
      ...(hedge === undefined ? {} : { hedge }),
      ...(memoryMb > 0 ? { memoryMb } : {}),
    };
  });
}

/**
 * The memory tiers (MB) of the prewarm Invoke calls the client makes after the start calls of a
 * planned run (Plan.prewarmAtStart; src/scheduler/planned-start.ts startPrewarms), one per worker.
 */
export function initialPrewarms(spec: RunSpec, dag: RunDag): number[] {
  if (!spec.plan?.prewarmAtStart) return [];
  const layout = planLayoutOf(spec.plan, spec.fromCache, dag);
  return startPrewarms(layout, spec.plan.prewarmAtStart).map((worker) => layout.memoryMbOf(worker));
}

/**
 * A run resumed from its result cache's hit frontier (WUKONG mode): one executor per frontier task,
 * each following that task's static schedule, as a source's executor does.
 */
export function frontierPayloads(runId: string, frontier: readonly string[], nowMs: number): ExecutorPayload[] {
  return frontier.map((taskId) => ({ kind: 'execute', runId, source: taskId, taskId, inline: [], executorId: `x-${taskId}`, invokedAt: nowMs }));
}
