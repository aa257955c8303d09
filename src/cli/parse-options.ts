import { BadInputError } from '../model/errors.js';
import { MAX_TIMER_MS } from '../model/limits.js';

/** Parses an integer flag, naming the flag when the value is bad. */
export function parseIntegerOption(text: string | undefined, flag: string, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new BadInputError(`${flag} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new BadInputError(`${flag} must be at least ${min}, got ${text}`);
  return value;
}

/** Parses durations like `500ms`, `90s`, `10m`, `2h` (a bare number is seconds) into ms. */
/** A duration a timer waits for (--task-timeout): at most what a Node timer can wait (model/limits.ts). */
export function parseTimerDuration(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms > MAX_TIMER_MS) throw new BadInputError(`${flag} must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest Node timer), got "${text}"`);
  return ms;
}

export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new BadInputError(`${flag} must be a duration like 500ms, 90s, 10m, 2h; got "${text}"`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unitMs;
  if (ms <= 0) throw new BadInputError(`${flag} must be positive, got "${text}"`);
  return ms;
}
