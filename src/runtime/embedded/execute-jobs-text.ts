import type { ExecutorPayload } from '../payload.js';
import type { ExecuteJob } from './worker-protocol.js';

/**
 * The invocations the pool hands a thread, as compact text. The main thread writes one per
 * invocation (TR large: 16,384 a run), and its CPU per task bounds how much more threads help a
 * DAG of small tasks: positional arrays, `[jobId, cold, runId, source, taskId, executorId, inline,
 * invokedAt | null, extra | 0]`, are written in half the time of the same jobs as objects (and are
 * under half the bytes to copy). `extra` holds the payload's other keys (planned mode's worker,
 * resumeAt, hedge, memoryMb), so a job reads back as its JSON would.
 */
type CompactJob = [number, 0 | 1, string, string, string, string, ExecutorPayload['inline'], number | null, Record<string, unknown> | 0];

const PAYLOAD_KEYS: ReadonlySet<string> = new Set(['kind', 'runId', 'source', 'taskId', 'executorId', 'inline', 'invokedAt']);

export function executeJobsText(jobs: readonly ExecuteJob[]): string {
  return JSON.stringify(jobs.map(compactJob));
}

export function executeJobsOfText(text: string): ExecuteJob[] {
  return (JSON.parse(text) as CompactJob[]).map(jobOfCompact);
}

function compactJob({ jobId, cold, payload: p }: ExecuteJob): CompactJob {
  return [jobId, cold ? 1 : 0, p.runId, p.source, p.taskId, p.executorId, p.inline, p.invokedAt ?? null, extraOf(p)];
}

function jobOfCompact(c: CompactJob): ExecuteJob {
  const base = { kind: 'execute' as const, runId: c[2], source: c[3], taskId: c[4], inline: c[6], executorId: c[5] };
  const timed: ExecutorPayload = c[7] === null ? base : { ...base, invokedAt: c[7] };
  const payload = c[8] === 0 ? timed : { ...timed, ...c[8] };
  return { payload, cold: c[1] === 1, jobId: c[0] };
}

/** The payload's keys beyond the positional ones (undefined ones left out, as JSON leaves them), or 0. */
function extraOf(payload: ExecutorPayload): Record<string, unknown> | 0 {
  let extra: Record<string, unknown> | 0 = 0;
  // for-in, not Object.entries: no array per key on the main thread.
  for (const key in payload) {
    const value = (payload as Record<string, unknown>)[key];
    if (PAYLOAD_KEYS.has(key) || value === undefined) continue;
    extra ||= {};
    extra[key] = value;
  }
  return extra;
}
