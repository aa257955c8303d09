import type { ExecutorReport } from '../model/run-events.js';
import type { PlannedEvent, PlannedInstruction } from '../scheduler/planned-events.js';
import { SimulatedLambdaPlatform, type InvocationRequest, type Placement } from './lambda-platform.js';
import type { PlannedSimExecutor } from './planned-sim-executor.js';
import type { Action, Launch } from './planned-sim-actions.js';
import type { PlannedCounts } from './planned-run-stats.js';
import { SeededRandom } from './seeded-random.js';
import { SimEngine } from './sim-engine.js';
import { SimulationInvariantError } from './simulation-invariant-error.js';
import { tierStreamOf } from './tier-streams.js';
import type { SimulationInput } from './simulation-types.js';


/**
 * The plumbing of planned mode in virtual time that does not depend on the plan
 * (./planned-simulation.ts has the rest): one simulated function per memory tier, the client's
 * Invoke calls (at most `invokeConcurrency` at once, the rest queued), and the workers' inboxes
 * (a notification lands one round trip after it is sent; a wait returns when a message is there,
 * or after its timeout).
 */
export abstract class PlannedEngineBase extends SimEngine<Action, PlannedEvent, PlannedInstruction, PlannedSimExecutor> {
  protected readonly platforms = new Map<number, SimulatedLambdaPlatform>();
  protected readonly launches = new Map<InvocationRequest, Launch>();
  /** Prewarm invocations: no report (the client never hears of them), but billed. */
  protected readonly prewarmBills: ExecutorReport[] = [];
  /** Messages in each worker's inbox (`wk:{run}:inbox:{worker}`), kept across incarnations as the key is. */
  protected readonly inboxes = new Map<number, number>();
  protected readonly waiting = new Map<number, PlannedSimExecutor>();
  protected readonly clientQueue: Launch[] = [];
  protected clientFree: number;
  protected readonly counts: { -readonly [K in keyof PlannedCounts]: PlannedCounts[K] } = { resumes: 0, parks: 0, prewarms: 0, lostClaims: 0, dupRuns: 0, preloads: 0, waits: 0, waitTimeouts: 0, notifications: 0, replans: 0, handOvers: 0 };
  private nextWaitToken = 0;
  /** The tier whose platform draws from the base start-up stream (./tier-streams.ts); set before the first platform. */
  protected mainTierMb: number | undefined;

  constructor(
    input: SimulationInput,
    protected readonly invokeConcurrency: number,
  ) {
    super(input);
    this.clientFree = invokeConcurrency;
  }

  protected clientInvoke(launch: Launch): void {
    if (this.clientFree === 0) {
      this.clientQueue.push(launch);
      return;
    }
    this.clientFree -= 1;
    this.schedule(this.nowMs + this.invokeApiMs(), { kind: 'invoke-done', launch, caller: undefined });
  }

  /** A receive on the worker's inbox: returns at once (one round trip) when a message is there. */
  protected startWait(executor: PlannedSimExecutor, taskId: string, timeoutMs: number): void {
    this.counts.waits += 1;
    const token = this.nextWaitToken++;
    executor.wait = { taskId, sinceMs: this.nowMs, token };
    if (this.takeMessage(executor.worker)) {
      this.schedule(this.nowMs + this.coordinationRoundTripMs(), { kind: 'wait-timeout', executor, token });
      return;
    }
    this.waiting.set(executor.worker, executor);
    // As the driver: the receive's timeout in whole ms, at least 1.
    this.schedule(this.nowMs + Math.max(1, Math.ceil(timeoutMs)), { kind: 'wait-timeout', executor, token });
  }

  protected inboxMessage(worker: number): void {
    this.inboxes.set(worker, (this.inboxes.get(worker) ?? 0) + 1);
    const waiter = this.waiting.get(worker);
    if (waiter && this.takeMessage(worker)) this.wakeFromWait(waiter);
  }

  protected takeMessage(worker: number): boolean {
    const messages = this.inboxes.get(worker) ?? 0;
    if (messages === 0) return false;
    this.inboxes.set(worker, messages - 1);
    return true;
  }

  protected wakeFromWait(executor: PlannedSimExecutor): void {
    const wait = executor.wait;
    if (!wait) throw new SimulationInvariantError(`${executor.executorId} woken while not waiting`);
    executor.wait = undefined;
    if (this.waiting.get(executor.worker) === executor) this.waiting.delete(executor.worker);
    this.feed(executor, { type: 'woken', taskId: wait.taskId, waitedMs: this.nowMs - wait.sinceMs });
  }

  /** The simulated function of a tier, made on first use (a re-plan may pick a tier the first plan did not). */
  protected platformOf(memoryMb: number): SimulatedLambdaPlatform {
    let platform = this.platforms.get(memoryMb);
    if (!platform) {
      const { profile, seed } = this.input;
      const hooks = {
        place: (placement: Placement) => this.schedule(placement.handlerStartMs, { kind: 'start', placement, memoryMb }),
        wakeAt: (t: number) => this.schedule(t, { kind: 'wake', memoryMb }),
      };
      // One function per memory tier (DESIGN.md §5), each with its own environments.
      platform = new SimulatedLambdaPlatform(profile.lambda, new SeededRandom(seed, tierStreamOf(memoryMb, this.mainTierMb)), hooks, this.input.warmContainers ?? 0);
      this.platforms.set(memoryMb, platform);
    }
    return platform;
  }

  protected answerAt(atMs: number, executor: PlannedSimExecutor, event: PlannedEvent): void {
    this.schedule(atMs, { kind: 'feed', executor, event });
  }
}
