import { BadInputError } from '../src/model/errors.js';
import { handleInvocation } from '../src/runtime/invocation.js';
import { LambdaEventSchema } from '../src/runtime/lambda/lambda-event.js';
import { startDeadlineWatchdog } from './deadline-watchdog.js';
import { createExecutorHost, type ExecutorHost } from './executor-host.js';
import { handlerConfigFromEnv } from './handler-config.js';
import { createJsonLogger } from './json-logger.js';
import type { LambdaContext } from './lambda-context.js';

/**
 * The executor function: one WUKONG executor per invocation. Thin by design: event -> validated
 * payload -> deps (built once per container) -> the runtime's handleInvocation.
 *
 * Deadline: the driver gets `timeLeftMs` = Lambda's remaining time minus the deadline buffer
 * (WUKONG_DEADLINE_BUFFER_MS). When that falls to the longest task it has run, it starts no new
 * task and hands the rest to fresh invocations; a watchdog reports a task that overruns anyway.
 */

export type HandlerResult =
  | { readonly kind: 'prewarmed'; readonly cold: boolean }
  | { readonly kind: 'executed'; readonly executorId: string; readonly ok: boolean; readonly tasks: number; readonly invoked: number; readonly cold: boolean };

/** Built on the first invocation of a container and reused while it stays warm. */
let host: Promise<ExecutorHost> | undefined;
/** Invocations this container has started: the first is the cold one. */
let invocationsInContainer = 0;

function containerHost(): Promise<ExecutorHost> {
  host ??= (async () => {
    const config = handlerConfigFromEnv(process.env);
    return createExecutorHost(config, createJsonLogger(config.logLevel));
  })();
  // A failed start-up is not cached: the next invocation tries again (and fails loudly again).
  host.catch(() => {
    host = undefined;
  });
  return host;
}

export async function handler(event: unknown, context: LambdaContext): Promise<HandlerResult> {
  const cold = invocationsInContainer === 0;
  invocationsInContainer += 1;
  const parsed = LambdaEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(`not a wukong executor event (${issue?.path.join('.') || 'event'}: ${issue?.message}); expected {"kind":"execute",...} or {"kind":"prewarm"}`);
  }
  const { deps, config, logger } = await containerHost();
  if (parsed.data.kind === 'prewarm') {
    logger.debug({ requestId: context.awsRequestId, cold }, 'pre-warmed');
    return { kind: 'prewarmed', cold };
  }
  const payload = parsed.data;
  const watchdog = startDeadlineWatchdog({
    payload,
    remainingMs: () => context.getRemainingTimeInMillis(),
    bufferMs: config.deadlineBufferMs,
    coordinator: deps.coordinator,
    logger,
  });
  try {
    const report = await handleInvocation(
      payload,
      { ...deps, timeLeftMs: () => context.getRemainingTimeInMillis() - config.deadlineBufferMs },
      { cold },
    );
    return {
      kind: 'executed',
      executorId: payload.executorId,
      ok: report !== undefined,
      tasks: report?.tasks.length ?? 0,
      invoked: report?.invoked.length ?? 0,
      cold,
    };
  } finally {
    watchdog.stop();
    // Lambda freezes the container when the handler returns: let the log lines out first.
    await logger.flush();
  }
}
