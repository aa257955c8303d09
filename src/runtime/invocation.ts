import { runExecutor, type DriverDeps, type InvocationContext } from './executor-driver.js';
import { runKeys } from './keys.js';
import type { ExecutorPayload } from './payload.js';
import type { ExecutorReport, RunEvent } from '../model/run-events.js';

/**
 * One executor invocation as every host runs it (worker thread, Lambda handler): run the driver,
 * then send the executor's report to the client. An error the driver could not turn into a
 * failed task (say, the run's spec expired) still reaches the client as a failure.
 */
export async function handleInvocation(payload: ExecutorPayload, deps: DriverDeps, context: InvocationContext): Promise<ExecutorReport | undefined> {
  const inbox = runKeys(payload.runId).clientInbox;
  const send = (event: RunEvent) => deps.coordinator.send(inbox, JSON.stringify(event));
  try {
    const report = await runExecutor(payload, deps, context);
    await (deps.reportText ? deps.coordinator.send(inbox, deps.reportText(report)) : send({ kind: 'executor', report }));
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ runId: payload.runId, executorId: payload.executorId, taskId: payload.taskId }, message);
    await send({ kind: 'failed', taskId: payload.taskId, executorId: payload.executorId, message: `executor ${payload.executorId} failed: ${message}` });
    return undefined;
  }
}
