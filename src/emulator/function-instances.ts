import { statSync } from 'node:fs';
import type { ConcurrencyPool } from './concurrency-pool.js';
import type { FunctionDefinition } from './functions-file.js';
import { Sandbox, type SandboxOutcome } from './sandbox.js';

/** What happened to one function, for tests, benchmarks and the CLI's summary. */
export interface FunctionStats {
  /** Invocations that ran (retries of async events included). */
  invocations: number;
  coldStarts: number;
  functionErrors: number;
  timeouts: number;
  runtimeErrors: number;
  /** Requests refused with 429. */
  throttles: number;
  /** Event invocations accepted (202). */
  asyncAccepted: number;
  asyncRetries: number;
  /** Event invocations that failed on every attempt and were dropped. */
  asyncDropped: number;
  /** The largest request body received, in bytes. */
  maxRequestBytes: number;
}

export const emptyStats = (): FunctionStats => ({
  invocations: 0,
  coldStarts: 0,
  functionErrors: 0,
  timeouts: 0,
  runtimeErrors: 0,
  throttles: 0,
  asyncAccepted: 0,
  asyncRetries: 0,
  asyncDropped: 0,
  maxRequestBytes: 0,
});

export interface FunctionInstancesOptions {
  /** The environment's complete process environment (base, Lambda's variables, the function's). */
  readonly environment: Readonly<Record<string, string>>;
  readonly invokedFunctionArn: string;
  /** A warm environment idle this long is shut down (the next invocation is a cold start). */
  readonly idleExpiryMs: number;
  readonly initTimeoutMs: number;
  readonly onLogLine?: (line: string) => void;
  /** Called whenever an execution slot is given back (queued async events may run). */
  readonly onSlotFreed: () => void;
}

interface IdleSandbox {
  readonly sandbox: Sandbox;
  /** The bundle it loaded (see codeVersion). */
  readonly version: string;
  readonly expiry: NodeJS.Timeout;
}

/**
 * The execution environments of one function: an invocation takes a warm one if any is idle
 * (most recently used first, as Lambda tends to), or starts a new one (a cold start). Each runs
 * one invocation at a time; idle ones expire.
 */
export class FunctionInstances {
  readonly stats: FunctionStats = emptyStats();
  private readonly idle: IdleSandbox[] = [];
  private readonly busy = new Set<Sandbox>();

  constructor(
    readonly definition: FunctionDefinition,
    private readonly pool: ConcurrencyPool,
    private readonly options: FunctionInstancesOptions,
  ) {}

  get throttleReason(): ConcurrencyPool['throttleReason'] {
    return this.pool.throttleReason;
  }

  get running(): number {
    return this.busy.size;
  }

  get warmEnvironments(): number {
    return this.idle.length;
  }

  /** Takes an execution slot; false means Lambda would throttle. */
  tryReserve(): boolean {
    return this.pool.tryTake();
  }

  /** Runs one invocation in a slot taken with tryReserve (which this gives back); see Sandbox.invoke for killAfterMs. */
  async run(requestId: string, eventJson: string, killAfterMs?: number): Promise<{ outcome: SandboxOutcome; cold: boolean; durationMs: number }> {
    const startedAt = performance.now();
    let sandbox: Sandbox | undefined;
    let cold = false;
    const version = this.codeVersion();
    try {
      sandbox = this.takeWarm(version);
      if (!sandbox) {
        cold = true;
        this.stats.coldStarts += 1;
        sandbox = new Sandbox({
          bundlePath: this.definition.bundlePath,
          handlerExport: this.definition.handlerExport,
          functionName: this.definition.name,
          memoryMb: this.definition.memoryMb,
          invokedFunctionArn: this.options.invokedFunctionArn,
          environment: this.options.environment,
          initTimeoutMs: this.options.initTimeoutMs,
          ...(this.options.onLogLine ? { onLogLine: this.options.onLogLine } : {}),
        });
      }
      this.busy.add(sandbox);
      this.stats.invocations += 1;
      const outcome = await sandbox.invoke(requestId, eventJson, this.definition.timeoutSeconds * 1000, killAfterMs);
      if (outcome.kind === 'function-error') this.stats.functionErrors += 1;
      if (outcome.kind === 'timeout') this.stats.timeouts += 1;
      if (outcome.kind === 'runtime-error') this.stats.runtimeErrors += 1;
      // A timed-out or crashed environment is gone; a handled error leaves it warm, as in Lambda.
      if (outcome.kind === 'ok' || outcome.kind === 'function-error') this.keepWarm(sandbox, version);
      else sandbox.kill();
      return { outcome, cold, durationMs: performance.now() - startedAt };
    } finally {
      if (sandbox) this.busy.delete(sandbox);
      this.pool.give();
      this.options.onSlotFreed();
    }
  }

  /** Stops every environment, busy or idle. */
  async shutdown(): Promise<void> {
    const all = [...this.busy, ...this.idle.splice(0).map((i) => (clearTimeout(i.expiry), i.sandbox))];
    await Promise.all(all.map((s) => s.stop()));
  }

  /**
   * The bundle on disk, as its size and modification time: `wukong bundle` rewrites it in place,
   * and a warm environment keeps the code it loaded. Lambda starts new environments for a new
   * deployment; so does the emulator when the file changed (warm ones kept running the old op code
   * and gave wrong results silently). Empty when the file cannot be read (its start then fails).
   */
  private codeVersion(): string {
    try {
      const info = statSync(this.definition.bundlePath);
      return `${info.size}:${info.mtimeMs}`;
    } catch {
      return '';
    }
  }

  /** A warm environment on the current code; those on older code are shut down. */
  private takeWarm(version: string): Sandbox | undefined {
    while (this.idle.length > 0) {
      const entry = this.idle.pop() as IdleSandbox;
      clearTimeout(entry.expiry);
      if (entry.sandbox.alive && entry.version === version) return entry.sandbox;
      entry.sandbox.kill();
    }
    return undefined;
  }

  private keepWarm(sandbox: Sandbox, version: string): void {
    if (!sandbox.alive) return;
    const entry: IdleSandbox = {
      sandbox,
      version,
      expiry: setTimeout(() => {
        const index = this.idle.indexOf(entry);
        if (index >= 0) this.idle.splice(index, 1);
        sandbox.kill();
      }, this.options.idleExpiryMs),
    };
    entry.expiry.unref();
    this.idle.push(entry);
  }
}
