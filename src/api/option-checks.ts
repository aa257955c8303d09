import type { ZodError } from 'zod';
import { BadInputError } from '../model/errors.js';
import { MAX_TIMER_MS } from '../model/limits.js';
import { shown } from '../model/shown.js';

export { shown };
import { DEFAULT_WUKONG_OPTIONS, WukongOptionsSchema, type WukongOptions } from '../model/wukong-options.js';

/**
 * The library API's options come from JavaScript callers, so TypeScript's types promise nothing:
 * each option is checked here, before any thread starts or any op module loads, and a bad one
 * throws BadInputError naming the option and its value (as the CLI names the flag).
 */

/** An options argument: absent or null means none; anything but an object is refused. */
export function optionsObject<T extends object>(options: T | null | undefined, call: string): T | Record<string, never> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new BadInputError(`${call}: options must be an object, got ${shown(options)}`);
  return options;
}

/** A positive number of ms (finite, so it survives JSON into the run spec), or `fallback` when absent. */
export function positiveMsOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new BadInputError(`${name} must be a positive number of ms, got ${shown(value)}`);
  return value;
}

/** A task timeout: positive, and within what a Node timer can wait. */
export function taskTimeoutOption(value: unknown, fallback: number): number {
  const ms = positiveMsOption(value, 'taskTimeoutMs', fallback);
  if (ms > MAX_TIMER_MS) throw new BadInputError(`taskTimeoutMs must be at most ${MAX_TIMER_MS} (about 24.8 days, the longest Node timer), got ${ms}`);
  return ms;
}

/** A whole number at least `min`, or undefined when absent. */
export function wholeNumberOption(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new BadInputError(`${name} must be a whole number of at least ${min}, got ${shown(value)}`);
  return value as number;
}

/** The WUKONG options a run gets: the defaults overridden by `value`, checked by the run spec's own schema. */
export function wukongOptionsOf(value: unknown): WukongOptions {
  if (value === undefined) return DEFAULT_WUKONG_OPTIONS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadInputError(`wukong must be an object of WUKONG options, got ${shown(value)}`);
  const parsed = WukongOptionsSchema.safeParse({ ...DEFAULT_WUKONG_OPTIONS, ...value });
  if (!parsed.success) throw new BadInputError(`${issuesOf(parsed.error, 'wukong')} (WUKONG options: ${Object.keys(WukongOptionsSchema.shape).join(', ')})`);
  return parsed.data;
}

/** Zod's issues as `path: message` (the path from `root`), joined: the field named, not raw JSON. */
export function issuesOf(error: ZodError, root?: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[...(root === undefined ? [] : [root]), ...issue.path.map(String)].join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
}

