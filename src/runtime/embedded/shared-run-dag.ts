import { parseDepRef, type DagSpec, type TaskSpec } from '../../model/dag-schema.js';
import { emptyArray } from '../../model/empty-array.js';
import type { RunDag, RunSpec } from '../../model/run-spec.js';

/**
 * A run's spec as the embedded backend hands it to its executor threads: the DAG as index arrays
 * in shared memory and a few strings, the rest of the spec as JSON. Each thread used to fetch the
 * stored spec (TR large: 2.5 MB of JSON, copied to every thread by the main thread), parse it and
 * index it: 25-80 ms per thread at the start of every run before its first task, a fixed cost that
 * more threads cannot shorten. From this a thread builds its view in a few milliseconds; a task's
 * other fields (args, hints) are parsed when the task is first asked for.
 *
 * The stored spec stays the source of truth: a thread that has not been handed the run (none is
 * handed one when the coordinator is not in this process) loads it by key as before.
 */
export interface SharedRunDagMessage {
  readonly runId: string;
  /** The run spec without its `dag`, as JSON. */
  readonly envelope: string;
  /** The DAG's `name`, if any. */
  readonly name?: string;
  /**
   * Task ids joined by line breaks, in DAG order, as UTF-8 in shared memory: a thread is handed
   * the bytes without a copy (a string of the message is copied for every thread by the main
   * thread; TR large's ids and args are ~1 MB). A task id is ASCII without line breaks
   * (dag-schema.ts TASK_ID_CHARACTERS).
   */
  readonly ids: Uint8Array;
  /** Distinct op names; `opOf[i]` indexes them. */
  readonly ops: readonly string[];
  readonly opOf: Int32Array;
  /**
   * The JSON texts of each task's fields besides id, op and deps (args, hints), one after another
   * as UTF-8 in shared memory: task i's is bytes restStart[i] .. restStart[i + 1] - 1, none when
   * empty. A thread decodes a task's when the task is first asked for.
   */
  readonly rests: Uint8Array;
  readonly restStart: Int32Array;
  /** Every rest text is ASCII: byte and character offsets agree, and a thread decodes them all at once. */
  readonly restsAscii: boolean;
  /** Task i's dep refs are entries depStart[i] .. depStart[i + 1] - 1 of depTask and depOutput. */
  readonly depStart: Int32Array;
  readonly depTask: Int32Array;
  /** The output a dep ref names (`task#n`), or -1 for a ref that is a plain task id. */
  readonly depOutput: Int32Array;
  /** Task i's children (distinct, in DAG order of their first ref) are childTask[childStart[i] .. childStart[i + 1] - 1]. */
  readonly childStart: Int32Array;
  readonly childTask: Int32Array;
  /** The DAG's `outputs`, if it names them. */
  readonly outputs?: readonly string[];
}

/** The message for `spec` (main thread, once per run). */
export function sharedRunDagOf(spec: RunSpec): SharedRunDagMessage {
  const { dag, ...rest } = spec;
  const { tasks } = dag;
  const index = new Map<string, number>();
  tasks.forEach((task, i) => index.set(task.id, i));
  const ops = new Indexer();
  const opOf = sharedInts(tasks.length);
  const rests: string[] = [];
  const restStart = sharedInts(tasks.length + 1);
  const depStart = sharedInts(tasks.length + 1);
  let edges = 0;
  let restChars = 0;
  tasks.forEach((task, i) => {
    opOf[i] = ops.of(task.op);
    restStart[i] = restChars;
    const rest = restTextOf(task);
    if (rest !== undefined) {
      rests.push(rest);
      restChars += rest.length;
    }
    depStart[i] = edges;
    edges += task.deps?.length ?? 0;
  });
  depStart[tasks.length] = edges;
  restStart[tasks.length] = restChars;
  const depTask = sharedInts(edges);
  const depOutput = sharedInts(edges);
  const childCounts = new Int32Array(tasks.length);
  let e = 0;
  tasks.forEach((task, i) => {
    for (const ref of task.deps ?? []) {
      const named = ref.lastIndexOf('#') < 0 ? undefined : parseDepRef(ref);
      const parent = named?.taskId ?? ref;
      const p = index.get(parent);
      if (p === undefined) throw new Error(`task ${task.id} names unknown task ${parent}`);
      depTask[e] = p;
      depOutput[e] = named?.output ?? -1;
      // A child once per parent, however many of its outputs it reads (as runDagFromSpec).
      if (!namedBefore(depTask, depStart[i] as number, e, p)) childCounts[p] = (childCounts[p] as number) + 1;
      e += 1;
    }
  });
  const childStart = sharedInts(tasks.length + 1);
  for (let i = 0; i < tasks.length; i += 1) childStart[i + 1] = (childStart[i] as number) + (childCounts[i] as number);
  const childTask = sharedInts(childStart[tasks.length] as number);
  const filled = new Int32Array(tasks.length);
  for (let i = 0; i < tasks.length; i += 1) {
    for (let d = depStart[i] as number; d < (depStart[i + 1] as number); d += 1) {
      const p = depTask[d] as number;
      if (namedBefore(depTask, depStart[i] as number, d, p)) continue;
      childTask[(childStart[p] as number) + (filled[p] as number)] = i;
      filled[p] = (filled[p] as number) + 1;
    }
  }
  return {
    runId: spec.runId,
    envelope: JSON.stringify(rest),
    ...(dag.name !== undefined ? { name: dag.name } : {}),
    ids: sharedBytes([utf8.encode(tasks.map((t) => t.id).join('\n'))]),
    ops: ops.values,
    opOf,
    ...restBytes(rests, restStart),
    restStart,
    depStart,
    depTask,
    depOutput,
    childStart,
    childTask,
    ...(dag.outputs !== undefined ? { outputs: dag.outputs } : {}),
  };
}

