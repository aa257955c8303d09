import type { ExecutorEvent, Instruction } from './events.js';
import { expectsAnswer } from './events.js';
import type { ScheduleGraph } from '../model/graph-view.js';
import { assertTransition, type LocalTaskState } from './transitions.js';
import type { WukongOptions } from '../model/wukong-options.js';

/**
 * Where one fan-in child stands for one parent that finished here.
 * - check / checking:     delayed I/O asks (read only) whether the other parents are done
 * - deferred:             they were not; run the ready work first, then recheck
 * - rechecking:           the recheck is under way
 * - need-put:             the output must be stored before the mark (someone else may complete it)
 * - marking:              the mark is under way
 * - complete/incomplete:  the mark's answer
 */
type FanInStep =
  | 'check'
  | 'checking'
  | 'deferred'
  | 'rechecking'
  | 'need-put'
  | 'mark'
  | 'marking'
  | 'complete'
  | 'incomplete';

/** What is left to do after a task finished here: its children and its output. */
interface Completion {
  readonly taskId: string;
  readonly large: boolean;
  readonly singles: readonly string[];
  readonly fanIns: Map<string, FanInStep>;
  /** Fan-in children that went through delayed I/O: handled on their own, after dispatch. */
  readonly late: Set<string>;
  dispatched: boolean;
  /** Children to invoke once this output is stored (too large to inline). */
  readonly invokeAfterPut: string[];
  /** The client collects this output: store it and say so. */
  outputPending: boolean;
}

type OutputStorage = 'putting' | 'stored';

/**
 * One WUKONG executor's decisions as a pure state machine (DESIGN.md §4, WUKONG mode). No I/O, no
 * clock: `handle(event)` updates the state and returns the instructions that are now possible.
 *
 * An executor runs one task at a time. After a task T finishes:
 * - single-parent children are ready at once; each fan-in child is marked (after T's output is
 *   stored, so whoever completes the fan-in can fetch it), and the one mark that completes it
 *   makes it ready here;
 * - of the ready children the executor becomes one and invokes executors for the others, inline
 *   when T's output fits the payload budget, by key otherwise;
 * - with a large output: fan-out clustering runs the single-parent children here, fan-in
 *   clustering runs the completed fan-in children here, and delayed I/O first asks whether T's
 *   mark would complete a fan-in (then no upload is needed) and otherwise defers the upload until
 *   the ready work is done, rechecking before it uploads.
 */
export class WukongExecutor {
  private readonly states = new Map<string, LocalTaskState>();
  /** Task ids whose outputs are in this executor's memory. */
  private readonly inMemory = new Set<string>();
  private readonly outputBytes = new Map<string, number>();
  private readonly storage = new Map<string, OutputStorage>();
  private readonly queue: string[] = [];
  private current: string | undefined;
  private readonly pendingGets = new Set<string>();
  private readonly completions = new Map<string, Completion>();
  private outstanding = 0;
  private stopped = false;
  private failed = false;

