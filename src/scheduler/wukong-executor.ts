import type { ExecutorEvent, Instruction } from './events.js';
import { expectsAnswer } from './events.js';
import { assertTransition, type LocalTaskState } from './transitions.js';
import type { WukongOptions } from '../model/wukong-options.js';
import { completionDone, readyChildren, settledForDispatch, type Completion, type FanInStep } from './wukong-completion.js';
import { DelayedIoPoller, mayDelay, type TaskHints } from './wukong-delayed-io.js';
import { HeldOutputs, type RefGraph } from './wukong-held-outputs.js';
import { handOffPlan } from './wukong-hand-off.js';
import { checkExecutorInvariants } from './wukong-invariants.js';

type OutputStorage = 'putting' | 'stored';

/** What the executor knows of the DAG beyond its shape: schedule preference, ops and predictions. */
export interface WukongHints extends TaskHints {
  /** Preference among ready children: lower first (the static schedule's DFS order). */
  rank(taskId: string): number;
}

/**
 * One WUKONG executor's decisions as a pure state machine (DESIGN.md §4, WUKONG mode; the rules
 * against the original, one by one: docs/WUKONG-FIDELITY.md). No I/O, no clock: `handle(event)`
 * updates the state and returns the instructions that are now possible.
 *
 * An executor runs one task at a time, in rounds. After a task T finishes:
 * - a small output (below thresholdBytes; any output when every optimization is off) is stored
 *   first (alwaysStore), then each fan-in child is marked; of the ready children the executor
 *   keeps at most one per round to become (the first of its static schedule, run when the round's
 *   local work is done) and invokes the others, inline when T's output fits the payload budget,
 *   by key otherwise;
 * - a large output runs every ready child here, in sequence, invoking nobody (clustering: single
 *   parent children, and fan-ins whose other parents are done, found by a read-only check first);
 *   an unready fan-in child either waits with the output held in memory (delayed I/O: rechecked
 *   after each task, polled when idle, stored and marked when polling gives up) or, when a
 *   co-parent may hold its output back too, is marked at once after storing.
 */
export class WukongExecutor {
  private readonly states = new Map<string, LocalTaskState>();
  private readonly held: HeldOutputs;
  private readonly outputBytes = new Map<string, number>();
  private readonly storage = new Map<string, OutputStorage>();
  /** This round's local work (clustered children, delayed fan-ins found ready). */
  private readonly queue: string[] = [];
  /** The one child this round becomes once the queue is empty. */
  private become: string | undefined;
  private current: string | undefined;
  private fetching = false;
  private readonly completions = new Map<string, Completion>();
  private readonly poller: DelayedIoPoller;
  private readonly hints: WukongHints;
  private outstanding = 0;
  private stopped = false;
  private failed = false;
  /** Deadline near: start nothing new; hand the rest off once nothing is in flight. */
  private handingOff = false;
  private handedOff = false;

