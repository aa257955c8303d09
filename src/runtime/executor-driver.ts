import { workerConfigOf, type DriverDeps, type InvocationContext } from './driver-deps.js';
import { MetadataRecorder } from './metadata-recorder.js';
import { OpFailedError } from './call-op.js';
import type { ExecutorPayload } from './payload.js';
import type { LoadedRun } from './run-cache.js';
import { PlannedSession } from './planned-session.js';
import { withRunDeadline } from './store-bounds.js';
import type { ExecutorReport } from '../model/run-events.js';
import { TaskIo } from './task-io.js';
import { WukongSession } from './wukong-session.js';

export { workerConfigOf, type DriverDeps, type InvocationContext } from './driver-deps.js';

/**
 * Runs one executor invocation to its end: a planned worker when the payload names one, a WUKONG
 * executor otherwise. Either session feeds its pure state machine events and carries out its
 * instructions with real I/O (the shared TaskIo); the simulator carries out the same instructions
 * in virtual time, so the policy lives in one place.
 */
export async function runExecutor(payload: ExecutorPayload, hostDeps: DriverDeps, context: InvocationContext): Promise<ExecutorReport> {
  const startedAt = hostDeps.clock.now();
  const cpuAtStart = hostDeps.cpuMs();
  const run = await hostDeps.runs.load(payload.runId);
  // From here on no store call outlasts the run's deadline (the client has given up by then).
  const deadlineAt = run.spec.deadlineAt;
  const deps = deadlineAt === undefined ? hostDeps : { ...hostDeps, ...runDeadlineStores(hostDeps, run, deadlineAt) };
  checkOpsKnown(run, deps);
  const worker = workerConfigOf(deps);
  const recorder = new MetadataRecorder(payload.runId, worker, deps.metadata !== undefined);
  if (payload.invokedAt !== undefined) recorder.invoke(worker.memoryMb, context.cold, startedAt - payload.invokedAt, startedAt);
  const io = new TaskIo(payload.runId, payload.executorId, deps, run, recorder);
  const planned = payload.worker;
  const session = planned === undefined ? new WukongSession(payload, deps, run, io) : new PlannedSession({ ...payload, worker: planned }, deps, run, io, context.onWaiting);
  await session.execute();
  context.onTasksDone?.();
  // After the last task: one batch, one round trip, off every task's critical path.
  await recorder.flush(deps.metadata).catch((error: unknown) => {
    deps.logger.warn({ runId: payload.runId, executorId: payload.executorId }, `metadata not recorded: ${(error as Error).message}`);
  });
  return {
    // The losing copy of a hedged start reports under an id of its own, which the client does not wait for.
    executorId: session.reportedExecutorId,
    startTaskId: payload.taskId,
    startedAt,
    endedAt: deps.clock.now(),
    cold: context.cold,
    ...(planned === undefined ? {} : { worker: planned }),
    memoryMb: deps.memoryMb,
    cpuMs: deps.cpuMs() - cpuAtStart,
    peakMemoryBytes: io.peakMemoryBytes,
    invocations: session.invoked.length,
    invoked: session.invoked,
    tasks: io.timings(),
  };
}

/**
 * The host's stores bounded by each run's deadline, made once per run and host: a warm thread runs
 * thousands of a run's executors, and each set is some 25 closures.
 */
const deadlineStores = new WeakMap<LoadedRun, WeakMap<DriverDeps, Pick<DriverDeps, 'store' | 'coordinator'>>>();

function runDeadlineStores(hostDeps: DriverDeps, run: LoadedRun, deadlineAt: number): Pick<DriverDeps, 'store' | 'coordinator'> {
  let byHost = deadlineStores.get(run);
  if (!byHost) deadlineStores.set(run, (byHost = new WeakMap()));
  let stores = byHost.get(hostDeps);
  if (!stores) byHost.set(hostDeps, (stores = withRunDeadline(hostDeps, deadlineAt, () => hostDeps.clock.now())));
  return stores;
}

/** Runs whose ops this process has checked (a warm thread or container checks a run once). */
const checkedRuns = new WeakSet<LoadedRun>();

/**
 * Fails at once when the run's DAG names an op this executor cannot run: the Lambda bundle (or
 * the thread's op modules) was built without that user op module.
 */
function checkOpsKnown(run: LoadedRun, deps: DriverDeps): void {
  if (checkedRuns.has(run)) return;
  const missing = new Set<string>();
  for (const task of run.spec.dag.tasks) if (deps.ops.lookup(task.op) === undefined) missing.add(task.op);
  if (missing.size > 0) {
    const names = [...missing].sort().join(', ');
    throw new OpFailedError(`this executor has no op ${names}: its bundle was built without the op module that defines it; rebundle with \`wukong bundle --ops <module>\` and redeploy`);
  }
  checkedRuns.add(run);
}
