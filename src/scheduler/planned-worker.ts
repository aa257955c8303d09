import type { Instruction } from './events.js';
import { PARK_MEMBER, type PlanLayout } from './planned-layout.js';
import { outputsReadBy } from './wukong-held-outputs.js';
import { plannedExpectsAnswer, type PlannedEvent, type PlannedInstruction } from './planned-events.js';

/**
 * Where the worker stands on its current task (the first of its list it has not run):
 * - claiming:     a hedged start: claiming the worker before anything else
 * - unclaimed:    the other copy of a hedged start holds the worker; stop
 * - idle:         deciding (transient inside `handle`)
 * - checking:     asked which remote parents are marked
 * - waiting:      some are not; waiting on the inbox for a producer's notification
 * - dup-running:  running a missing parent itself (task-dup)
 * - fetching:     every input is available; fetching those not in memory
 * - running:      its op is running
 * - parking:      waited too long: storing what later tasks need before the park mark
 * - park-marking: the park mark is under way
 * - parked:       the park mark did not complete: a producer re-invokes this worker; stop
 * - finished:     every task of the list ran; stop once what it owes is done
 * - handed-off:   the deadline was near: a fresh invocation resumes at the current task; stop
 */
export type WorkerPhase =
  | 'claiming'
  | 'unclaimed'
  | 'idle'
  | 'checking'
  | 'waiting'
  | 'dup-running'
  | 'fetching'
  | 'running'
  | 'parking'
  | 'park-marking'
  | 'parked'
  | 'finished'
  | 'handed-off';

/** The phases each phase may move to (one table, as transitions.ts does for WUKONG mode). */
const PHASE_TRANSITIONS: Readonly<Record<WorkerPhase, readonly WorkerPhase[]>> = {
  claiming: ['idle', 'unclaimed'],
  unclaimed: [],
  idle: ['claiming', 'checking', 'waiting', 'dup-running', 'fetching', 'running', 'parking', 'finished'],
  checking: ['idle'],
  waiting: ['idle'],
  'dup-running': ['idle'],
  fetching: ['running'],
  running: ['idle'],
  parking: ['park-marking', 'handed-off'],
  'park-marking': ['idle', 'parked', 'handed-off'],
  parked: [],
  finished: [],
  'handed-off': [],
};

export interface PlannedWorkerOptions {
  /** Waiting longer than this on one task parks the worker (the cost of a warm re-invocation). */
  readonly parkAfterMs: number;
  /** Resume at this task (the worker parked there before); absent: start at the first task. */
  readonly resumeAt?: string;
  /** A hedged start (./planned-start.ts): claim the worker as this owner first; absent: no claim. */
  readonly claimAs?: string;
}

/**
 * One planned-mode worker incarnation as a pure state machine (DESIGN.md §4 "Planned mode"): no
 * I/O, no clock; `handle(event)` returns the instructions now possible.
 *
 * The worker runs its list in plan order. Before a task it makes sure every input is at hand:
 * outputs of its own earlier tasks are in memory (or, after a park, stored); a remote parent is
 * available once its producer marked the task's fan-in (producers store before they mark). It
 * waits on its inbox for the missing ones, runs a missing `dup` parent itself when that parent's
 * inputs are in memory, and parks when waiting has cost `parkAfterMs`. After a task it stores the
 * output if another worker or the client needs it, then marks each remote consumer's fan-in; the
 * mark that completes a fan-in invokes that consumer's worker (its first task, or where it parked),
 * any other mark notifies the consumer's worker.
 */
