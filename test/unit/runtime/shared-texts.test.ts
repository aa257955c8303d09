import { describe, expect, it } from 'vitest';
import { SharedTexts, sharedTextOf } from '../../../src/runtime/embedded/shared-texts.js';

describe('SharedTexts', () => {
  it('encodes a text once per key, in shared memory, and again when the key holds another text', () => {
    const texts = new SharedTexts();
    const text = 'spec é 𝄞 '.repeat(1000);
    const bytes = texts.bytesOf('k', text);
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(sharedTextOf(bytes)).toBe(text);
    expect(texts.bytesOf('k', text)).toBe(bytes);
    // An equal text made anew is the same value: still one encoding.
    expect(texts.bytesOf('k', text.slice(0, 5) + text.slice(5))).toBe(bytes);
    const other = texts.bytesOf('k', `${text}!`);
    expect(other).not.toBe(bytes);
    expect(sharedTextOf(other)).toBe(`${text}!`);
  });

  it('keeps only the most recent keys', () => {
    const texts = new SharedTexts(2);
    const first = texts.bytesOf('a', 'A');
    texts.bytesOf('b', 'B');
    expect(texts.bytesOf('a', 'A')).toBe(first); // a is now the most recent
    texts.bytesOf('c', 'C');
    expect(texts.bytesOf('a', 'A')).toBe(first);
    const b = texts.bytesOf('b', 'B');
    expect(sharedTextOf(b)).toBe('B');
    texts.clear();
    expect(texts.bytesOf('b', 'B')).not.toBe(b);
  });
});
