import * as z from 'zod';
import type { DagSpec } from '../../src/model/dag-schema.js';
import { matrix, type MatrixBlock, type Value } from '../../src/data/value.js';
import { add, matmul, maxRelativeDifference, randomMatrix, sub } from '../../src/ops/matrix/kernels/index.js';
import { addBlockedProduct, blockedProductTaskCount } from '../blocked-product.js';
import { blockSizes } from '../blocking.js';
import { DagBuilder } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';
import { atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import { frobeniusNorm } from '../verify/matrix-metrics.js';
import type { VerifyResult, Workload } from '../workload.js';

/**
 * GEMM, C = A·B for n x n matrices in g x g blocks (g = ceil(n / block)), with the graph Dask's
 * `da.matmul` builds: every block product A_ik·B_kj is its own task (blockwise with
 * concatenate=False, so no task holds a whole block row), then C_ij is the sum over k as a tree
 * reduction with fan-in split_every (Dask's default 16, so one variadic `matrix.add` per output
 * block while g <= 16). Tasks `a-i-k`, `b-k-j`, `mul-i-k-j`, `c-i-j` (the root of each sum; with
 * g = 1 the single product is C).
 */
const STREAM_A = 1;
const STREAM_B = 2;
const STREAM_FREIVALDS = 3;

export const GemmParamsSchema = z
  .object({
    n: z.number().int().min(1).max(65_536).default(1536).describe('rows and columns of A, B and C'),
    block: z.number().int().min(1).max(16_384).default(384).describe('block side (the last block row/column may be smaller)'),
    splitEvery: z.number().int().min(2).max(1024).default(16).describe('fan-in of the sum over k (Dask split_every)'),
    seed: z.number().int().nonnegative().default(1).describe('base seed of the A and B blocks'),
  })
  .strict();
export type GemmParams = z.output<typeof GemmParamsSchema>;

const aSeed = (params: GemmParams, i: number, k: number) => deriveSeed(params.seed, STREAM_A, i, k);
const bSeed = (params: GemmParams, k: number, j: number) => deriveSeed(params.seed, STREAM_B, k, j);
export const gemmOutputRef = (i: number, j: number) => `c-${i}-${j}`;

function generate(params: GemmParams): DagSpec {
  const sizes = blockSizes(params.n, params.block);
  const g = sizes.length;
  const builder = new DagBuilder();
  for (let i = 0; i < g; i += 1) {
    for (let k = 0; k < g; k += 1) builder.add(`a-${i}-${k}`, 'matrix.random', { args: { rows: sizes[i], cols: sizes[k], seed: aSeed(params, i, k) } });
  }
  for (let k = 0; k < g; k += 1) {
    for (let j = 0; j < g; j += 1) builder.add(`b-${k}-${j}`, 'matrix.random', { args: { rows: sizes[k], cols: sizes[j], seed: bSeed(params, k, j) } });
  }
  const c = addBlockedProduct(builder, {
    rowBlocks: g,
    innerBlocks: g,
    colBlocks: g,
    left: (i, k) => `a-${i}-${k}`,
    right: (k, j) => `b-${k}-${j}`,
    productId: (i, k, j) => `mul-${i}-${k}-${j}`,
    sumId: gemmOutputRef,
    splitEvery: params.splitEvery,
  });
  const outputs = c.flat();
  return builder.build(`gemm-${params.n}-b${params.block}`, outputs);
}

/** Freivalds' trials: each misses a wrong C with probability 0 for a continuous random x. */
const FREIVALDS_TRIALS = 3;
/** Up to this n the verifier also forms A·B in one piece and compares every element. */
const EXACT_COMPARISON_MAX_N = 1024;

/** y_i = sum_j M_ij · x_j for a block matrix M (blocks[i][j]) and a block vector x. */
function blockMatVec(blocks: readonly (readonly MatrixBlock[])[], x: readonly MatrixBlock[]): MatrixBlock[] {
  return blocks.map((row) => add(row.map((block, j) => matmul(block, x[j]!))));
}

function verify(params: GemmParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  const sizes = blockSizes(params.n, params.block);
  const range = sizes.map((_, i) => i);
  return verifyWith(() => {
    const c = range.map((i) => range.map((j) => outputMatrix(outputs, gemmOutputRef(i, j), { rows: sizes[i]!, cols: sizes[j]! })));
    const a = range.map((i) => range.map((k) => randomMatrix(sizes[i]!, sizes[k]!, aSeed(params, i, k))));
    const b = range.map((k) => range.map((j) => randomMatrix(sizes[k]!, sizes[j]!, bSeed(params, k, j))));
    let freivalds = 0;
    for (let trial = 0; trial < FREIVALDS_TRIALS; trial += 1) {
      const x = sizes.map((rows, j) => randomMatrix(rows, 1, deriveSeed(params.seed, STREAM_FREIVALDS, trial, j)));
      const cx = blockMatVec(c, x);
      const abx = blockMatVec(a, blockMatVec(b, x));
      const residual = Math.hypot(...cx.map((block, i) => frobeniusNorm(sub(block, abx[i]!))));
      freivalds = Math.max(freivalds, residual / Math.hypot(...abx.map(frobeniusNorm)));
    }
    // Rounding in a length-n dot product is about sqrt(n) ulps; 1e-11 leaves ample room at n = 65,536.
    const checks = [atMost(`Freivalds ||C·x - A·(B·x)|| / ||A·(B·x)||, worst of ${FREIVALDS_TRIALS}`, freivalds, 1e-11)];
    if (params.n <= EXACT_COMPARISON_MAX_N) {
      const product = matmul(assemble(a, params.n), assemble(b, params.n));
      checks.push(atMost('C vs A·B formed in one piece (max rel. diff)', maxRelativeDifference(assemble(c, params.n), product), 1e-11));
    }
    return checks;
  });
}

/** The n x n matrix of a square grid of blocks. */
function assemble(blocks: readonly (readonly MatrixBlock[])[], n: number): MatrixBlock {
  const out = matrix(n, n);
  let rowAt = 0;
  for (const row of blocks) {
    let colAt = 0;
    for (const block of row) {
      for (let r = 0; r < block.rows; r += 1) out.data.set(block.data.subarray(r * block.cols, (r + 1) * block.cols), (rowAt + r) * n + colAt);
      colAt += block.cols;
    }
    rowAt += row[0]!.rows;
  }
  return out;
}

export const gemmWorkload: Workload<GemmParams> = {
  name: 'gemm',
  description: "Blocked matrix multiply C = A·B of seeded n x n matrices (Dask da.matmul's graph: block products, then a sum per output block)",
  paramsSchema: GemmParamsSchema,
  sizeParam: 'n',
  blockParam: 'block',
  presets: {
    small: { n: 256, block: 128 },
    medium: { n: 1536, block: 384 },
    large: { n: 4096, block: 1024 },
  },
  taskCountFormula: 'g = ceil(n/block): 2g^2 random + g^3 matmul + g^2 x (sum tasks over g products: 1 while 1 < g <= splitEvery, 0 when g = 1, a tree beyond)',
  taskCount: (params) => {
    const g = blockSizes(params.n, params.block).length;
    return 2 * g * g + blockedProductTaskCount(g, g, g, params.splitEvery);
  },
  generate,
  verify,
};
