import type { DagProblem } from './dag-problem.js';
import { findJsonSyntaxError } from './json-syntax-error.js';

export type ParsedDagText = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: DagProblem[] };

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Parses DAG JSON text. A syntax error becomes one `not-json` problem that says where (line,
 * column, offset) and what was expected there. A leading byte-order mark, which some editors
 * write, is ignored rather than reported.
 */
export function parseDagText(text: string): ParsedDagText {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const where = findJsonSyntaxError(body);
    const message = where
      ? `not valid JSON at line ${where.line}, column ${where.column} (offset ${where.offset}): found ${where.found}, expected ${where.expected}`
      : `not valid JSON: ${(error as Error).message}`;
    return { ok: false, problems: [{ code: 'not-json', message, taskIds: [] }] };
  }
}
