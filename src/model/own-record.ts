import * as z from 'zod';

/**
 * `z.record(key, value)` that keeps every own key. zod's record drops a `__proto__` key without a
 * word, so a task named `__proto__` vanished from a plan and an args member of that name from a
 * task. The result has a null prototype: reading `record['__proto__']` or `record['constructor']`
 * finds only what the input held, and writing one creates an own member.
 */
export function ownRecord<V extends z.ZodType>(keySchema: z.ZodType<string>, valueSchema: V) {
  return z
    .custom<Record<string, z.input<V>>>(isPlainObject, { message: 'expected an object' })
    .transform((input, ctx) => {
      const output = Object.create(null) as Record<string, z.output<V>>;
      for (const key of Object.keys(input)) {
        const parsedKey = keySchema.safeParse(key);
        for (const issue of parsedKey.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: [key] });
        const parsedValue = valueSchema.safeParse(input[key]);
        for (const issue of parsedValue.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
        if (parsedKey.success && parsedValue.success) output[key] = parsedValue.data as z.output<V>;
      }
      return output;
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An empty record keyed by user input (task ids, arg names): no prototype, so `__proto__` is a key like any other. */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