export class PlannedWorker {
  private readonly list: readonly string[];
  private index: number;
  private readonly startIndex: number;
  private phase: WorkerPhase = 'idle';
  private readonly inMemory = new Set<string>();
  private readonly fetching = new Set<string>();
  private readonly storage = new Map<string, 'putting' | 'stored'>();
  /** Remote parents known to be marked, per consumer task. */
  private readonly marked = new Map<string, Set<string>>();
  /** Tasks whose marks were read since the last wake (a wait is only safe after a fresh read). */
  private readonly fresh = new Set<string>();
  private readonly checking = new Set<string>();
  private readonly announced = new Set<string>();
  private readonly ran: string[] = [];
  private readonly dups: string[] = [];
  private parkNeeds = new Set<string>();
  private waitedMs = 0;
  private outstanding = 0;
  /** Deadline near: hand the rest of the list to a fresh invocation before the next task. */
  private handingOff = false;
  private stopped = false;

  constructor(
    private readonly layout: PlanLayout,
    readonly worker: number,
    private readonly options: PlannedWorkerOptions,
  ) {
    this.list = layout.tasksOf(worker);
    const start = options.resumeAt === undefined ? 0 : this.list.indexOf(options.resumeAt);
    if (start < 0) throw new Error(`worker ${worker} cannot resume at ${options.resumeAt}: not one of its tasks`);
    if (this.list.length === 0) throw new Error(`worker ${worker} has no tasks in the plan`);
    this.index = start;
    this.startIndex = start;
  }

  get isStopped(): boolean {
    return this.stopped;
  }
  /** Whether this incarnation handed its remaining tasks to a fresh invocation (deadline). */
  get isHandedOff(): boolean {
    return this.phase === 'handed-off';
  }
  /** Whether this invocation was the losing copy of a hedged start: it ran nothing. */
  get isUnclaimed(): boolean {
    return this.phase === 'unclaimed';
  }
  /** Whether this incarnation ended by parking (a producer re-invokes the worker). */
  get isParked(): boolean {
    return this.phase === 'parked';
  }
  /** Tasks of its own list this incarnation ran, in order. */
  get ranHere(): readonly string[] {
    return this.ran;
  }
  /** Other workers' tasks it ran as duplicates. */
  get dupsHere(): readonly string[] {
    return this.dups;
  }
  /** The task it is working towards, if any is left. */
  get currentTask(): string | undefined {
    return this.list[this.index];
  }
  get currentPhase(): WorkerPhase {
    return this.phase;
  }

  handle(event: PlannedEvent): PlannedInstruction[] {
    if (this.stopped) throw new Error(`worker ${this.worker} already stopped; got ${event.type}`);
    const out: PlannedInstruction[] = [];
    if (event.type !== 'start' && event.type !== 'deadline-near') this.outstanding -= 1;
    switch (event.type) {
      case 'start': {
        // Invoked because the fan-in of this task completed (or it has no remote parents).
        const current = this.list[this.index] as string;
        this.marked.set(current, new Set(this.layout.remoteParents(current)));
        this.fresh.add(current);
        if (this.options.claimAs !== undefined) {
          this.moveTo('claiming');
          out.push({ type: 'claim-start', worker: this.worker, owner: this.options.claimAs });
        }
        break;
      }
      case 'start-claimed':
        this.moveTo(event.won ? 'idle' : 'unclaimed');
        break;
      case 'got':
        this.fetching.delete(event.taskId);
        this.inMemory.add(event.taskId);
        this.storage.set(event.taskId, 'stored');
        break;
      case 'ran':
        this.finishedRun(event.taskId, event.dup, out);
        break;
      case 'failed':
        this.stopped = true;
        return [{ type: 'fail-run', taskId: event.taskId, message: event.message }, { type: 'stop' }];
      case 'put-done':
        this.storage.set(event.taskId, 'stored');
        this.announce(event.taskId, out);
        break;
      case 'fan-in-checked':
        this.checked(event.childId, event.markedParents, out);
        break;
      case 'fan-in-marked':
        this.markAnswered(event.childId, event.parentId, event.complete, out);
        break;
      case 'woken':
        this.waitedMs += event.waitedMs;
        this.fresh.delete(event.taskId);
        this.moveTo('idle');
        break;
      case 'worker-invoked':
        break;
      case 'deadline-near':
        this.handingOff = true;
        break;
    }
    this.advance(out);
    for (const instruction of out) if (plannedExpectsAnswer(instruction)) this.outstanding += 1;
    if ((this.phase === 'finished' || this.phase === 'parked' || this.phase === 'handed-off' || this.phase === 'unclaimed') && this.outstanding === 0) {
      this.stopped = true;
      out.push({ type: 'stop' });
    }
    return out;
  }

