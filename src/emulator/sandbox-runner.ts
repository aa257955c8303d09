import { pathToFileURL } from 'node:url';
import type { FromSandbox, FunctionErrorBody, SandboxArgs, ToSandbox } from './sandbox-protocol.js';

/**
 * One execution environment of the emulator, as a child process: imports the function's bundle
 * once (the init phase), then runs one invocation at a time with a Lambda-like context, for as long
 * as the emulator keeps it warm. Forked by sandbox.ts; never imported.
 */
type Handler = (event: unknown, context: unknown) => unknown;

const args = JSON.parse(process.argv[2] ?? '{}') as SandboxArgs;
const send = (message: FromSandbox): void => {
  process.send?.(message);
};
// The emulator went away: so does this environment.
process.on('disconnect', () => process.exit(0));

function errorBody(error: unknown, fallbackType: string): FunctionErrorBody {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : fallbackType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error) };
}

async function loadHandler(): Promise<Handler | undefined> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(args.bundlePath).href)) as Record<string, unknown>;
  } catch (error) {
    send({ type: 'init-error', error: { ...errorBody(error, 'Runtime.ImportModuleError'), errorType: 'Runtime.ImportModuleError' } });
    return undefined;
  }
  const handler = module[args.handlerExport];
  if (typeof handler !== 'function') {
    send({
      type: 'init-error',
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${args.bundlePath} does not export a function "${args.handlerExport}"` },
    });
    return undefined;
  }
  return handler as Handler;
}

const handler = await loadHandler();
if (handler) {
  process.on('message', (message: ToSandbox) => {
    if (message.type !== 'invoke') return;
    const context = {
      functionName: args.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: args.invokedFunctionArn,
      memoryLimitInMB: String(args.memoryMb),
      awsRequestId: message.requestId,
      logGroupName: `/aws/lambda/${args.functionName}`,
      logStreamName: `emulator/${process.pid}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, message.deadlineAt - Date.now()),
    };
    void (async () => {
      try {
        const result = await handler(JSON.parse(message.eventJson), context);
        send({ type: 'result', requestId: message.requestId, ok: true, resultJson: JSON.stringify(result ?? null) });
      } catch (error) {
        send({ type: 'result', requestId: message.requestId, ok: false, error: errorBody(error, 'Error') });
      }
    })();
  });
  send({ type: 'ready' });
}
