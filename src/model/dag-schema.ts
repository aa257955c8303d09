import * as z from 'zod';
import { MAX_OUTPUT_BYTES_PER_TASK, MAX_RECORDED_DURATION_MS } from './limits.js';
import { ownRecord } from './own-record.js';

/**
 * DAG JSON (DESIGN.md §3): the single source of truth for the input format. Unknown keys are an
 * error at every level. Semantic checks (unique ids, known deps, acyclicity, known ops, op args and
 * arity) live in ./validate.ts.
 */

/** Longest task id. */
export const MAX_TASK_ID_LENGTH = 256;

/** Characters a task id may use: no path separator (`/`, `\`), no NUL or control character. */
const TASK_ID_CHARACTERS = /^[A-Za-z0-9_.:-]+$/;

/**
 * Why `id` cannot be a task id, or undefined when it can. A task id becomes a file name (`submit
 * --out`), an S3 key and a Redis key, so it is safe by construction: printable, bounded, no path
 * separator, and not a dot segment (`.` or `..`).
 */
export function taskIdProblem(id: string): string | undefined {
  const shown = quoteId(id);
  if (id.length === 0) return 'task id must not be empty';
  if (id.length > MAX_TASK_ID_LENGTH) return `task id ${shown} is longer than ${MAX_TASK_ID_LENGTH} characters`;
  if (!TASK_ID_CHARACTERS.test(id)) return `task id ${shown} may use only letters, digits and _ . : - (no / or \\, no control characters)`;
  if (id === '.' || id === '..') return `task id ${shown} is a path dot segment; use another name`;
  return undefined;
}

/** An id as printed in a message: JSON-quoted (control characters escaped), long ones cut. */
export function quoteId(id: string): string {
  const MAX_SHOWN = 80;
  return JSON.stringify(id.length > MAX_SHOWN ? `${id.slice(0, MAX_SHOWN)}...` : id);
}

/** A task id; also used in file names and keys (see taskIdProblem). */
export const TaskIdSchema = z.string().superRefine((id, ctx) => {
  const problem = taskIdProblem(id);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A dependency: a task id, or `taskId#i` to take output i (0-based) of a multi-output op such as
 * matrix.qr.
 */
export const DepRefSchema = z.string().min(1).max(300);

export const TaskHintsSchema = z
  .object({
    durationMs: z.number().nonnegative().max(MAX_RECORDED_DURATION_MS).optional(),
    outputBytes: z.number().int().nonnegative().max(MAX_OUTPUT_BYTES_PER_TASK).optional(),
    /** Rows of a table op's output, where the user knows better than the op's estimate (a filter's selectivity, an aggregate's groups). */
    rows: z.number().int().nonnegative().optional(),
  })
  .strict();

export const TaskSpecSchema = z
  .object({
    id: TaskIdSchema,
    op: z.string().min(1),
    args: ownRecord(z.string(), z.unknown()).optional(),
    deps: z.array(DepRefSchema).optional(),
    hints: TaskHintsSchema.optional(),
  })
  .strict();

export const DagSpecSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    tasks: z.array(TaskSpecSchema),
    outputs: z.array(DepRefSchema).min(1, 'outputs must name at least one task (leave it out to output the sinks)').optional(),
  })
  .strict();

export type TaskHints = z.infer<typeof TaskHintsSchema>;
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
export type DagSpec = z.infer<typeof DagSpecSchema>;

/** Splits `qr-1#1` into the producing task id and output index (0 when there is no `#`). */
export function parseDepRef(ref: string): { taskId: string; output: number } {
  const hash = ref.lastIndexOf('#');
  if (hash < 0) return { taskId: ref, output: 0 };
  const index = ref.slice(hash + 1);
  if (!/^\d+$/.test(index)) return { taskId: ref, output: Number.NaN };
  return { taskId: ref.slice(0, hash), output: Number(index) };
}