  /** Internal consistency; tests call it after every event. */
  validateState(): void {
    if (this.outstanding < 0) throw new Error(`worker ${this.worker}: negative outstanding count ${this.outstanding}`);
    if (this.index > this.list.length) throw new Error(`worker ${this.worker}: index ${this.index} past its ${this.list.length} tasks`);
    for (const id of this.fetching) if (this.inMemory.has(id)) throw new Error(`worker ${this.worker}: ${id} fetched while in memory`);
    const seen = new Set<string>();
    for (const id of this.ran) {
      if (seen.has(id)) throw new Error(`worker ${this.worker}: ${id} ran twice in one incarnation`);
      seen.add(id);
      if (!this.inMemory.has(id)) throw new Error(`worker ${this.worker}: ${id} ran but is not in memory`);
      if (this.list.indexOf(id) >= this.index) throw new Error(`worker ${this.worker}: ${id} ran but the list has not passed it`);
    }
    for (const id of this.dups) if (this.layout.worker(id) === this.worker) throw new Error(`worker ${this.worker}: duplicated its own task ${id}`);
    const current = this.list[this.index];
    if (this.phase === 'running' && current !== undefined) {
      for (const p of this.layout.graph.parents(current)) if (!this.inMemory.has(p)) throw new Error(`worker ${this.worker}: ${current} runs without ${p}`);
    }
    if (this.phase === 'park-marking' || this.phase === 'parked' || this.phase === 'handed-off') {
      for (const id of this.parkNeeds) if (this.storage.get(id) !== 'stored') throw new Error(`worker ${this.worker}: parked before ${id} was stored`);
      if (current !== undefined && this.layout.first(this.worker) === current) throw new Error(`worker ${this.worker}: parked at its first task ${current}`);
    }
    if (this.phase === 'finished' && this.index !== this.list.length) throw new Error(`worker ${this.worker}: finished with tasks left`);
  }

  private moveTo(phase: WorkerPhase): void {
    if (phase === this.phase) return;
    if (!PHASE_TRANSITIONS[this.phase].includes(phase)) throw new Error(`worker ${this.worker}: illegal phase change ${this.phase} -> ${phase}`);
    this.phase = phase;
  }

  private finishedRun(taskId: string, dup: boolean, out: PlannedInstruction[]): void {
    this.inMemory.add(taskId);
    this.moveTo('idle');
    if (dup) {
      this.dups.push(taskId);
      return;
    }
    this.ran.push(taskId);
    this.index += 1;
    this.waitedMs = 0;
    // Stored as soon as it exists when another worker or the client needs it.
    if (this.layout.remoteChildren(taskId).length > 0 || this.layout.graph.isOutput(taskId)) this.put(taskId, out);
  }

  private put(taskId: string, out: PlannedInstruction[]): void {
    if (this.storage.has(taskId)) return;
    this.storage.set(taskId, 'putting');
    out.push({ type: 'put', taskId });
  }

  /** After an output of this worker's own task is stored: mark its remote consumers, tell the client. */
  private announce(taskId: string, out: PlannedInstruction[]): void {
    if (!this.ran.includes(taskId) || this.announced.has(taskId)) return;
    this.announced.add(taskId);
    for (const child of this.layout.remoteChildren(taskId)) {
      out.push({ type: 'mark-fan-in', childId: child, parentId: taskId, expected: this.layout.expected(child) });
    }
    if (this.layout.graph.isOutput(taskId)) out.push({ type: 'output-ready', taskId });
  }

