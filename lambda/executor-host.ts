import { LAMBDA_MB_PER_VCPU } from '../src/metadata/cpu-share.js';
import type { MetadataStore } from '../src/metadata/metadata-store.js';
import { RedisMetadataStore } from '../src/metadata/redis-metadata-store.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import { systemClock } from '../src/runtime/clock.js';
import type { DriverDeps } from '../src/runtime/executor-driver.js';
import { LambdaInvoker } from '../src/runtime/lambda/lambda-invoker.js';
import { RunCache } from '../src/runtime/run-cache.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { createExecutorStores } from '../src/runtime/store-factory.js';
import type { HandlerConfig } from './handler-config.js';
import type { JsonLogger } from './json-logger.js';

/**
 * What a warm container keeps between invocations (Temporal's WorkerDeps): store clients and
 * their connections, the Lambda client, the op registry and the cache of loaded runs.
 */
export interface ExecutorHost {
  readonly config: HandlerConfig;
  readonly logger: JsonLogger;
  /** Everything but the per-invocation deadline, which the handler adds. */
  readonly deps: Omit<DriverDeps, 'timeLeftMs'>;
}

export async function createExecutorHost(config: HandlerConfig, logger: JsonLogger): Promise<ExecutorHost> {
  const { store, coordinator } = await createExecutorStores(config.stores);
  const invoker = new LambdaInvoker({
    functions: config.functions,
    memoryMb: config.memoryMb,
    region: config.region,
    ...(config.lambdaEndpoint ? { endpoint: config.lambdaEndpoint } : {}),
  });
  // Task, transfer and invoke records go to Redis (what the planner's predictor reads back).
  const metadata: MetadataStore | undefined = config.metadataUrl ? new RedisMetadataStore(config.metadataUrl) : undefined;
  return {
    config,
    logger,
    deps: {
      ...(metadata ? { metadata } : {}),
      workerConfig: { memoryMb: config.memoryMb, vcpu: lambdaVcpus(config.memoryMb) },
      store,
      coordinator,
      invoker,
      ops: createBuiltinRegistry(),
      clock: systemClock,
      logger,
      runs: new RunCache(coordinator, runDagFromSpec),
      memoryMb: config.memoryMb,
      invokeConcurrency: config.invokeConcurrency,
      // A container runs one invocation at a time, so the process's CPU clock is this executor's.
      cpuMs: () => {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      },
      memoryBytes: () => process.memoryUsage.rss(),
    },
  };
}

/** Lambda gives CPU in proportion to memory: 1,769 MB is one vCPU, 10,240 MB six (DESIGN.md §6). */
function lambdaVcpus(memoryMb: number): number {
  return Math.min(6, memoryMb / LAMBDA_MB_PER_VCPU);
}
