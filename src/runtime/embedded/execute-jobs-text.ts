import { extraKeysOf } from '../../model/extra-keys.js';
import type { ExecutorPayload } from '../payload.js';
import type { ExecuteJob } from './worker-protocol.js';

/**
 * Invocations as compact text between the pool (main thread) and executor threads. The main
 * thread handles every invocation (TR large: 16,384 a run; a fan-out of 10,000: 10,000 from one
 * thread), and its CPU per task bounds how much more threads help a DAG of small tasks.
 *
 * A payload is a positional JSON array, `[runId, source, taskId, executorId, inline,
 * invokedAt | null, extra | 0]`, written in half the time of the payload as an object, in under
 * half the bytes; `extra` holds its other keys (planned mode's worker, resumeAt, hedge, memoryMb),
 * so it reads back as its JSON would. A thread sends the payloads it invokes as this text, and
 * the pool passes the text on to the thread that runs it as it came: the main thread neither
 * reads nor writes the payload (a fan-out's carry its parent's output inline).
 */
type CompactPayload = [string, string, string, string, ExecutorPayload['inline'], number | null, Record<string, unknown> | 0];

export function payloadText(p: ExecutorPayload): string {
  const compact: CompactPayload = [p.runId, p.source, p.taskId, p.executorId, p.inline, p.invokedAt ?? null, extraKeysOf(p, isPositionalKey)];
  return JSON.stringify(compact);
}

export function payloadOfText(text: string): ExecutorPayload {
  return payloadOfCompact(JSON.parse(text) as CompactPayload);
}

/** A job for a thread: its payload as payloadText. */
export interface ExecuteJobText {
  readonly jobId: number;
  readonly cold: boolean;
  readonly payloadText: string;
}

/** `[[jobId, cold, payload], ...]`, the payloads' texts pasted in as they are. */
export function executeJobsText(jobs: readonly ExecuteJobText[]): string {
  let text = '[';
  for (const job of jobs) text += `${text.length > 1 ? ',' : ''}[${job.jobId},${job.cold ? 1 : 0},${job.payloadText}]`;
  return `${text}]`;
}

export function executeJobsOfText(text: string): ExecuteJob[] {
  return (JSON.parse(text) as [number, 0 | 1, CompactPayload][]).map(([jobId, cold, payload]) => ({ payload: payloadOfCompact(payload), cold: cold === 1, jobId }));
}

function payloadOfCompact(c: CompactPayload): ExecutorPayload {
  const base = { kind: 'execute' as const, runId: c[0], source: c[1], taskId: c[2], inline: c[4], executorId: c[3] };
  const timed: ExecutorPayload = c[5] === null ? base : { ...base, invokedAt: c[5] };
  return c[6] === 0 ? timed : { ...timed, ...c[6] };
}

/**
 * Whether `key` is one of the payload's positional fields. A switch, not a Set: the main thread
 * writes every payload the client invokes (perf: Set lookups were among its costliest builtins).
 */
function isPositionalKey(key: string): boolean {
  switch (key) {
    case 'kind':
    case 'runId':
    case 'source':
    case 'taskId':
    case 'executorId':
    case 'inline':
    case 'invokedAt':
      return true;
    default:
      return false;
  }
}
