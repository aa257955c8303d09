import { MB_PER_VCPU } from '../../model/cost-model.js';
import { withCoordinatorName } from '../store-name.js';
import { BadInputError } from '../../model/errors.js';
import { removeRunState } from '../run-cleanup.js';
import { systemClock } from '../clock.js';
import { configuredTiersMb, functionNameForTier as configFunctionName, lambdaStores, type LambdaConfig } from '../lambda-config.js';
import { executeRun, type RunOutcome, type RunRequest } from '../run-client.js';
import { usesMainThreadMemory, type StoreConfig } from '../store-config.js';
import { createExecutorStores } from '../store-factory.js';
import { LambdaInvoker, type FunctionNames, type LambdaClientOptions } from './lambda-invoker.js';
import type { ThrottleRetryOptions } from './throttle-retry.js';

/** The tier WUKONG-mode runs use unless told otherwise: 1,769 MB buys one full vCPU. */
export const DEFAULT_LAMBDA_MEMORY_MB = MB_PER_VCPU;

export interface LambdaRunOptions extends LambdaClientOptions {
  /** Which function runs each memory tier. */
  readonly functions: FunctionNames;
  /** The tier every executor of the run uses (WUKONG mode: no plan, one tier). */
  readonly memoryMb: number;
  /**
   * The stores the executor functions use (their WUKONG_REDIS_URL and WUKONG_S3_BUCKET): the client
   * stores the run's spec there and collects outputs from there. Memory stores cannot be shared.
   */
  readonly stores: StoreConfig;
  /** Keep the run's keys and objects after it ends (default: removed). */
  readonly keepIntermediates?: boolean;
  /** Containers to start (pre-warm) before the run, so that sources do not all start cold. */
  readonly prewarm?: number;
  readonly retry?: Partial<ThrottleRetryOptions>;
}

export interface LambdaOutcome extends RunOutcome {
  readonly memoryMb: number;
  readonly functionName: string;
  /** Invocations the client made (the sources and pre-warms); executors invoke the rest. */
  readonly clientInvocations: number;
  /** Client invocations Lambda throttled and that were retried. */
  readonly throttles: number;
  /** The largest event the client sent, in bytes (the DAG travels by key, never in events). */
  readonly maxPayloadBytes: number;
}

/**
 * The Lambda backend (`wukong submit --backend lambda`): executors are invocations of the deployed
 * executor functions (or of the local emulator's), coordinating through Redis and exchanging
 * intermediates through S3 or Redis. The client stores the spec, invokes one executor per source,
 * and follows their events, exactly as the embedded backend does.
 */
export async function runOnLambda(request: RunRequest, options: LambdaRunOptions): Promise<LambdaOutcome> {
  if (usesMainThreadMemory(options.stores)) {
    throw new BadInputError('the lambda backend needs stores its functions can reach: a Redis coordinator (--redis) and Redis or S3 intermediates');
  }
  const invoker = new LambdaInvoker({
    functions: options.functions,
    memoryMb: options.memoryMb,
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const stores = await createExecutorStores(options.stores);
  try {
    for (let i = 0; i < (options.prewarm ?? 0); i += 1) await invoker.prewarm();
    const outcome = await executeRun(request, {
      coordinator: stores.coordinator,
      store: stores.store,
      invoker,
      clock: systemClock,
      ...withCoordinatorName(options.stores),
    });
    if (!options.keepIntermediates) await removeRunState(stores, outcome);
    return {
      ...outcome,
      memoryMb: options.memoryMb,
      functionName: invoker.functionName(),
      clientInvocations: invoker.invocations,
      throttles: invoker.throttles,
      maxPayloadBytes: invoker.maxPayloadBytes,
    };
  } finally {
    invoker.close();
    await stores.store.close();
    await stores.coordinator.close();
  }
}

/**
 * Run options from the Lambda config that `wukong config from-stack` wrote (or a hand-written one
 * pointing at the emulator and s3rver). `memoryMb` must be a deployed tier; by default 1,769 MB
 * when deployed, else the smallest tier.
 */
export function lambdaRunOptionsFromConfig(
  config: LambdaConfig,
  choice: { readonly memoryMb?: number; readonly ttlSeconds: number; readonly keepIntermediates?: boolean },
): LambdaRunOptions {
  const tiers = configuredTiersMb(config);
  const memoryMb = choice.memoryMb ?? (tiers.includes(DEFAULT_LAMBDA_MEMORY_MB) ? DEFAULT_LAMBDA_MEMORY_MB : (tiers[0] as number));
  configFunctionName(config, memoryMb);
  const stores = lambdaStores(config, choice.ttlSeconds);
  return {
    functions: { byTier: config.functionsByTier },
    memoryMb,
    region: config.region,
    ...(config.endpoints?.lambda ? { endpoint: config.endpoints.lambda } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    stores,
    ...(choice.keepIntermediates !== undefined ? { keepIntermediates: choice.keepIntermediates } : {}),
  };
}
