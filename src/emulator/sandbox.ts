import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WukongError } from '../model/errors.js';
import type { FromSandbox, FunctionErrorBody, SandboxArgs, ToSandbox } from './sandbox-protocol.js';

/** How one invocation in an environment ended. */
export type SandboxOutcome =
  | { readonly kind: 'ok'; readonly resultJson: string }
  | { readonly kind: 'function-error'; readonly error: FunctionErrorBody }
  /** The invocation ran past the function's timeout; the environment was killed. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The environment died (crash, out of memory, process.exit) or could not initialize. */
  | { readonly kind: 'runtime-error'; readonly error: FunctionErrorBody };

export interface SandboxOptions extends SandboxArgs {
  readonly environment: Readonly<Record<string, string>>;
  /** Lambda's init phase may take at most 10 s before the invocation fails. */
  readonly initTimeoutMs: number;
  /** Each line the environment writes to stdout or stderr (its "CloudWatch" stream). */
  readonly onLogLine?: (line: string) => void;
}

/**
 * The runner runs as JavaScript: next to this module once compiled, and from the build output
 * when this module runs as TypeScript under vitest (`npm test` builds first).
 */
export function sandboxRunnerPath(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/emulator/sandbox-runner.js', here) : new URL('./sandbox-runner.js', here);
  return fileURLToPath(url);
}

let nextSandboxId = 1;

/**
 * One execution environment: a child process that loaded the function's bundle (its cold start)
 * and runs one invocation at a time while it is kept warm. A timed-out or crashed environment is
 * killed and never reused, as Lambda does.
 */
export class Sandbox {
  readonly id = nextSandboxId++;
  /** Milliseconds from spawn to the handler being ready (the init duration). */
  initMs = 0;
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private pending: { requestId: string; resolve: (outcome: SandboxOutcome) => void } | undefined;
  private exited = false;
  private exitReason = '';

  constructor(private readonly options: SandboxOptions) {
    const runner = sandboxRunnerPath();
    if (!existsSync(runner)) throw new WukongError('BAD_INPUT', `emulator runner missing at ${runner}; run \`npm run build\` first`);
    const args: SandboxArgs = {
      bundlePath: options.bundlePath,
      handlerExport: options.handlerExport,
      functionName: options.functionName,
      memoryMb: options.memoryMb,
      invokedFunctionArn: options.invokedFunctionArn,
    };
    const startedAt = performance.now();
    this.child = fork(runner, [JSON.stringify(args)], {
      env: { ...options.environment },
      // Lambda caps the function's memory; V8's old space is the part a Node process can cap.
      execArgv: [`--max-old-space-size=${Math.max(64, options.memoryMb)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) forwardLines(stream, options.onLogLine);
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(runtimeError('Runtime.InitTimeout', `the handler did not initialize within ${options.initTimeoutMs} ms`));
        this.kill();
      }, options.initTimeoutMs);
      this.child.on('message', (message: FromSandbox) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.initMs = performance.now() - startedAt;
          resolve();
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          reject(message.error);
          this.kill();
        } else if (this.pending && message.requestId === this.pending.requestId) {
          const { resolve: settle } = this.pending;
          this.pending = undefined;
          settle(message.ok ? { kind: 'ok', resultJson: message.resultJson } : { kind: 'function-error', error: message.error });
        }
      });
      this.child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        this.exitReason ||= signal ? `signal: ${signal}` : `exit status ${code}`;
        reject(runtimeError('Runtime.ExitError', `Runtime exited with error: ${this.exitReason}`));
        const pending = this.pending;
        this.pending = undefined;
        pending?.resolve({ kind: 'runtime-error', error: runtimeError('Runtime.ExitError', `RequestId: ${pending.requestId} Error: Runtime exited with error: ${this.exitReason}`) });
      });
      this.child.on('error', () => undefined); // 'exit' follows and reports it
    });
    // An environment that fails to start is reported by the invocation that awaits it.
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Runs one invocation; resolves with its outcome (never rejects). `killAfterMs` (fault
   * injection for tests) SIGKILLs the process that long after the handler got the event, if it
   * is still running it: a crash mid-task, which Lambda reports as Runtime.ExitError.
   */
  async invoke(requestId: string, eventJson: string, timeoutMs: number, killAfterMs?: number): Promise<SandboxOutcome> {
    try {
      await this.ready;
    } catch (error) {
      return { kind: 'runtime-error', error: error as FunctionErrorBody };
    }
    if (this.exited) return { kind: 'runtime-error', error: runtimeError('Runtime.ExitError', `Runtime exited with error: ${this.exitReason}`) };
    if (this.pending) throw new Error(`environment ${this.id} is already running ${this.pending.requestId}`);
    return new Promise<SandboxOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.requestId !== requestId) return;
        this.pending = undefined;
        this.exitReason = 'task timed out';
        this.kill();
        resolve({ kind: 'timeout', timeoutMs });
      }, timeoutMs);
      this.pending = {
        requestId,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      const message: ToSandbox = { type: 'invoke', requestId, eventJson, deadlineAt: Date.now() + timeoutMs };
      // A closed channel means the process is gone; its 'exit' settles the invocation.
      this.child.send(message, () => undefined);
      if (killAfterMs !== undefined) {
        setTimeout(() => {
          if (this.pending?.requestId === requestId) this.kill();
        }, killAfterMs);
      }
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Resolves once the process is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.kill();
    await gone;
  }
}

function runtimeError(errorType: string, errorMessage: string): FunctionErrorBody {
  return { errorType, errorMessage };
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: ((line: string) => void) | undefined): void {
  if (!stream) return;
  if (!onLine) {
    stream.resume();
    return;
  }
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}