  private checked(taskId: string, members: readonly string[], out: PlannedInstruction[]): void {
    this.checking.delete(taskId);
    const remote = new Set(this.layout.remoteParents(taskId));
    this.marked.set(taskId, new Set(members.filter((m) => remote.has(m))));
    this.fresh.add(taskId);
    if (taskId === this.list[this.index]) {
      if (this.phase === 'checking') this.moveTo('idle');
    } else {
      // Preload: every input already marked is stored; fetch it now, not only when all are.
      this.preloadMarked(taskId, out);
    }
  }

  private markAnswered(childId: string, parentId: string, complete: boolean, out: PlannedInstruction[]): void {
    if (parentId === PARK_MEMBER) {
      if (complete && this.handingOff) {
        this.handOffNow(childId, out);
      } else if (complete) {
        this.marked.set(childId, new Set(this.layout.remoteParents(childId)));
        this.fresh.add(childId);
        this.waitedMs = 0;
        this.moveTo('idle');
      } else {
        this.moveTo('parked');
      }
      return;
    }
    const worker = this.layout.worker(childId);
    if (complete) {
      const first = this.layout.first(worker) === childId;
      out.push(first ? { type: 'invoke-worker', worker } : { type: 'invoke-worker', worker, resumeAt: childId });
    } else {
      out.push({ type: 'notify', worker, taskId: childId });
    }
  }

  private allMarked(taskId: string): boolean {
    const marked = this.marked.get(taskId);
    return this.layout.remoteParents(taskId).every((p) => this.inMemory.has(p) || this.fetching.has(p) || marked?.has(p));
  }

  private preloadInputs(taskId: string, out: PlannedInstruction[]): void {
    for (const p of this.layout.remoteParents(taskId)) this.get(p, out);
  }

  /** The remote inputs of `taskId` known to be marked (a mark follows the upload): fetched ahead, one by one. */
  private preloadMarked(taskId: string, out: PlannedInstruction[]): void {
    const marked = this.marked.get(taskId);
    if (!marked) return;
    for (const p of this.layout.remoteParents(taskId)) if (marked.has(p)) this.get(p, out);
  }

  private get(taskId: string, out: PlannedInstruction[]): void {
    if (this.inMemory.has(taskId) || this.fetching.has(taskId)) return;
    this.fetching.add(taskId);
    // Only the outputs this worker's tasks read (a consumer of t#1 never downloads t#0), and those
    // a task it may duplicate reads (a dup runs on whatever of its parents is in memory here).
    const mine = this.layout.graph.children(taskId).filter((c) => this.layout.worker(c) === this.worker || this.layout.dup(c));
    const outputs = outputsReadBy(this.layout.graph, mine, taskId);
    out.push(outputs === undefined ? { type: 'get', taskId } : { type: 'get', taskId, outputs });
  }

  /** Decides the next step on the current task, if the worker is free to take one. */
  private advance(out: PlannedInstruction[]): void {
    if (this.stopped) return;
    if (this.phase === 'fetching') {
      const current = this.list[this.index] as string;
      if (this.layout.graph.parents(current).every((p) => this.inMemory.has(p))) this.startRun(current, out);
      return;
    }
    if (this.phase === 'parking') {
      if ([...this.parkNeeds].every((id) => this.storage.get(id) === 'stored')) {
        const current = this.list[this.index] as string;
        // Handing off with every remote input marked: no producer will invoke; invoke directly.
        if (this.handingOff && this.layout.remoteParents(current).every((p) => this.marked.get(current)?.has(p))) {
          this.handOffNow(current, out);
          return;
        }
        this.moveTo('park-marking');
        out.push({ type: 'mark-fan-in', childId: current, parentId: PARK_MEMBER, expected: this.layout.expected(current) });
      }
      return;
    }
    if (this.phase !== 'idle') return;
    const current = this.list[this.index];
    if (current === undefined) {
      this.moveTo('finished');
      return;
    }
    // Deadline near: only after a task ran here, so that every resume point gets one invocation.
    if (this.handingOff && this.index > this.startIndex) {
      this.startPark(out);
      return;
    }
    const marked = this.marked.get(current);
    const missing = this.layout.remoteParents(current).filter((p) => !this.inMemory.has(p) && !this.fetching.has(p) && !marked?.has(p));
    if (missing.length > 0) {
      this.whileMissing(current, missing, out);
      return;
    }
    // Every input is available: own earlier outputs in memory (or stored before a park), remote
    // ones stored by their producers.
    for (const p of this.layout.graph.parents(current)) this.get(p, out);
    this.moveTo('fetching');
    this.advance(out);
  }