/** Whether entries start .. at - 1 of `depTask` already name task `p` (so entry `at` is a repeat). */
function namedBefore(depTask: Int32Array, start: number, at: number, p: number): boolean {
  for (let d = start; d < at; d += 1) if (depTask[d] === p) return true;
  return false;
}

/** The JSON of a task's fields besides id, op and deps, or undefined when it has none. */
function restTextOf(task: TaskSpec): string | undefined {
  let rest: Record<string, unknown> | undefined;
  for (const key in task) {
    if (key === 'id' || key === 'op' || key === 'deps') continue;
    const value = (task as Record<string, unknown>)[key];
    if (value === undefined) continue;
    (rest ??= {})[key] = value;
  }
  return rest === undefined ? undefined : JSON.stringify(rest);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** ASCII bytes (shared memory included) as a string, without a copy of the bytes first. */
function latin1Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The rest texts as UTF-8 in shared memory, `restStart` turned from character to byte offsets. In
 * one encoding when every text is ASCII (where the two offsets agree), as args and hints are.
 */
function restBytes(rests: readonly string[], restStart: Int32Array): { rests: Uint8Array; restsAscii: boolean } {
  const joined = utf8.encode(rests.join(''));
  if (joined.byteLength === (restStart[restStart.length - 1] as number)) return { rests: sharedBytes([joined]), restsAscii: true };
  const parts = rests.map((rest) => utf8.encode(rest));
  let part = 0;
  let bytes = 0;
  for (let i = 0; i + 1 < restStart.length; i += 1) {
    const hasRest = restStart[i + 1] !== restStart[i];
    restStart[i] = bytes;
    if (hasRest) bytes += (parts[part++] as Uint8Array).byteLength;
  }
  restStart[restStart.length - 1] = bytes;
  return { rests: sharedBytes(parts), restsAscii: false };
}

/** `parts` one after another in shared memory. */
function sharedBytes(parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(new SharedArrayBuffer(Math.max(1, length)), 0, length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

function sharedInts(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4), 0, length);
}

/** Distinct strings, each given the index of its first appearance. */
class Indexer {
  readonly values: string[] = [];
  private readonly indices = new Map<string, number>();

  of(value: string): number {
    let i = this.indices.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.indices.set(value, i);
    }
    return i;
  }
}

/** A task as RunDag.task gives it here: its spec without deps. */
type RunTask = Omit<TaskSpec, 'deps'>;

/** A thread's view of a handed run: its spec (the DAG materialized only if asked for) and its RunDag. */
export interface SharedRun {
  readonly spec: RunSpec;
  readonly dag: RunDag;
  /** The distinct ops the DAG names. */
  opNames(): readonly string[];
  /** Tasks of two or more dep refs, in DAG order. */
  fanInTasks(): string[];
}