  constructor(
    private readonly graph: RefGraph,
    private readonly options: WukongOptions,
    /** Ranks alone, or ranks with ops and predicted sizes (the delayed I/O co-parent guard). */
    hints: WukongHints | ((taskId: string) => number),
  ) {
    this.hints = typeof hints === 'function' ? { rank: hints } : hints;
    this.held = new HeldOutputs(graph);
    this.poller = new DelayedIoPoller(options.poll);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Tasks that ran here, in order. */
  get ranHere(): string[] {
    return [...this.states].filter(([, s]) => s === 'done').map(([id]) => id);
  }

  /** Whether the executor stopped by handing its remaining work to fresh executors. */
  get isHandedOff(): boolean {
    return this.handedOff;
  }

  /** The task being fetched for or run, if any. */
  get currentTask(): string | undefined {
    return this.current;
  }

  stateOf(taskId: string): LocalTaskState | undefined {
    return this.states.get(taskId);
  }

  handle(event: ExecutorEvent): Instruction[] {
    if (this.stopped) throw new Error(`executor already stopped; got ${event.type}`);
    const out: Instruction[] = [];
    if (event.type !== 'start' && event.type !== 'deadline-near') this.outstanding -= 1;
    switch (event.type) {
      case 'deadline-near':
        this.handingOff = true;
        break;
      case 'start':
        for (const parent of event.inline) this.held.holdWhole(parent);
        this.enqueue(event.taskId);
        break;
      case 'got':
        if (this.held.fetched(event.taskId) && this.current !== undefined && this.fetching) this.run(this.current, out);
        break;
      case 'ran':
        this.finished(event.taskId, event.outputBytes, out);
        break;
      case 'failed':
        return this.fail(event.taskId, event.message);
      case 'put-done':
        this.storage.set(event.taskId, 'stored');
        break;
      case 'fan-in-checked':
        this.checked(event.childId, event.parentId, event.markedParents);
        break;
      case 'fan-in-marked':
        this.marked(event.childId, event.parentId, event.complete);
        break;
      case 'woke':
        this.poller.woke();
        break;
      case 'invoked':
        break;
    }
    if (!this.failed) this.advance(out);
    return out;
  }

  /** Invariants that hold between any two events; tests run this after every step. */
  validateState(): void {
    checkExecutorInvariants({
      states: this.states,
      waiting: this.become === undefined ? this.queue : [...this.queue, this.become],
      current: this.current,
      outstanding: this.outstanding,
      holdsWhole: (id) => this.held.holdsWhole(id),
      stored: this.storage.keys(),
      completed: this.completions.keys(),
      stoppedWithWorkLeft: this.stopped && !this.failed && !this.handedOff && (this.outstanding !== 0 || !this.idle() || this.completions.size > 0),
    });
  }

  private setState(taskId: string, to: LocalTaskState): void {
    assertTransition(taskId, this.states.get(taskId) ?? 'new', to);
    this.states.set(taskId, to);
  }

  private enqueue(taskId: string): void {
    this.setState(taskId, 'queued');
    this.queue.push(taskId);
  }

  private emit(out: Instruction[], instruction: Instruction): void {
    if (expectsAnswer(instruction)) this.outstanding += 1;
    out.push(instruction);
  }

  private run(taskId: string, out: Instruction[]): void {
    this.fetching = false;
    this.setState(taskId, 'running');
    this.emit(out, { type: 'run', taskId });
  }

  private finished(taskId: string, outputBytes: number, out: Instruction[]): void {
    this.setState(taskId, 'done');
    this.current = undefined;
    this.held.holdWhole(taskId);
    this.outputBytes.set(taskId, outputBytes);
    const { thresholdBytes, fanOutClustering, fanInClustering, delayedIo, alwaysStore } = this.options;
    const large = outputBytes >= thresholdBytes;
    // With every optimization off nothing takes the big-output path: the original without clustering
    // (its threshold out of reach) sends every output through process_small, which stores it first.
    const bigPath = large && (fanOutClustering || fanInClustering || delayedIo);
    const checkFirst = large && (fanInClustering || delayedIo);
    const singles: string[] = [];
    const fanIns = new Map<string, FanInStep>();
    for (const child of this.graph.children(taskId)) {
      if (this.graph.parents(child).length === 1) singles.push(child);
      else fanIns.set(child, checkFirst ? 'check' : 'need-put');
    }
    const hasReaders = singles.length > 0 || fanIns.size > 0 || this.graph.isOutput(taskId);
    this.completions.set(taskId, {
      taskId,
      large,
      storeFirst: alwaysStore && !bigPath && hasReaders,
      singles,
      fanIns,
      late: new Set(),
      dispatched: false,
      invokeAfterPut: [],
      outputPending: this.graph.isOutput(taskId),
    });
    // The original retries its delayed children after every task it processes (without waiting).
    this.recheckDelayed(out);
  }

  private recheckDelayed(out: Instruction[]): void {
    if (this.handingOff) return;
    let sent = false;
    for (const completion of this.completions.values()) {
      for (const [child, step] of completion.fanIns) {
        if (step !== 'delayed') continue;
        completion.fanIns.set(child, 'delayed-checking');
        this.emit(out, { type: 'check-fan-in', childId: child, parentId: completion.taskId });
        sent = true;
      }
    }
    if (sent) this.poller.checked();
  }

  private checked(childId: string, parentId: string, markedParents: readonly string[]): void {
    const completion = this.completionOf(parentId);
    const step = completion.fanIns.get(childId);
    const marked = new Set(markedParents);
    const othersDone = this.graph.parents(childId).every((p) => p === parentId || marked.has(p));
    if (marked.has(parentId)) {
      // An earlier run of this executor marked already (a retry, or a duplicate delivery): the
      // fan-in may have been completed by another parent, whose executor then reads our output
      // from the store, and the earlier run's put may never have landed (embedded: a thread
      // killed between its mark and its port's batch). Store it again before marking.
      completion.fanIns.set(childId, 'need-put');
      if (step === 'delayed-checking') this.poller.progressed();
    } else if (othersDone) {
      // Our mark completes the fan-in, so nobody else will ever need our output for this child.
      completion.fanIns.set(childId, 'mark');
      if (step === 'delayed-checking') this.poller.progressed();
    } else if (step === 'delayed-checking') {
      completion.fanIns.set(childId, 'delayed');
    } else if (this.options.delayedIo && mayDelay(this.graph, this.hints, childId, parentId, this.options.thresholdBytes)) {
      completion.fanIns.set(childId, 'delayed');
      completion.late.add(childId);
      // This check counts as the poll's first round: if the executor is idle now, it sleeps next.
      this.poller.checked();
    } else {
      completion.fanIns.set(childId, 'need-put');
    }
  }

  private marked(childId: string, parentId: string, complete: boolean): void {
    const completion = this.completionOf(parentId);
    completion.fanIns.set(childId, complete ? 'complete' : 'incomplete');
    // A delayed child completed here: the large output is in memory, so the child runs here.
    if (complete && completion.late.has(childId)) this.enqueue(childId);
  }

  private completionOf(taskId: string): Completion {
    const completion = this.completions.get(taskId);
    if (!completion) throw new Error(`no pending completion for ${taskId}`);
    return completion;
  }

  private fail(taskId: string, message: string): Instruction[] {
    if (this.states.get(taskId) === 'fetching' || this.states.get(taskId) === 'running') {
      this.setState(taskId, 'failed');
    }
    this.failed = true;
    this.stopped = true;
    return [{ type: 'fail-run', taskId, message }, { type: 'stop' }];
  }

  private idle(): boolean {
    return this.current === undefined && this.queue.length === 0 && this.become === undefined;
  }

  /** Emits every instruction the current state allows. */
  private advance(out: Instruction[]): void {
    for (const completion of this.completions.values()) this.advanceCompletion(completion, out);
    if (this.handingOff) {
      this.handOffWhenSettled(out);
      if (this.stopped) return;
    }
    if (this.current === undefined && !this.handingOff) this.startNext(out);
    if (this.idle() && !this.handingOff) this.pollDelayed(out);
    if (this.idle() && this.completions.size === 0 && this.outstanding === 0) {
      this.stopped = true;
      out.push({ type: 'stop' });
    }
  }

  /** Deadline near and nothing in flight: hand the rest to fresh executors and stop. */
  private handOffWhenSettled(out: Instruction[]): void {
    if (this.outstanding > 0 || this.current !== undefined) return;
    const plan = handOffPlan(this.queue, this.become, this.completions.values());
    if (!plan) return;
    for (const taskId of plan.tasks) this.setState(taskId, 'invoked');
    this.queue.length = 0;
    this.become = undefined;
    this.handedOff = true;
    this.stopped = true;
    out.push(plan, { type: 'stop' });
  }

  /** Idle with delayed fan-ins and no check in flight: check, sleep, or give up (DelayedIoPoller). */
  private pollDelayed(out: Instruction[]): void {
    let delayed = 0;
    for (const completion of this.completions.values()) {
      for (const step of completion.fanIns.values()) {
        if (step === 'delayed-checking') return;
        if (step === 'delayed') delayed += 1;
      }
    }
    if (delayed === 0 || this.poller.sleeping) return;
    const next = this.poller.next();
    if (next === 'check') {
      this.recheckDelayed(out);
    } else if (next === 'give-up') {
      this.poller.reset();
      for (const completion of this.completions.values()) {
        for (const [child, step] of completion.fanIns) if (step === 'delayed') completion.fanIns.set(child, 'need-put');
        this.advanceCompletion(completion, out);
      }
    } else {
      this.emit(out, { type: 'sleep', ms: next });
    }
  }

  private advanceCompletion(completion: Completion, out: Instruction[]): void {
    const { taskId } = completion;
    const stored = this.storage.get(taskId) === 'stored';
    if (completion.storeFirst && !stored) {
      // alwaysStore: the original writes a small output before it touches any counter.
      this.ensurePut(taskId, out);
      return;
    }
    for (const [child, step] of completion.fanIns) {
      if (step === 'check') {
        completion.fanIns.set(child, 'checking');
        this.emit(out, { type: 'check-fan-in', childId: child, parentId: taskId });
      } else if (step === 'need-put' && !stored) {
        this.ensurePut(taskId, out);
      } else if (step === 'mark' || (step === 'need-put' && stored)) {
        completion.fanIns.set(child, 'marking');
        this.emit(out, { type: 'mark-fan-in', childId: child, parentId: taskId, expected: this.graph.parents(child).length });
      }
    }
    if (!completion.dispatched && [...completion.fanIns].every(([child, step]) => settledForDispatch(completion, child, step))) this.dispatch(completion, out);
    if (completion.invokeAfterPut.length > 0) {
      if (stored) {
        for (const child of completion.invokeAfterPut.splice(0)) this.invoke(child, [], out);
      } else {
        this.ensurePut(taskId, out);
      }
    }
    if (completion.outputPending) {
      if (stored) {
        completion.outputPending = false;
        out.push({ type: 'output-ready', taskId });
      } else {
        this.ensurePut(taskId, out);
      }
    }
    if (completionDone(completion)) this.completions.delete(taskId);
  }

  /**
   * The ready children: a large output keeps those its clustering flags cover (all of them with
   * both, the original's rule) for this round, in schedule order; of the rest the executor becomes
   * one if this round has none yet and invokes the others.
   */
  private dispatch(completion: Completion, out: Instruction[]): void {
    completion.dispatched = true;
    const { local, remote } = readyChildren(completion, this.options, (a, b) => this.hints.rank(a) - this.hints.rank(b));
    for (const child of local) this.enqueue(child);
    if (this.become === undefined && remote.length > 0) {
      this.become = remote.shift() as string;
      this.setState(this.become, 'queued');
    }
    const inline = (this.outputBytes.get(completion.taskId) ?? 0) <= this.options.inlineBudgetBytes;
    for (const child of remote) {
      if (inline) this.invoke(child, [completion.taskId], out);
      else completion.invokeAfterPut.push(child);
    }
  }

  private invoke(taskId: string, inline: readonly string[], out: Instruction[]): void {
    this.setState(taskId, 'invoked');
    this.emit(out, { type: 'invoke', taskId, inline });
  }

  private ensurePut(taskId: string, out: Instruction[]): void {
    if (this.storage.has(taskId)) return;
    this.storage.set(taskId, 'putting');
    this.emit(out, { type: 'put', taskId });
  }

  /** The next task: this round's local work first, then the become child (a new round). */
  private startNext(out: Instruction[]): void {
    let next = this.queue.shift();
    if (next === undefined && this.become !== undefined) {
      next = this.become;
      this.become = undefined;
    }
    if (next === undefined) return;
    this.current = next;
    const missing = this.held.missingFor(next);
    if (missing.length === 0) {
      this.run(next, out);
      return;
    }
    this.setState(next, 'fetching');
    this.fetching = true;
    for (const fetch of missing) this.emit(out, fetch.outputs === undefined ? { type: 'get', taskId: fetch.taskId } : { type: 'get', taskId: fetch.taskId, outputs: fetch.outputs });
  }
}
