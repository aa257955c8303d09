import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { BadInputError } from '../model/errors.js';
import { LAMBDA_ASYNC_PAYLOAD_BYTES, LAMBDA_ASYNC_RETRIES, LAMBDA_SYNC_PAYLOAD_BYTES } from '../runtime/lambda/lambda-limits.js';
import { AsyncInvocations } from './async-invocations.js';
import { ConcurrencyPool } from './concurrency-pool.js';
import { FunctionInstances, type FunctionStats } from './function-instances.js';
import type { FunctionDefinition } from './functions-file.js';
import { functionArn, parseFunctionRef, parseInvocationType, parseInvokePath, type InvocationType } from './invoke-request.js';
import { apiErrors, sendApiError, type LambdaApiError } from './lambda-api-errors.js';
import type { FunctionErrorBody } from './sandbox-protocol.js';
import type { SandboxOutcome } from './sandbox.js';

export interface LambdaEmulatorOptions {
  readonly functions: readonly FunctionDefinition[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port (see `url`). */
  readonly port?: number;
  /** Concurrent executions in the account (AWS's default quota is 1,000; a laptop runs fewer). */
  readonly accountConcurrency?: number;
  /** Idle time after which a warm environment is shut down. */
  readonly idleExpiryMs?: number;
  /** Delays before the retries of a failed Event invocation (Lambda: two, after ~1 and ~2 min). */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Queued Event invocations per function beyond which Invoke answers 429. */
  readonly maxQueuedEventsPerFunction?: number;
  /** Lambda's init phase limit: 10 s. */
  readonly initTimeoutMs?: number;
  readonly region?: string;
  readonly accountId?: string;
  /**
   * Variables every environment starts from (PATH, and the credentials Lambda would take from the
   * execution role). Lambda's own variables and then the function's environment are laid on top.
   */
  readonly baseEnvironment?: Readonly<Record<string, string>>;
  readonly onLogLine?: (functionName: string, line: string) => void;
  /**
   * Fault injection for tests: ms after the handler of an Event invocation (attempt 0 first) got
   * its event at which its process is SIGKILLed, to be retried as Lambda retries async events.
   */
  readonly killAfterMs?: (functionName: string, attempt: number) => number | undefined;
  /** Every invocation that ran, sync or async (each retry too). */
  readonly onInvocation?: (record: InvocationRecord) => void;
}

export interface InvocationRecord {
  readonly functionName: string;
  readonly requestId: string;
  readonly invocationType: Exclude<InvocationType, 'DryRun'>;
  /** 0 for the first attempt of an Event; 1, 2 for its retries. Always 0 for RequestResponse. */
  readonly attempt: number;
  readonly cold: boolean;
  readonly outcome: SandboxOutcome['kind'];
  /** The handler's error (or the emulator's, for a timeout or a crash). */
  readonly error?: FunctionErrorBody;
}

export const DEFAULT_ACCOUNT_CONCURRENCY = 64;
export const DEFAULT_IDLE_EXPIRY_MS = 10 * 60_000;
export const LAMBDA_ASYNC_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
const DEFAULT_MAX_QUEUED_EVENTS = 10_000;
const LAMBDA_INIT_TIMEOUT_MS = 10_000;

interface ServedFunction {
  readonly instances: FunctionInstances;
  readonly events: AsyncInvocations;
  readonly arn: string;
}

/**
 * A local stand-in for AWS Lambda that speaks the real Invoke API, so `@aws-sdk/client-lambda`
 * (endpoint http://127.0.0.1:PORT, any credentials) is the code path in tests and local runs. It
 * runs each function's bundle in child processes (cold start = new process, warm reuse, idle
 * expiry), enforces Lambda's limits (payload sizes, timeout, concurrency), and queues and retries
 * Event invocations as Lambda does. Code that would break on AWS for these reasons breaks here.
 */
export class LambdaEmulator {
  private readonly served = new Map<string, ServedFunction>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: LambdaEmulatorOptions,
  ) {}