/** Opens a handed run in a thread. */
export function openSharedRunDag(m: SharedRunDagMessage): SharedRun {
  const ids = latin1Of(m.ids).split('\n');
  // ASCII rests are decoded in one go when a task's is first read; others one task at a time.
  let restText: string | undefined;
  const restOf = (from: number, to: number): string => {
    if (!m.restsAscii) return fromUtf8.decode(m.rests.slice(from, to)); // TextDecoder reads no shared memory
    restText ??= latin1Of(m.rests);
    return restText.slice(from, to);
  };
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1) index.set(ids[i] as string, i);
  const indexOf = (id: string): number => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`unknown task ${id}`);
    return i;
  };
  const none = emptyArray<string>();
  const idsOf = (from: Int32Array, start: number, end: number): readonly string[] => {
    if (start === end) return none;
    const out: string[] = [];
    for (let k = start; k < end; k += 1) out.push(ids[from[k] as number] as string);
    return out;
  };
  // Per-task answers cached in arrays by task index (a thread meets each of its tasks a few times).
  const parents: (readonly string[] | undefined)[] = [];
  const children: (readonly string[] | undefined)[] = [];
  const tasks: (RunTask | undefined)[] = [];
  const refs: (readonly { taskId: string; output: number }[] | undefined)[] = [];
  /** What RunDag.task gives: id, op and the task's other fields, no deps (the graph answers those). */
  const taskAt = (i: number): RunTask => {
    let task = tasks[i];
    if (task === undefined) {
      const restFrom = m.restStart[i] as number;
      const restTo = m.restStart[i + 1] as number;
      task = { id: ids[i] as string, op: m.ops[m.opOf[i] as number] as string };
      if (restFrom !== restTo) Object.assign(task, JSON.parse(restOf(restFrom, restTo)) as Partial<TaskSpec>);
      tasks[i] = task;
    }
    return task;
  };
  const depsOf = (i: number): string[] | undefined => {
    const start = m.depStart[i] as number;
    const end = m.depStart[i + 1] as number;
    if (start === end) return undefined;
    const deps: string[] = [];
    for (let d = start; d < end; d += 1) {
      const output = m.depOutput[d] as number;
      const parent = ids[m.depTask[d] as number] as string;
      deps.push(output < 0 ? parent : `${parent}#${output}`);
    }
    return deps;
  };
  let sources: readonly string[] | undefined;
  let outputTasks: ReadonlySet<string> | undefined;
  const dag: RunDag = {
    parents: (id) => {
      const i = indexOf(id);
      let found = parents[i];
      if (found === undefined) {
        const distinct: string[] = [];
        for (let d = m.depStart[i] as number; d < (m.depStart[i + 1] as number); d += 1) {
          const parent = ids[m.depTask[d] as number] as string;
          if (!distinct.includes(parent)) distinct.push(parent);
        }
        found = distinct.length === 0 ? none : distinct;
        parents[i] = found;
      }
      return found;
    },
    children: (id) => {
      const i = indexOf(id);
      let found = children[i];
      if (found === undefined) {
        found = idsOf(m.childTask, m.childStart[i] as number, m.childStart[i + 1] as number);
        children[i] = found;
      }
      return found;
    },
    isOutput: (id) => {
      outputTasks ??= new Set(m.outputs ? m.outputs.map((ref) => parseDepRef(ref).taskId) : ids.filter((_, i) => m.childStart[i] === m.childStart[i + 1]));
      return outputTasks.has(id);
    },
    task: (id) => taskAt(indexOf(id)),
    inputRefs: (id) => {
      const i = indexOf(id);
      let found = refs[i];
      if (found === undefined) {
        const list: { taskId: string; output: number }[] = [];
        for (let d = m.depStart[i] as number; d < (m.depStart[i + 1] as number); d += 1) list.push({ taskId: ids[m.depTask[d] as number] as string, output: Math.max(0, m.depOutput[d] as number) });
        found = list;
        refs[i] = found;
      }
      return found;
    },
    sources: () => (sources ??= ids.filter((_, i) => m.depStart[i] === m.depStart[i + 1])),
  };
  const envelope = JSON.parse(m.envelope) as Omit<RunSpec, 'dag'>;
  let dagSpec: DagSpec | undefined;
  const spec = Object.defineProperty({ ...envelope }, 'dag', {
    enumerable: true,
    get: (): DagSpec =>
      (dagSpec ??= {
        ...(m.name !== undefined ? { name: m.name } : {}),
        tasks: ids.map((_, i) => {
          const deps = depsOf(i);
          return deps === undefined ? { ...taskAt(i) } : { ...taskAt(i), deps };
        }),
        ...(m.outputs !== undefined ? { outputs: [...m.outputs] } : {}),
      }),
  }) as RunSpec;
  return {
    spec,
    dag,
    opNames: () => m.ops,
    fanInTasks: () => ids.filter((_, i) => (m.depStart[i + 1] as number) - (m.depStart[i] as number) >= 2),
  };
}
