import type { ReplanOnDrift } from '../model/annotated-dag.js';
import type { SimReplanRequest } from './simulation-types.js';

/**
 * The client's side of a drift trigger (Plan.replanOnDrift) in planned mode: it watches each
 * finished task's compute time as it hears of it, and fires once, when at least `minTasks` tasks
 * have finished and observed / predicted over them has drifted by `ratio` either way. It knows only
 * what has finished: `drift` is computed from the observed times (src/plan/replan.ts driftFactor),
 * never from the estimator the simulation runs on.
 */
export class DriftTrigger {
  private state: 'watching' | 'fired' = 'watching';
  /** When it fired (virtual ms): tasks finished later are not in the re-planner's observations. */
  firedAtMs: number | undefined;
  /** The factor it fired on, for the run's stats. */
  firedFactor: number | undefined;

  constructor(
    private readonly rule: ReplanOnDrift,
    private readonly drift: (observed: SimReplanRequest['observed']) => number | undefined,
  ) {}

  /** Called when a task has finished; true when the trigger fires now. */
  check(observed: SimReplanRequest['observed'], nowMs: number): boolean {
    if (this.state !== 'watching' || observed.size < this.rule.minTasks) return false;
    const factor = this.drift(observed);
    if (factor === undefined || !Number.isFinite(factor) || factor <= 0) return false;
    if (factor < this.rule.ratio && factor > 1 / this.rule.ratio) return false;
    this.state = 'fired';
    this.firedAtMs = nowMs;
    this.firedFactor = factor;
    return true;
  }
}

/**
 * Tasks that a drift re-plan leaves where they are (finished, or running on a worker of the old
 * plan), and which of their outputs the new plan's tasks still wait for: each is marked on the
 * consumer's fan-in (on its producer's behalf) once it is stored.
 */
export class FrozenOutputs {
  private readonly waiting = new Map<string, string[]>();

  /** `consumer` (a task of the new plan) reads `producer`, which is not stored yet. */
  await(producer: string, consumer: string): void {
    const list = this.waiting.get(producer) ?? [];
    list.push(consumer);
    this.waiting.set(producer, list);
  }

  /** `producer` is stored: the consumers to mark now (none again). */
  stored(producer: string): string[] {
    const list = this.waiting.get(producer) ?? [];
    this.waiting.delete(producer);
    return list;
  }

  get size(): number {
    return this.waiting.size;
  }
}