  private whileMissing(current: string, missing: readonly string[], out: PlannedInstruction[]): void {
    const dupable = missing.find((p) => this.layout.dup(p) && this.layout.graph.parents(p).every((q) => this.inMemory.has(q)));
    if (dupable !== undefined) {
      this.moveTo('dup-running');
      out.push({ type: 'run', taskId: dupable, dup: true });
      return;
    }
    if (this.checking.has(current)) {
      this.moveTo('checking');
      return;
    }
    if (!this.fresh.has(current)) {
      this.checking.add(current);
      this.moveTo('checking');
      out.push(checkOf(current));
      return;
    }
    // The plan's threshold for this task (from its predicted wait) wins over the run's default.
    const parkAfterMs = this.layout.parkAfterMs(current) ?? this.options.parkAfterMs;
    if (this.waitedMs >= parkAfterMs) {
      this.startPark(out);
      return;
    }
    this.moveTo('waiting');
    out.push({ type: 'wait', taskId: current, timeoutMs: parkAfterMs - this.waitedMs });
  }

  private startRun(taskId: string, out: PlannedInstruction[]): void {
    this.moveTo('running');
    out.push({ type: 'run', taskId, dup: false });
    for (const worker of this.layout.prewarm(taskId)) if (worker !== this.worker) out.push({ type: 'prewarm', worker });
    const next = this.list[this.index + 1];
    if (next === undefined || !this.layout.preload(next)) return;
    // Preload: fetch the next task's remote inputs while this one runs, once all are marked.
    if (this.allMarked(next)) this.preloadInputs(next, out);
    else if (!this.checking.has(next)) {
      this.checking.add(next);
      out.push(checkOf(next));
    }
  }

  private handOffNow(taskId: string, out: PlannedInstruction[]): void {
    this.moveTo('handed-off');
    out.push({ type: 'invoke-worker', worker: this.worker, resumeAt: taskId });
  }

  /** Stores every own output a later task needs (a resumed worker fetches it), then marks `@park`. */
  private startPark(out: PlannedInstruction[]): void {
    this.moveTo('parking');
    const needs = new Set<string>();
    for (const later of this.list.slice(this.index)) {
      for (const p of this.layout.graph.parents(later)) {
        if (this.layout.worker(p) !== this.worker || this.storage.get(p) === 'stored') continue;
        // Ran in an earlier incarnation (which stored it before its own park mark), or runs later.
        const at = this.list.indexOf(p);
        if (at < this.startIndex || at >= this.index) continue;
        if (!this.inMemory.has(p)) throw new Error(`worker ${this.worker}: ${p}, needed by ${later}, is neither in memory nor stored`);
        needs.add(p);
      }
    }
    this.parkNeeds = needs;
    for (const id of needs) this.put(id, out);
    this.advance(out);
  }
}

/** A read of `taskId`'s fan-in marks (planned mode reads a consumer's marks; no parent is involved). */
function checkOf(taskId: string): Instruction & { type: 'check-fan-in' } {
  return { type: 'check-fan-in', childId: taskId, parentId: '' };
}
