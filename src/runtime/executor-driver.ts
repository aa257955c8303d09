import { workerConfigOf, type DriverDeps, type InvocationContext } from './driver-deps.js';
import { MetadataRecorder } from './metadata-recorder.js';
import type { ExecutorPayload } from './payload.js';
import { PlannedSession } from './planned-session.js';
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
export async function runExecutor(payload: ExecutorPayload, deps: DriverDeps, context: InvocationContext): Promise<ExecutorReport> {
  const startedAt = deps.clock.now();
  const cpuAtStart = deps.cpuMs();
  const run = await deps.runs.load(payload.runId);
  const worker = workerConfigOf(deps);
  const recorder = new MetadataRecorder(payload.runId, worker);
  if (payload.invokedAt !== undefined) recorder.invoke(worker.memoryMb, context.cold, startedAt - payload.invokedAt, startedAt);
  const io = new TaskIo(payload.runId, payload.executorId, deps, run, recorder);
  const planned = payload.worker;
  const session = planned === undefined ? new WukongSession(payload, deps, run, io) : new PlannedSession({ ...payload, worker: planned }, deps, run, io);
  await session.execute();
  // After the last task: one batch, one round trip, off every task's critical path.
  await recorder.flush(deps.metadata).catch((error: unknown) => {
    deps.logger.warn({ runId: payload.runId, executorId: payload.executorId }, `metadata not recorded: ${(error as Error).message}`);
  });
  return {
    executorId: payload.executorId,
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
