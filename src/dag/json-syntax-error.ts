/**
 * Where JSON text first breaks the grammar (RFC 8259), for error messages. Node 20's JSON.parse
 * often says only "Unexpected end of JSON input" or quotes the text without a position, which is
 * no help in a 50 MB generated DAG file. This scanner runs only after JSON.parse has failed.
 * It is iterative (an explicit stack), so deeply nested input cannot overflow the call stack.
 */
export interface JsonSyntaxError {
  /** 0-based offset in UTF-16 code units. */
  readonly offset: number;
  /** 1-based line and column (column in UTF-16 code units). */
  readonly line: number;
  readonly column: number;
  /** What was found there: a quoted character, or `end of input`. */
  readonly found: string;
  /** What the grammar allows there. */
  readonly expected: string;
}

type Expect = 'value' | 'value-or-]' | 'key-or-}' | 'key' | ':' | ',-or-close';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

const EXPECTED: Record<Expect, string> = {
  value: 'a value',
  'value-or-]': 'a value or "]"',
  'key-or-}': 'a property name in double quotes or "}"',
  key: 'a property name in double quotes',
  ':': '":"',
  ',-or-close': '"," or a closing bracket',
};

/** The first syntax error in `text`, or undefined when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const containers: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  let done = false; // the top-level value is complete
  let i = 0;
  const fail = (offset: number, expected: string): JsonSyntaxError => errorAt(text, offset, expected);

  while (true) {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i += 1;
    if (i >= text.length) return done ? undefined : fail(i, EXPECTED[expect]);
    if (done) return fail(i, 'end of input');
    const c = text[i] as string;

    if (expect === ':') {
      if (c !== ':') return fail(i, EXPECTED[':']);
      i += 1;
      expect = 'value';
      continue;
    }
    if (expect === ',-or-close') {
      const open = containers[containers.length - 1];
      if (c === ',') {
        i += 1;
        expect = open === '{' ? 'key' : 'value';
        continue;
      }
      if ((c === '}' && open === '{') || (c === ']' && open === '[')) {
        i += 1;
        containers.pop();
        if (containers.length === 0) done = true;
        continue;
      }
      return fail(i, open === '{' ? '"," or "}"' : '"," or "]"');
    }
    if (expect === 'key' || expect === 'key-or-}') {
      if (c === '}' && expect === 'key-or-}') {
        i += 1;
        containers.pop();
        if (containers.length === 0) done = true;
        else expect = ',-or-close';
        continue;
      }
      if (c !== '"') return fail(i, EXPECTED[expect]);
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.expected);
      i = end;
      expect = ':';
      continue;
    }

    // A value is expected.
    if (c === ']' && expect === 'value-or-]') {
      i += 1;
      containers.pop();
      if (containers.length === 0) done = true;
      else expect = ',-or-close';
      continue;
    }
    if (c === '{' || c === '[') {
      containers.push(c);
      i += 1;
      expect = c === '{' ? 'key-or-}' : 'value-or-]';
      continue;
    }
    const end = scanScalar(text, i);
    if (typeof end !== 'number') return fail(end.offset, end.expected);
    i = end;
    if (containers.length === 0) done = true;
    else expect = ',-or-close';
  }
}

/** Offset just past a scalar (string, number, literal) starting at `start`, or where it breaks. */
function scanScalar(text: string, start: number): number | { offset: number; expected: string } {
  const c = text[start] as string;
  if (c === '"') return scanString(text, start);
  for (const literal of ['true', 'false', 'null']) {
    if (c === literal[0]) {
      for (let k = 1; k < literal.length; k += 1) {
        if (text[start + k] !== literal[k]) return { offset: start + k, expected: `"${literal}"` };
      }
      return start + literal.length;
    }
  }
  if (c === '-' || (c >= '0' && c <= '9')) {
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    if (match === null) return { offset: start + 1, expected: 'a digit' };
    const end = start + match[0].length;
    // `01`, `1.`, `1e` leave a digit, a dot or an exponent behind the longest valid number.
    if (/[0-9.eE+-]/.test(text[end] ?? '')) return { offset: end, expected: 'a digit, or the end of the number' };
    return end;
  }
  return { offset: start, expected: EXPECTED.value };
}

/** Offset just past the string whose opening quote is at `start`, or where it breaks. */
function scanString(text: string, start: number): number | { offset: number; expected: string } {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return i + 1;
    if (c < ' ') return { offset: i, expected: 'a closing quote (control characters must be escaped)' };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        HEX4.lastIndex = i + 2;
        if (!HEX4.test(text)) return { offset: i + 2, expected: 'four hex digits after \\u' };
        i += 6;
        continue;
      }
      if (next === undefined || !ESCAPES.has(next)) return { offset: i + 1, expected: 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX' };
      i += 2;
      continue;
    }
    i += 1;
  }
  return { offset: text.length, expected: 'a closing quote' };
}

function errorAt(text: string, offset: number, expected: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line += 1;
    lineStart = k + 1;
  }
  const found = offset >= text.length ? 'end of input' : JSON.stringify(text[offset]);
  return { offset, line, column: offset - lineStart + 1, found, expected };
}
