import type { DagBuilder } from './dag-builder.js';
import { addTreeReduction, treeReductionTaskCount } from './tree-reduction.js';

export interface BlockedProductSpec {
  /** Block rows of the left factor, blocks along the contracted dimension, block columns of the right. */
  readonly rowBlocks: number;
  readonly innerBlocks: number;
  readonly colBlocks: number;
  /** Refs of the factors' blocks. */
  left(i: number, k: number): string;
  right(k: number, j: number): string;
  /** Ids: product i,k,j; the sum's root for output block i,j (and its prefix for deeper levels). */
  productId(i: number, k: number, j: number): string;
  sumId(i: number, j: number): string;
  readonly splitEvery: number;
}

/**
 * The block product L·R as Dask's matmul lays it out: one `matrix.matmul` task per (i, k, j),
 * then the sum over k per output block as a tree reduction of fan-in splitEvery (a single
 * variadic matrix.add while innerBlocks <= splitEvery). With one inner block the product is the
 * output block itself (its id is then `sumId`). Returns the output blocks' refs, [i][j].
 */
export function addBlockedProduct(builder: DagBuilder, spec: BlockedProductSpec): string[][] {
  return Array.from({ length: spec.rowBlocks }, (_, i) =>
    Array.from({ length: spec.colBlocks }, (_, j) => {
      if (spec.innerBlocks === 1) return builder.add(spec.sumId(i, j), 'matrix.matmul', { deps: [spec.left(i, 0), spec.right(0, j)] });
      const products = Array.from({ length: spec.innerBlocks }, (_, k) =>
        builder.add(spec.productId(i, k, j), 'matrix.matmul', { deps: [spec.left(i, k), spec.right(k, j)] }),
      );
      return addTreeReduction(builder, products, { idPrefix: `${spec.sumId(i, j)}-`, rootId: spec.sumId(i, j), splitEvery: spec.splitEvery });
    }),
  );
}

/** Tasks addBlockedProduct adds: the products, plus the sums when there is more than one inner block. */
export function blockedProductTaskCount(rowBlocks: number, innerBlocks: number, colBlocks: number, splitEvery: number): number {
  return rowBlocks * colBlocks * (innerBlocks + treeReductionTaskCount(innerBlocks, splitEvery));
}
