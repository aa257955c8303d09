import type { CostProfile } from '../cost/profile.js';
import type { SeededRandom } from './seeded-random.js';

/** An accepted asynchronous invocation waiting for an execution environment. */
export interface InvocationRequest {
  readonly taskId: string;
  /** The source whose static schedule orders the new executor's choices (as in the payload). */
  readonly source: string;
  readonly inline: readonly string[];
  readonly acceptedAtMs: number;
}

/** One simulated execution environment of the executor function. */
export interface Container {
  readonly id: number;
  idleSinceMs: number;
}

/** An invocation given an environment: its handler starts at `handlerStartMs`. */
export interface Placement {
  readonly request: InvocationRequest;
  readonly container: Container;
  readonly cold: boolean;
  /** When the environment was assigned (cold: INIT begins). */
  readonly assignedAtMs: number;
  readonly handlerStartMs: number;
}

export interface PlatformHooks {
  /** An invocation got an environment. */
  place(placement: Placement): void;
  /** Call `wake` at this time: the burst limit blocks new environments until then. */
  wakeAt(timeMs: number): void;
}

export interface PlatformStats {
  coldStarts: number;
  warmStarts: number;
  /** Invocations that waited for the concurrency or burst limit. */
  queuedInvocations: number;
  maxPendingInvocations: number;
  maxConcurrentExecutions: number;
  expiredContainers: number;
}

/**
 * Lambda's side of asynchronous invocations, for one function (one memory tier):
 * - an accepted invocation takes an idle environment if one is warm (a warm start), otherwise a
 *   new one (a cold start);
 * - at most `accountConcurrency` executions run at once; beyond that invocations wait in a FIFO
 *   queue, as Lambda's internal async queue holds events while the function is throttled;
 * - at most `burstEnvironments` new environments per sliding `burstWindowMs` (Lambda's scaling
 *   rate, +1,000 per 10 s per function);
 * - an idle environment is reclaimed after `idleExpiryMs`; the most recently used one is reused
 *   first, so older ones expire.
 * Concurrency counts environments from assignment (cold INIT included) to the handler's end.
 */
export class SimulatedLambdaPlatform {
  /** Pending requests: a FIFO array with a moving head (shift() would be O(n)). */
  private pending: InvocationRequest[] = [];
  private pendingHead = 0;
  /** Idle environments, most recently released last. */
  private idle: Container[] = [];
  /** Times of recent environment creations, oldest first (the burst window). */
  private creations: number[] = [];
  private creationsHead = 0;
  private busy = 0;
  private nextContainerId = 0;
  private wakeScheduledAt: number | undefined;
  readonly stats: PlatformStats = {
    coldStarts: 0,
    warmStarts: 0,
    queuedInvocations: 0,
    maxPendingInvocations: 0,
    maxConcurrentExecutions: 0,
    expiredContainers: 0,
  };

  constructor(
    private readonly lambda: CostProfile['lambda'],
    private readonly startupRandom: SeededRandom,
    private readonly hooks: PlatformHooks,
    warmContainers = 0,
  ) {
    // Environments left warm by an earlier run (idle since time 0).
    for (let i = 0; i < warmContainers; i += 1) this.idle.push({ id: this.nextContainerId++, idleSinceMs: 0 });
  }

  get executionsRunning(): number {
    return this.busy;
  }

  submit(request: InvocationRequest, nowMs: number): void {
    this.pending.push(request);
    this.dispatch(nowMs);
    const waiting = this.pending.length - this.pendingHead;
    if (waiting > 0) {
      this.stats.queuedInvocations += 1;
      this.stats.maxPendingInvocations = Math.max(this.stats.maxPendingInvocations, waiting);
    }
  }

  /** An execution ended: its environment goes idle (warm) and may take a waiting request. */
  release(container: Container, nowMs: number): void {
    this.busy -= 1;
    container.idleSinceMs = nowMs;
    this.idle.push(container);
    this.dispatch(nowMs);
  }

  /** The burst window moved on: retry waiting requests. */
  wake(nowMs: number): void {
    if (this.wakeScheduledAt !== undefined && nowMs >= this.wakeScheduledAt) this.wakeScheduledAt = undefined;
    this.dispatch(nowMs);
  }

  private dispatch(nowMs: number): void {
    while (this.pendingHead < this.pending.length && this.busy < this.lambda.accountConcurrency) {
      const request = this.pending[this.pendingHead] as InvocationRequest;
      const warm = this.takeWarm(nowMs);
      if (warm) {
        this.place(request, warm, false, nowMs);
      } else {
        const blockedUntil = this.burstBlockedUntil(nowMs);
        if (blockedUntil !== undefined) {
          this.scheduleWake(blockedUntil);
          break;
        }
        this.creations.push(nowMs);
        this.place(request, { id: this.nextContainerId++, idleSinceMs: nowMs }, true, nowMs);
      }
      this.pending[this.pendingHead] = undefined as unknown as InvocationRequest;
      this.pendingHead += 1;
    }
    this.compactPending();
  }

  private place(request: InvocationRequest, container: Container, cold: boolean, nowMs: number): void {
    this.busy += 1;
    this.stats.maxConcurrentExecutions = Math.max(this.stats.maxConcurrentExecutions, this.busy);
    if (cold) this.stats.coldStarts += 1;
    else this.stats.warmStarts += 1;
    const startupMs = this.startupRandom.lognormal(cold ? this.lambda.coldStart : this.lambda.warmStart);
    this.hooks.place({ request, container, cold, assignedAtMs: nowMs, handlerStartMs: nowMs + startupMs });
  }

  private takeWarm(nowMs: number): Container | undefined {
    const container = this.idle.pop();
    if (!container) return undefined;
    if (nowMs - container.idleSinceMs > this.lambda.idleExpiryMs) {
      // The most recently used environment has expired, so every older one has too.
      this.stats.expiredContainers += this.idle.length + 1;
      this.idle = [];
      return undefined;
    }
    return container;
  }

  /** Undefined when a new environment may be created now; else when the burst window allows it. */
  private burstBlockedUntil(nowMs: number): number | undefined {
    const windowStart = nowMs - this.lambda.burstWindowMs;
    while (this.creationsHead < this.creations.length && (this.creations[this.creationsHead] as number) <= windowStart) this.creationsHead += 1;
    if (this.creationsHead > 4096 && this.creationsHead * 2 > this.creations.length) {
      this.creations = this.creations.slice(this.creationsHead);
      this.creationsHead = 0;
    }
    if (this.creations.length - this.creationsHead < this.lambda.burstEnvironments) return undefined;
    return (this.creations[this.creationsHead] as number) + this.lambda.burstWindowMs;
  }

  private scheduleWake(timeMs: number): void {
    if (this.wakeScheduledAt !== undefined && this.wakeScheduledAt <= timeMs) return;
    this.wakeScheduledAt = timeMs;
    this.hooks.wakeAt(timeMs);
  }

  private compactPending(): void {
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }
}
