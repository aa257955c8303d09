import { createHash } from 'node:crypto';
import { canonicalJson } from '../metadata/task-key.js';
import type { RunDag } from '../model/run-spec.js';
import { topologicalOrder } from '../model/topological-order.js';

/** What the key of a task is made of; kept as a note so the next run can say why it missed. */
export interface TaskKeyParts {
  readonly op: string;
  /** Built-ins: `builtin@<package version>`; user ops: `user:<SHA-256 of the module file>`. */
  readonly opVersion: string;
  /** SHA-256 of the canonical JSON of the task's args. */
  readonly args: string;
  /** Per input ref, in input order: `<parent key>.<output index>`. */
  readonly inputs: readonly string[];
  /** A source's data identity (file size and mtime, S3 ETag), when its op reads data. */
  readonly data?: string;
}

export type TaskKey =
  | { readonly cacheable: true; readonly key: string; readonly parts: TaskKeyParts }
  | { readonly cacheable: false; readonly reason: string };

/** What keys need to know of an op. */
export interface KeyedOp {
  readonly version: string;
  /** False: the op declared `deterministic: false`; its tasks and their descendants are never cached. */
  readonly deterministic: boolean;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The content address of every task's result: SHA-256 over its op and op version, its args
 * (canonical JSON, so key order does not matter), the keys of its inputs (so a change anywhere
 * upstream changes every descendant's key), and a source's data identity. A task whose op is not
 * deterministic, or that depends on one, has no key.
 */
export function taskCacheKeys(
  dag: RunDag,
  opOf: (op: string) => KeyedOp,
  dataIdentity: ReadonlyMap<string, string> = new Map(),
): Map<string, TaskKey> {
  const keys = new Map<string, TaskKey>();
  for (const taskId of topologicalOrder(dag)) {
    const task = dag.task(taskId);
    const op = opOf(task.op);
    if (!op.deterministic) {
      keys.set(taskId, { cacheable: false, reason: `op ${task.op} is not deterministic` });
      continue;
    }
    const inputs: string[] = [];
    let uncached: string | undefined;
    for (const ref of dag.inputRefs(taskId)) {
      const parent = keys.get(ref.taskId);
      if (!parent?.cacheable) {
        uncached = ref.taskId;
        break;
      }
      inputs.push(`${parent.key}.${ref.output}`);
    }
    if (uncached !== undefined) {
      keys.set(taskId, { cacheable: false, reason: `input ${uncached} is not cached (not deterministic)` });
      continue;
    }
    const data = dataIdentity.get(taskId);
    const parts: TaskKeyParts = { op: task.op, opVersion: op.version, args: sha256(canonicalJson(task.args ?? {})), inputs, ...(data !== undefined ? { data } : {}) };
    keys.set(taskId, { cacheable: true, key: sha256(canonicalJson(parts)), parts });
  }
  return keys;
}

/** The name of a task's note: per DAG name and task id, so a re-run can tell what changed. */
export function noteHash(dagName: string, taskId: string): string {
  return sha256(`${dagName}\u0000${taskId}`);
}

/** Why a task with these parts missed, given the parts its previous run stored (if any). */
export function missReason(now: TaskKeyParts, before: TaskKeyParts | undefined, inputRefs: readonly string[] = []): string {
  if (!before) return 'new task';
  if (before.op !== now.op) return `op changed (${before.op} -> ${now.op})`;
  if (before.opVersion !== now.opVersion) return 'op code changed';
  if (before.args !== now.args) return 'args changed';
  if (before.data !== now.data) return 'source data changed';
  if (before.inputs.length !== now.inputs.length) return 'inputs changed';
  const changed = now.inputs.flatMap((key, i) => (key === before.inputs[i] ? [] : [inputRefs[i] ?? `input ${i}`]));
  if (changed.length > 0) return `input changed (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', ...' : ''})`;
  return 'no entry (its output was not stored by the run that computed it)';
}
