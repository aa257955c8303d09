/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides,
 * which would move the cursor, clear the screen or reorder text when user input reaches a
 * terminal.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unprintable character written as a `\uXXXX` escape; other text unchanged. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
