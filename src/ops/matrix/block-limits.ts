import * as z from 'zod';

/**
 * The largest block an op will allocate: 2^28 doubles = 2 GiB, already a fifth of the biggest Lambda.
 * A typo in a generator (rows: 1e6) fails validation instead of an executor running out of memory.
 */
export const MAX_BLOCK_ELEMENTS = 2 ** 28;

export const DimensionSchema = z.number().int().positive();

/** rows x cols args whose product stays within MAX_BLOCK_ELEMENTS. */
export function withinBlockLimit(shape: { rows: number; cols: number }): boolean {
  return shape.rows * shape.cols <= MAX_BLOCK_ELEMENTS;
}

export const BLOCK_LIMIT_MESSAGE = `rows * cols must be at most ${MAX_BLOCK_ELEMENTS}`;
