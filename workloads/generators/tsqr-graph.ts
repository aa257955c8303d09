import type { BlockRef, DagBuilder } from '../dag-builder.js';

/**
 * Dask's direct TSQR (dask.array.linalg.tsqr; Benson, Gleich & Demmel 2013) as DAG tasks, for a
 * tall matrix given as a column of row blocks, each with at least `cols` rows:
 *
 * 1. `qr` of every block: Q1_i (#0) and R1_i (#1, cols x cols).
 * 2. The R1 factors are stacked and factored again. Like Dask, this is one in-core level unless
 *    the stacked height (blocks x cols) exceeds the tallest block and a block holds at least two
 *    R factors; then the R factors are stacked greedily into groups no taller than the tallest
 *    block and TSQR recurses on the groups (so no single QR works on more than one block's worth).
 * 3. Q is rebuilt down the tree: Q_i = Q1_i · (the cols rows of the upper level's Q that belong to
 *    block i), one `slice` and one `matmul` per block.
 *
 * Task ids are `${prefix}qr-i`, `${prefix}stack[-g]`, `${prefix}qr2`, `${prefix}q2-i`, `${prefix}q-i`;
 * a recursion level nests under `${prefix}r-`.
 */
export interface TsqrGraph {
  /** Refs of the Q blocks (same row blocks as the input, cols columns each). */
  readonly qBlocks: readonly BlockRef[];
  /** Ref of R (cols x cols, upper triangular, non-negative diagonal). */
  readonly r: BlockRef;
}

/** Dask's test for recursing: a meaningful reduction and more than one block's worth of R rows. */
function groupsForRecursion(blockRows: readonly number[], cols: number, maxVchunkRows: number | undefined): number[][] | undefined {
  const tallest = Math.max(...blockRows);
  const meaningfulReduction = (maxVchunkRows ?? tallest) >= 2 * cols;
  const canDistribute = Math.ceil((blockRows.length * cols) / tallest) > 1;
  if (!meaningfulReduction || !canDistribute) return undefined;
  const groups: number[][] = [];
  let current: number[] = [];
  let height = 0;
  blockRows.forEach((_, index) => {
    if (height + cols > tallest) {
      groups.push(current);
      current = [];
      height = 0;
    }
    current.push(index);
    height += cols;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

function requireTall(blocks: readonly { rows: number }[], cols: number): void {
  if (blocks.length === 0) throw new RangeError('TSQR needs at least one block');
  const short = blocks.findIndex((b) => b.rows < cols);
  if (short >= 0) throw new RangeError(`TSQR needs every block to have at least ${cols} rows; block ${short} has ${blocks[short]!.rows}`);
}

export function addTsqr(builder: DagBuilder, prefix: string, blocks: readonly BlockRef[], cols: number, maxVchunkRows?: number): TsqrGraph {
  requireTall(blocks, cols);
  const q1 = blocks.map((block, i) => builder.add(`${prefix}qr-${i}`, 'matrix.qr', { deps: [block.ref] }));
  const groups = groupsForRecursion(
    blocks.map((b) => b.rows),
    cols,
    maxVchunkRows,
  );

  // Where block i's cols rows sit in the upper level's Q: (that Q's ref, first row).
  let upper: { ref: string; rowStart: number }[];
  let r: BlockRef;
  if (groups) {
    const stacked: BlockRef[] = groups.map((members, g) => ({
      ref: builder.add(`${prefix}stack-${g}`, 'matrix.vstack', { deps: members.map((i) => `${q1[i]}#1`) }),
      rows: members.length * cols,
      cols,
    }));
    const inner = addTsqr(builder, `${prefix}r-`, stacked, cols, Math.max(...blocks.map((b) => b.rows)));
    upper = groups.flatMap((members, g) => members.map((_, position) => ({ ref: inner.qBlocks[g]!.ref, rowStart: position * cols })));
    r = inner.r;
  } else {
    const stack = builder.add(`${prefix}stack`, 'matrix.vstack', { deps: q1.map((id) => `${id}#1`) });
    const qr2 = builder.add(`${prefix}qr2`, 'matrix.qr', { deps: [stack] });
    upper = blocks.map((_, i) => ({ ref: `${qr2}#0`, rowStart: i * cols }));
    r = { ref: `${qr2}#1`, rows: cols, cols };
  }

  const qBlocks = blocks.map((block, i) => {
    const { ref, rowStart } = upper[i]!;
    const part = builder.add(`${prefix}q2-${i}`, 'matrix.slice', {
      deps: [ref],
      args: { rowStart, rowEnd: rowStart + cols, colStart: 0, colEnd: cols },
    });
    return { ref: builder.add(`${prefix}q-${i}`, 'matrix.matmul', { deps: [`${q1[i]}#0`, part] }), rows: block.rows, cols };
  });
  return { qBlocks, r };
}

/** The number of tasks addTsqr adds for blocks of these heights (the same recursion, counted). */
export function tsqrTaskCount(blockRows: readonly number[], cols: number, maxVchunkRows?: number): number {
  requireTall(
    blockRows.map((rows) => ({ rows })),
    cols,
  );
  const blocks = blockRows.length;
  const groups = groupsForRecursion(blockRows, cols, maxVchunkRows);
  // qr per block, then slice + matmul per block to rebuild Q.
  const perBlock = 3 * blocks;
  if (!groups) return perBlock + 2; // one vstack + one in-core qr
  return (
    perBlock +
    groups.length +
    tsqrTaskCount(
      groups.map((members) => members.length * cols),
      cols,
      Math.max(...blockRows),
    )
  );
}
