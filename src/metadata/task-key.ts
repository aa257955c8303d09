import type { Value } from '../data/value.js';
import { emptyRecord } from '../model/own-record.js';

/**
 * Task keys generalize a task across runs and DAGs (DESIGN.md §3): two tasks get the same key when
 * they run the same op on the same amount of work, whatever their ids. The key is
 *
 *     <op>|<canonical args>|<input shapes, in input order>
 *
 * e.g. `matrix.matmul|{}|500x500,500x500` or `synthetic.work|{"mode":"spin","ms":120}|b:1048576`.
 *
 * - Canonical args: JSON with object keys sorted at every level, `undefined` members left out, and
 *   the top-level args in VALUE_ONLY_ARG_NAMES dropped.
 * - Input shapes: whatever the caller derived from the inputs; `shapeOfValue` below gives the
 *   house format (`RxC` for a matrix block, `b:N` for bytes, `t:RxC` for an Arrow table).
 */

/**
 * Args that change the values a task computes but neither the amount of work nor the size of its
 * output, so history is shared across them:
 * - `seed`: matrix.random, synthetic.bytes (which numbers come out, not how many);
 * - `factor`: matrix.scale (one multiply per element whatever the factor).
 * An op whose args are not listed here keys on all of them (over-splitting history is safe;
 * merging unlike work is not).
 */
export const VALUE_ONLY_ARG_NAMES: ReadonlySet<string> = new Set(['seed', 'factor']);

export function taskKeyOf(op: string, args: unknown, inputShapes: readonly string[]): string {
  return `${op}|${canonicalJson(shapeArgs(args))}|${inputShapes.join(',')}`;
}

function shapeArgs(args: unknown): unknown {
  if (args === undefined || args === null) return {};
  if (!isPlainObject(args)) return args;
  const kept = emptyRecord<unknown>();
  for (const [name, value] of Object.entries(args)) if (!VALUE_ONLY_ARG_NAMES.has(name)) kept[name] = value;
  return kept;
}

/** JSON with object keys sorted at every level, so equal args render equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (isPlainObject(value)) {
    const members = Object.keys(value)
      .filter((name) => value[name] !== undefined)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson(value[name])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A matrix block's shape: `1000x1000`. Exact: block sizes are few and chosen by the user. */
export function matrixShape(rows: number, cols: number): string {
  return `${rows}x${cols}`;
}

/**
 * A bytes value's shape: `b:` and its length rounded up to a power of two (`b:1048576` for
 * 1,000,000 bytes), so nearby sizes share history; the fitted model then scales by the exact size.
 */
export function bytesShape(byteLength: number): string {
  return `b:${powerOfTwoAtLeast(byteLength)}`;
}

/** An Arrow table's shape: `t:` rows (rounded up to a power of two) `x` columns. */
export function tableShape(rows: number, columns: number): string {
  return `t:${powerOfTwoAtLeast(rows)}x${columns}`;
}

export function shapeOfValue(value: Value): string {
  if (value.kind === 'matrix') return matrixShape(value.rows, value.cols);
  if (value.kind === 'bytes') return bytesShape(value.data.byteLength);
  return tableShape(value.table.numRows, value.table.numCols);
}

/** 0 for 0; otherwise the least power of two >= n. */
export function powerOfTwoAtLeast(n: number): number {
  if (!(n > 0)) return 0;
  let power = 2 ** Math.ceil(Math.log2(n));
  // Math.log2 may be off by an ulp; settle the boundary exactly.
  if (power < n) power *= 2;
  else if (power / 2 >= n) power /= 2;
  return power;
}