  static async start(options: LambdaEmulatorOptions): Promise<LambdaEmulator> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    // Longer than the SDK keeps idle sockets, so a reused connection is not closed under a request.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const emulator = new LambdaEmulator(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`, options);
    try {
      emulator.register();
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
    server.on('request', (request, response) => void emulator.serve(request, response));
    return emulator;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get functionNames(): string[] {
    return [...this.served.keys()];
  }

  stats(functionName: string): Readonly<FunctionStats> {
    const served = this.served.get(functionName);
    if (!served) throw new BadInputError(`no function ${functionName} in the emulator`);
    return { ...served.instances.stats };
  }

  /** Environments now running an invocation, and warm ones waiting, of one function. */
  environments(functionName: string): { running: number; warm: number } {
    const served = this.served.get(functionName);
    if (!served) throw new BadInputError(`no function ${functionName} in the emulator`);
    return { running: served.instances.running, warm: served.instances.warmEnvironments };
  }

  /** Resolves when nothing is running, queued or waiting for a retry. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const { events } of this.served.values()) events.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await Promise.all([...this.served.values()].map(({ instances }) => instances.shutdown()));
    await closed;
  }

  private register(): void {
    const o = this.options;
    const region = o.region ?? 'us-east-1';
    const accountId = o.accountId ?? '000000000000';
    const accountConcurrency = o.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
    const reserved = o.functions.reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);
    if (reserved > accountConcurrency) {
      throw new BadInputError(`reserved concurrency of the functions (${reserved}) exceeds the account's concurrency (${accountConcurrency})`);
    }
    // As in Lambda: reserved concurrency is a function's own pool; the others share what is left.
    const unreserved = new ConcurrencyPool(accountConcurrency - reserved, 'ConcurrentInvocationLimitExceeded');
    for (const definition of o.functions) {
      const pool =
        definition.reservedConcurrency !== undefined
          ? new ConcurrencyPool(definition.reservedConcurrency, 'ReservedFunctionConcurrentInvocationLimitExceeded')
          : unreserved;
      const arn = functionArn(region, accountId, definition.name);
      const instances = new FunctionInstances(definition, pool, {
        environment: this.environmentOf(definition, region),
        invokedFunctionArn: arn,
        idleExpiryMs: o.idleExpiryMs ?? DEFAULT_IDLE_EXPIRY_MS,
        initTimeoutMs: o.initTimeoutMs ?? LAMBDA_INIT_TIMEOUT_MS,
        ...(o.onLogLine ? { onLogLine: (line: string) => o.onLogLine?.(definition.name, line) } : {}),
        // Any freed slot may serve any function that shares the pool: pump every queue.
        onSlotFreed: () => this.pumpAll(),
      });
      const events = new AsyncInvocations(instances, {
        retryDelaysMs: o.asyncRetryDelaysMs ?? LAMBDA_ASYNC_RETRY_DELAYS_MS.slice(0, LAMBDA_ASYNC_RETRIES),
        maxQueued: o.maxQueuedEventsPerFunction ?? DEFAULT_MAX_QUEUED_EVENTS,
        ...(o.killAfterMs ? { killAfterMs: (attempt: number) => o.killAfterMs?.(definition.name, attempt) } : {}),
        onAttempt: (attempt) =>
          o.onInvocation?.({
            functionName: definition.name,
            requestId: attempt.requestId,
            invocationType: 'Event',
            attempt: attempt.attempt,
            cold: attempt.cold,
            outcome: attempt.outcome.kind,
            ...errorOf(attempt.outcome),
          }),
        onSettled: () => this.notifyIfIdle(),
      });
      this.served.set(definition.name, { instances, events, arn });
    }
  }

  private environmentOf(definition: FunctionDefinition, region: string): Record<string, string> {
    const own: Record<string, string> = {};
    for (const [key, value] of Object.entries(definition.environment)) own[key] = value.replaceAll('{emulatorUrl}', this.url);
    return {
      // Lambda always gives a function credentials (its role's); these let SDK clients sign requests.
      AWS_ACCESS_KEY_ID: 'wukong-emulator',
      AWS_SECRET_ACCESS_KEY: 'wukong-emulator',
      ...this.options.baseEnvironment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: definition.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
      LAMBDA_TASK_ROOT: dirname(definition.bundlePath),
      TZ: ':UTC',
      ...own,
    };
  }

  private pumpAll(): void {
    for (const { events } of this.served.values()) events.pump();
    this.notifyIfIdle();
  }

  private isIdle(): boolean {
    return [...this.served.values()].every(({ instances, events }) => instances.running === 0 && events.idle);
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const fail = (error: LambdaApiError) => {
      request.resume();
      sendApiError(response, error, requestId);
    };
    try {
      const url = new URL(request.url ?? '/', 'http://emulator');
      if (request.method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(url.pathname)) {
        this.listFunctions(response, requestId);
        return;
      }
      const invoke = request.method === 'POST' ? parseInvokePath(url.pathname) : undefined;
      if (!invoke) return fail(apiErrors.unknownOperation(request.method ?? '?', url.pathname));
      const ref = parseFunctionRef(invoke.functionRef, url.searchParams.get('Qualifier'));
      const served = ref ? this.served.get(ref.name) : undefined;
      // Only $LATEST exists here: no versions, no aliases.
      if (!ref || !served || (ref.qualifier !== undefined && ref.qualifier !== '$LATEST')) {
        const name = ref ? `${ref.name}${ref.qualifier ? `:${ref.qualifier}` : ''}` : invoke.functionRef;
        return fail(apiErrors.functionNotFound(functionArn(this.options.region ?? 'us-east-1', this.options.accountId ?? '000000000000', name)));
      }
      const invocationType = parseInvocationType(request.headers['x-amz-invocation-type']);
      if (!invocationType) return fail(apiErrors.badInvocationType(String(request.headers['x-amz-invocation-type'])));
      const limitBytes = invocationType === 'Event' ? LAMBDA_ASYNC_PAYLOAD_BYTES : LAMBDA_SYNC_PAYLOAD_BYTES;
      const body = await readBody(request, limitBytes);
      const stats = served.instances.stats;
      stats.maxRequestBytes = Math.max(stats.maxRequestBytes, body.bytes);
      if (body.text === undefined) {
        return fail(invocationType === 'Event' ? apiErrors.asyncTooLarge(body.bytes, limitBytes) : apiErrors.syncTooLarge(limitBytes));
      }
      const eventJson = body.text.trim() === '' ? '{}' : body.text;
      try {
        JSON.parse(eventJson);
      } catch (error) {
        return fail(apiErrors.badJson((error as Error).message));
      }
      if (invocationType === 'DryRun') {
        response.writeHead(204, { 'x-amzn-RequestId': requestId }).end();
        return;
      }
      if (invocationType === 'Event') {
        if (!served.events.enqueue(requestId, eventJson)) {
          stats.throttles += 1;
          return fail(apiErrors.throttled('CallerRateLimitExceeded'));
        }
        stats.asyncAccepted += 1;
        response.writeHead(202, { 'x-amzn-RequestId': requestId, 'Content-Length': 0 }).end();
        return;
      }
      if (!served.instances.tryReserve()) {
        stats.throttles += 1;
        return fail(apiErrors.throttled(served.instances.throttleReason));
      }
      const { outcome, cold } = await served.instances.run(requestId, eventJson);
      this.options.onInvocation?.({
        functionName: served.instances.definition.name,
        requestId,
        invocationType: 'RequestResponse',
        attempt: 0,
        cold,
        outcome: outcome.kind,
        ...errorOf(outcome),
      });
      this.respondSync(response, requestId, outcome);
    } catch (error) {
      if (!response.headersSent) {
        sendApiError(response, { status: 500, errorType: 'ServiceException', message: `emulator error: ${(error as Error).message}` }, requestId);
      }
    }
  }

  private respondSync(response: ServerResponse, requestId: string, outcome: SandboxOutcome): void {
    const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
    if (outcome.kind === 'ok' && Buffer.byteLength(outcome.resultJson) <= LAMBDA_SYNC_PAYLOAD_BYTES) {
      response.writeHead(200, headers).end(outcome.resultJson);
      return;
    }
    const error =
      outcome.kind === 'ok'
        ? {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${LAMBDA_SYNC_PAYLOAD_BYTES} bytes).`,
          }
        : (errorOf(outcome, requestId).error as FunctionErrorBody);
    response.writeHead(200, { ...headers, 'X-Amz-Function-Error': 'Unhandled' }).end(JSON.stringify(error));
  }

  private listFunctions(response: ServerResponse, requestId: string): void {
    const body = JSON.stringify({
      Functions: [...this.served.values()].map(({ instances, arn }) => ({
        FunctionName: instances.definition.name,
        FunctionArn: arn,
        Runtime: 'nodejs22.x',
        Handler: instances.definition.handlerExport,
        MemorySize: instances.definition.memoryMb,
        Timeout: instances.definition.timeoutSeconds,
      })),
    });
    response.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }).end(body);
  }
}

/** The error an outcome reports, in Lambda's words (a timeout reads "Task timed out after N seconds"). */
function errorOf(outcome: SandboxOutcome, requestId?: string): { error?: FunctionErrorBody } {
  switch (outcome.kind) {
    case 'ok':
      return {};
    case 'timeout':
      return {
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `${requestId ? `RequestId: ${requestId} Error: ` : ''}Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds`,
        },
      };
    case 'function-error':
    case 'runtime-error':
      return { error: outcome.error };
  }
}

/** Reads a request body, keeping at most `limitBytes` (text undefined beyond it; the rest is drained). */
async function readBody(request: IncomingMessage, limitBytes: number): Promise<{ text: string | undefined; bytes: number }> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    return { text: undefined, bytes: declared };
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.byteLength;
    if (bytes <= limitBytes) chunks.push(chunk);
  }
  return { text: bytes > limitBytes ? undefined : Buffer.concat(chunks).toString('utf8'), bytes };
}
