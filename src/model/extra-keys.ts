/**
 * The keys of `value` that `isKnown` does not name, with their values (undefined ones left out, as
 * JSON leaves them), or 0 when there are none: what a positional encoding (an executor payload or
 * report as a JSON array) carries beside its fixed fields, so that it reads back as its JSON would.
 * for-in, not Object.entries: no array per key on the main thread's path.
 */
export function extraKeysOf(value: object, isKnown: (key: string) => boolean): Record<string, unknown> | 0 {
  let extra: Record<string, unknown> | 0 = 0;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (isKnown(key) || field === undefined) continue;
    extra ||= {};
    extra[key] = field;
  }
  return extra;
}
