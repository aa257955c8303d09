import type { Plan } from '../../src/model/annotated-dag.js';
import { runDagFromSpec } from '../../src/model/compiled-dag.js';
import type { DagSpec } from '../../src/model/dag-schema.js';
import { silentLogger } from '../../src/model/logger.js';
import type { WukongOptions } from '../../src/model/wukong-options.js';
import type { OpRegistry } from '../../src/ops/registry.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { DriverDeps } from '../../src/runtime/executor-driver.js';
import { handleInvocation } from '../../src/runtime/invocation.js';
import type { Invoker } from '../../src/runtime/invoker.js';
import type { ExecutorPayload } from '../../src/runtime/payload.js';
import { RunCache } from '../../src/runtime/run-cache.js';
import { executeRun, type RunOutcome } from '../../src/runtime/run-client.js';
import type { Coordinator } from '../../src/storage/coordinator.js';
import type { IntermediateStore } from '../../src/storage/intermediate-store.js';

export interface InProcessRunOptions {
  readonly store: IntermediateStore;
  readonly coordinator: Coordinator;
  readonly ops: OpRegistry;
  readonly wukong: WukongOptions;
  /** Planned mode: the plan, and how long a worker waits for an input before it parks. */
  readonly plan?: Plan;
  readonly parkAfterMs?: number;
  /** Each invocation has time for this many tasks (DriverDeps.timeLeftMs); absent: no deadline. */
  readonly tasksPerExecutor?: number;
  /** Sees every invocation's payload as it is made. */
  readonly onInvoke?: (payload: ExecutorPayload) => void;
  /** The invoker's prewarm (planned mode's prewarm annotation); absent: the invoker has none. */
  readonly prewarm?: (memoryMb: number) => Promise<void>;
}

/**
 * Runs `spec` through the real run client and executor driver in this process, with no threads:
 * each invocation is accepted now and handled on a later tick, as an Event invocation is.
 */
export async function runInProcess(spec: DagSpec, options: InProcessRunOptions): Promise<RunOutcome> {
  const { store, coordinator, ops, wukong, plan, parkAfterMs, tasksPerExecutor, onInvoke, prewarm } = options;
  const runs = new RunCache(coordinator, runDagFromSpec);
  const invoker: Invoker = {
    invoke: async (payload: ExecutorPayload) => {
      onInvoke?.(payload);
      setImmediate(() => void handleInvocation(payload, depsOfInvocation(), { cold: false }));
    },
    ...(prewarm ? { prewarm } : {}),
  };
  const depsOfInvocation = (): DriverDeps => {
    let tasksRun = 0;
    return {
      store,
      coordinator,
      invoker,
      ops,
      clock: systemClock,
      logger: silentLogger,
      runs,
      memoryMb: 1769,
      invokeConcurrency: 4,
      cpuMs: () => 0,
      memoryBytes: () => 0,
      ...(tasksPerExecutor === undefined
        ? {}
        : {
            // Asked once after each task: plenty of time until the budget of tasks is spent.
            timeLeftMs: () => {
              tasksRun += 1;
              return tasksRun >= tasksPerExecutor ? 0 : 60_000;
            },
          }),
    };
  };
  const dag = runDagFromSpec(spec);
  const runSpec = { dag: spec, wukong, progressIntervalMs: 0, ...(plan ? { plan } : {}), ...(parkAfterMs === undefined ? {} : { parkAfterMs }) };
  return executeRun({ spec: runSpec, dag, outputRefs: dag.outputRefs(), deadlineMs: 20_000 }, { coordinator, store, invoker, clock: systemClock });
}