  constructor(
    private readonly graph: ScheduleGraph,
    private readonly options: WukongOptions,
    /** Preference among ready children: lower first (the static schedule's DFS order). */
    private readonly rank: (taskId: string) => number,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Tasks that ran here, in order. */
  get ranHere(): string[] {
    return [...this.states].filter(([, s]) => s === 'done').map(([id]) => id);
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
    if (event.type !== 'start') this.outstanding -= 1;
    switch (event.type) {
      case 'start':
        for (const parent of event.inline) this.inMemory.add(parent);
        this.enqueue(event.taskId, 'back');
        break;
      case 'got':
        this.inMemory.add(event.taskId);
        this.pendingGets.delete(event.taskId);
        if (this.current !== undefined && this.pendingGets.size === 0) this.run(this.current, out);
        break;
      case 'ran':
        this.finished(event.taskId, event.outputBytes);
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
      case 'invoked':
        break;
    }
    if (!this.failed) this.advance(out);
    return out;
  }

  /** Invariants that hold between any two events; tests run this after every step. */
  validateState(): void {
    const active = [...this.states].filter(([, s]) => s === 'fetching' || s === 'running');
    if (active.length > 1) throw new Error(`more than one active task: ${active.map(([id]) => id).join(', ')}`);
    if (active.length === 1 && active[0]?.[0] !== this.current) throw new Error('active task is not current');
    if (this.outstanding < 0) throw new Error(`negative outstanding count ${this.outstanding}`);
    const seen = new Set<string>();
    for (const id of this.queue) {
      if (seen.has(id)) throw new Error(`${id} queued twice`);
      seen.add(id);
      if (this.states.get(id) !== 'queued') throw new Error(`${id} in queue but ${this.states.get(id)}`);
    }
    for (const [id, state] of this.states) {
      if (state === 'done' && !this.inMemory.has(id)) throw new Error(`${id} done but not in memory`);
    }
    for (const id of this.storage.keys()) {
      if (this.states.get(id) !== 'done') throw new Error(`${id} stored but did not run here`);
    }
    for (const id of this.completions.keys()) {
      if (this.states.get(id) !== 'done') throw new Error(`completion for ${id}, which is not done`);
    }
    if (this.stopped && !this.failed) {
      if (this.outstanding !== 0 || this.queue.length > 0 || this.completions.size > 0 || this.current !== undefined) {
        throw new Error('stopped with work left');
      }
    }
  }

  private setState(taskId: string, to: LocalTaskState): void {
    assertTransition(taskId, this.states.get(taskId) ?? 'new', to);
    this.states.set(taskId, to);
  }

  private enqueue(taskId: string, where: 'front' | 'back'): void {
    this.setState(taskId, 'queued');
    if (where === 'front') this.queue.unshift(taskId);
    else this.queue.push(taskId);
  }

  private emit(out: Instruction[], instruction: Instruction): void {
    if (expectsAnswer(instruction)) this.outstanding += 1;
    out.push(instruction);
  }

  private run(taskId: string, out: Instruction[]): void {
    this.setState(taskId, 'running');
    this.emit(out, { type: 'run', taskId });
  }

  private finished(taskId: string, outputBytes: number): void {
    this.setState(taskId, 'done');
    this.current = undefined;
    this.inMemory.add(taskId);
    this.outputBytes.set(taskId, outputBytes);
    const large = outputBytes >= this.options.thresholdBytes;
    const singles: string[] = [];
    const fanIns = new Map<string, FanInStep>();
    for (const child of this.graph.children(taskId)) {
      if (this.graph.parents(child).length === 1) singles.push(child);
      else fanIns.set(child, large && this.options.delayedIo ? 'check' : 'need-put');
    }
    this.completions.set(taskId, {
      taskId,
      large,
      singles,
      fanIns,
      late: new Set(),
      dispatched: false,
      invokeAfterPut: [],
      outputPending: this.graph.isOutput(taskId),
    });
  }

  private checked(childId: string, parentId: string, markedParents: readonly string[]): void {
    const completion = this.completionOf(parentId);
    const step = completion.fanIns.get(childId);
    const marked = new Set(markedParents);
    const othersDone = this.graph.parents(childId).every((p) => p === parentId || marked.has(p));
    if (othersDone) {
      // Our mark completes the fan-in, so nobody else will ever need our output for this child.
      completion.fanIns.set(childId, 'mark');
    } else if (step === 'checking') {
      completion.fanIns.set(childId, 'deferred');
      completion.late.add(childId);
    } else {
      completion.fanIns.set(childId, 'need-put');
    }
  }

  private marked(childId: string, parentId: string, complete: boolean): void {
    const completion = this.completionOf(parentId);
    completion.fanIns.set(childId, complete ? 'complete' : 'incomplete');
    // A late child completed here: our large output is in memory, so run the child here.
    if (complete && completion.late.has(childId)) this.enqueue(childId, 'front');
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
    return this.current === undefined && this.queue.length === 0;
  }

  /** Emits every instruction the current state allows. */
  private advance(out: Instruction[]): void {
    for (const completion of this.completions.values()) this.advanceCompletion(completion, out);
    if (this.idle()) {
      // Nothing left to run: deferred (delayed I/O) fan-ins get their recheck now.
      for (const completion of this.completions.values()) {
        for (const [child, step] of completion.fanIns) {
          if (step !== 'deferred') continue;
          completion.fanIns.set(child, 'rechecking');
          this.emit(out, { type: 'check-fan-in', childId: child, parentId: completion.taskId });
        }
      }
    }
    if (this.current === undefined) this.startNext(out);
    if (this.idle() && this.completions.size === 0 && this.outstanding === 0) {
      this.stopped = true;
      out.push({ type: 'stop' });
    }
  }

  private advanceCompletion(completion: Completion, out: Instruction[]): void {
    const { taskId } = completion;
    const stored = this.storage.get(taskId) === 'stored';
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
    if (!completion.dispatched && this.resolvedForDispatch(completion)) this.dispatch(completion, out);
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
    const fanInsSettled = [...completion.fanIns.values()].every((s) => s === 'complete' || s === 'incomplete');
    if (completion.dispatched && fanInsSettled && completion.invokeAfterPut.length === 0 && !completion.outputPending) {
      this.completions.delete(taskId);
    }
  }

  /** Dispatch waits for every fan-in mark except the deferred (late) ones. */
  private resolvedForDispatch(completion: Completion): boolean {
    for (const [child, step] of completion.fanIns) {
      if (completion.late.has(child)) continue;
      if (step !== 'complete' && step !== 'incomplete') return false;
    }
    return true;
  }

  private dispatch(completion: Completion, out: Instruction[]): void {
    completion.dispatched = true;
    const completedFanIns = [...completion.fanIns]
      .filter(([child, step]) => step === 'complete' && !completion.late.has(child))
      .map(([child]) => child);
    const byRank = (a: string, b: string): number => this.rank(a) - this.rank(b);
    const local: string[] = [];
    const remote: string[] = [];
    const clusterSingles = completion.large && this.options.fanOutClustering;
    const clusterFanIns = completion.large && this.options.fanInClustering;
    for (const child of completion.singles) (clusterSingles ? local : remote).push(child);
    for (const child of completedFanIns) (clusterFanIns ? local : remote).push(child);
    remote.sort(byRank);
    // WUKONG: the executor becomes one ready child (the first of its static schedule).
    if (local.length === 0 && remote.length > 0) local.push(remote.shift() as string);
    local.sort(byRank);
    // Depth first: the children go ahead of older queued work, in schedule order.
    for (const child of local.reverse()) this.enqueue(child, 'front');
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

  private startNext(out: Instruction[]): void {
    const next = this.queue.shift();
    if (next === undefined) return;
    this.current = next;
    const missing = this.graph.parents(next).filter((p) => !this.inMemory.has(p));
    if (missing.length === 0) {
      this.run(next, out);
      return;
    }
    this.setState(next, 'fetching');
    for (const parent of missing) {
      this.pendingGets.add(parent);
      this.emit(out, { type: 'get', taskId: parent });
    }
  }
}
