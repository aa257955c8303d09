import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { BadInputError, WukongError } from '../../model/errors.js';
import type { Invoker } from '../invoker.js';
import type { ExecutorPayload } from '../payload.js';
import type { LambdaEvent } from './lambda-event.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from './lambda-limits.js';
import { DEFAULT_THROTTLE_RETRY, realRetryEffects, retryThrottled, type RetryEffects, type ThrottleRetryOptions } from './throttle-retry.js';
import { quietSdkNodeVersionNotice } from '../../storage/aws-sdk-node-notice.js';

/** Which function runs each memory tier: an explicit map, or `<prefix><memoryMb>` (the stack's naming). */
export type FunctionNames = { readonly byTier: Readonly<Record<string, string>> } | { readonly prefix: string };

export interface LambdaClientOptions {
  readonly region: string;
  /** The local emulator (the CLI and the handler pass AWS_ENDPOINT_URL_LAMBDA); absent: AWS. */
  readonly endpoint?: string;
  /** Static keys; absent: the SDK's default chain (env, profile, the function's role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export interface LambdaInvokerOptions extends LambdaClientOptions {
  readonly functions: FunctionNames;
  /** The tier executors are started in (WUKONG mode runs every executor in one tier). */
  readonly memoryMb: number;
  /** A client to share (its owner closes it), or a stand-in for unit tests. */
  readonly client?: Pick<LambdaClient, 'send'>;
  readonly retry?: Partial<ThrottleRetryOptions>;
  readonly effects?: RetryEffects;
}

/** An event over Lambda's async payload limit: refused before it is sent. */
export class LambdaPayloadTooLargeError extends WukongError {
  constructor(
    readonly functionName: string,
    readonly payloadBytes: number,
    readonly limitBytes: number,
    what: string,
  ) {
    super(
      'LIMIT_EXCEEDED',
      `${what} is ${payloadBytes} bytes, over Lambda's async payload limit of ${limitBytes} bytes ` +
        `(function ${functionName}); lower --inline-budget-bytes so that large outputs travel by key`,
    );
  }
}

/**
 * A Lambda client for executors: one attempt per call, because LambdaInvoker retries throttles
 * itself (backoff with full jitter, up to a deadline) and a second retry layer would multiply them.
 */
export function createLambdaClient(options: LambdaClientOptions): LambdaClient {
  quietSdkNodeVersionNotice();
  return new LambdaClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** The function that runs `memoryMb`; a tier without a function is bad input. */
export function functionNameForTier(functions: FunctionNames, memoryMb: number): string {
  if ('prefix' in functions) return `${functions.prefix}${memoryMb}`;
  const name = functions.byTier[String(memoryMb)];
  if (name === undefined) {
    const tiers = Object.keys(functions.byTier).sort((a, b) => Number(a) - Number(b));
    throw new BadInputError(`no executor function for ${memoryMb} MB; functions exist for ${tiers.join(', ')} MB`);
  }
  return name;
}

/**
 * Starts executors as asynchronous Lambda invocations (InvocationType "Event"): `invoke`
 * resolves once Lambda has queued the event (HTTP 202), not when the executor finishes. Lambda
 * memory is per function, so each memory tier is its own function.
 */
export class LambdaInvoker implements Invoker {
  private readonly client: Pick<LambdaClient, 'send'>;
  private readonly ownsClient: boolean;
  private readonly retry: ThrottleRetryOptions;
  private readonly effects: RetryEffects;
  /** Invocations accepted by Lambda, executors and pre-warms. */
  invocations = 0;
  /** Attempts that Lambda throttled (HTTP 429) and that were retried. */
  throttles = 0;
  /** The largest event sent, in bytes (executors' payloads must stay far below the limit). */
  maxPayloadBytes = 0;

  constructor(private readonly options: LambdaInvokerOptions) {
    this.client = options.client ?? createLambdaClient(options);
    this.ownsClient = options.client === undefined;
    this.retry = { ...DEFAULT_THROTTLE_RETRY, ...options.retry };
    this.effects = options.effects ?? realRetryEffects;
    functionNameForTier(options.functions, options.memoryMb);
  }

  async invoke(payload: ExecutorPayload): Promise<void> {
    // Planned mode: each worker names its tier; WUKONG mode runs every executor in the configured one.
    await this.send(payload.memoryMb ?? this.options.memoryMb, payload, `executor ${payload.executorId} (task ${payload.taskId}) of run ${payload.runId}`);
  }

  /** Starts a container of the tier's function ahead of need; it runs no task. */
  async prewarm(memoryMb: number = this.options.memoryMb): Promise<void> {
    await this.send(memoryMb, { kind: 'prewarm' }, `pre-warm of the ${memoryMb} MB executor function`);
  }

  functionName(memoryMb: number = this.options.memoryMb): string {
    return functionNameForTier(this.options.functions, memoryMb);
  }

  close(): void {
    if (this.ownsClient) (this.client as LambdaClient).destroy();
  }

  private async send(memoryMb: number, event: LambdaEvent, what: string): Promise<void> {
    const functionName = this.functionName(memoryMb);
    const body = Buffer.from(JSON.stringify(event), 'utf8');
    if (body.byteLength > LAMBDA_ASYNC_PAYLOAD_BYTES) {
      throw new LambdaPayloadTooLargeError(functionName, body.byteLength, LAMBDA_ASYNC_PAYLOAD_BYTES, `the event of ${what}`);
    }
    const command = new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: body });
    const outcome = await retryThrottled(
      () => this.client.send(command) as Promise<InvokeCommandOutput>,
      `invoking ${functionName} for ${what}`,
      this.retry,
      this.effects,
    ).catch((error: unknown) => {
      if (error instanceof WukongError) throw error;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new WukongError('RUN_FAILED', `invoking ${functionName} for ${what} failed: ${message}`, { cause: error });
    });
    this.throttles += outcome.throttles;
    if (outcome.value.StatusCode !== 202) {
      throw new WukongError('RUN_FAILED', `invoking ${functionName} for ${what}: expected HTTP 202 for an Event invocation, got ${outcome.value.StatusCode}`);
    }
    this.invocations += 1;
    this.maxPayloadBytes = Math.max(this.maxPayloadBytes, body.byteLength);
  }
}
