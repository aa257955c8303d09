import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../../src/dag/json-syntax-error.js';

const validJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxError', () => {
  it.each([
    ['', 0, 'a value'],
    ['{"a": 1,}', 8, 'a property name in double quotes'],
    ['[1, 2,]', 6, 'a value'],
    ['[1 2]', 3, '"," or "]"'],
    ['{"a" 1}', 5, '":"'],
    ['{"a": tru}', 9, '"true"'],
    ['{"a": 01}', 7, 'a digit, or the end of the number'],
    ['{"a": -}', 7, 'a digit'],
    ['"abc', 4, 'a closing quote'],
    ['"a\\qb"', 3, 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX'],
    ['"\\u12G4"', 3, 'four hex digits after \\u'],
    ['{} {}', 3, 'end of input'],
    ["{'a': 1}", 1, 'a property name in double quotes or "}"'],
    ['[1, 2}', 5, '"," or "]"'],
  ])('%j breaks at offset %i, expecting %s', (text, offset, expected) => {
    const error = findJsonSyntaxError(text);
    expect(error?.offset).toBe(offset);
    expect(error?.expected).toBe(expected);
  });

  it('counts lines and columns from 1', () => {
    expect(findJsonSyntaxError('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, found: '"\\""' });
  });

  it('survives nesting far deeper than the call stack', () => {
    const depth = 200_000;
    expect(findJsonSyntaxError('['.repeat(depth) + ']'.repeat(depth))).toBeUndefined();
    expect(findJsonSyntaxError('['.repeat(depth))?.offset).toBe(depth);
  });

  it('property: agrees with JSON.parse on valid JSON and on mutated JSON', () => {
    const mutated = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', '0', '-', 'e', '\n', 'x')).map(([text, at, insert]) => {
      const k = at % (text.length + 1);
      return text.slice(0, k) + insert + text.slice(k + (at % 2));
    });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated), (text) => {
        const error = findJsonSyntaxError(text);
        expect(error === undefined).toBe(validJson(text));
        if (error) {
          expect(error.offset).toBeGreaterThanOrEqual(0);
          expect(error.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
