/**
 * Messages between the emulator and one execution environment (a child process running
 * sandbox-runner.js). Events and results travel as JSON text, parsed once at each end.
 */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /** The event, as the JSON text the caller sent. */
  readonly eventJson: string;
  /** Epoch ms when Lambda would stop this invocation (the context's getRemainingTimeInMillis). */
  readonly deadlineAt: number;
}

export type ToSandbox = InvokeMessage;

/** What a handler threw, in the shape Lambda reports it (`errorType`, `errorMessage`, `trace`). */
export interface FunctionErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type FromSandbox =
  /** The bundle is loaded and its handler found: the environment's init phase is over. */
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: FunctionErrorBody }
  | { readonly type: 'result'; readonly requestId: string; readonly ok: true; readonly resultJson: string }
  | { readonly type: 'result'; readonly requestId: string; readonly ok: false; readonly error: FunctionErrorBody };

/** Facts about the function an environment runs, passed on its command line. */
export interface SandboxArgs {
  readonly bundlePath: string;
  readonly handlerExport: string;
  readonly functionName: string;
  readonly memoryMb: number;
  readonly invokedFunctionArn: string;
}
