import { z } from 'zod';

/**
 * DAG JSON (DESIGN.md §3): the single source of truth for the input format. Unknown keys are an
 * error at every level. Semantic checks (unique ids, known deps, acyclicity, known ops, op args and
 * arity) live in ./validate.ts.
 */

/** A task id; also used in keys, so it is kept printable and bounded. */
export const TaskIdSchema = z
  .string()
  .min(1, 'task id must not be empty')
  .max(256, 'task id longer than 256 characters')
  .regex(/^[A-Za-z0-9_.:\-/]+$/, 'task id may use only letters, digits and _ . : - /');

/**
 * A dependency: a task id, or `taskId#i` to take output i (0-based) of a multi-output op such as
 * matrix.qr.
 */
export const DepRefSchema = z.string().min(1).max(300);

export const TaskHintsSchema = z
  .object({
    durationMs: z.number().nonnegative().finite().optional(),
    outputBytes: z.number().int().nonnegative().optional(),
  })
  .strict();

export const TaskSpecSchema = z
  .object({
    id: TaskIdSchema,
    op: z.string().min(1),
    args: z.record(z.string(), z.unknown()).optional(),
    deps: z.array(DepRefSchema).optional(),
    hints: TaskHintsSchema.optional(),
  })
  .strict();

export const DagSpecSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    tasks: z.array(TaskSpecSchema),
    outputs: z.array(DepRefSchema).optional(),
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
