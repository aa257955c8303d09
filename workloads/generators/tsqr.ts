import * as z from 'zod';
import type { DagSpec } from '../../src/model/dag-schema.js';
import type { MatrixBlock, Value } from '../../src/data/value.js';
import { matmul, maxRelativeDifference, qr, randomMatrix } from '../../src/ops/matrix/kernels/index.js';
import { blockSizes } from '../blocking.js';
import { DagBuilder, type BlockRef } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';
import { atLeast, atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import { columnOrthogonalityError, relativeFrobeniusError, stackRows } from '../verify/matrix-metrics.js';
import type { VerifyResult, Workload } from '../workload.js';
import { addTsqr, tsqrTaskCount } from './tsqr-graph.js';

/** Seed stream of the input blocks A_i. */
const STREAM_A = 1;

export const TallMatrixParamsSchema = z
  .object({
    rows: z.number().int().min(1).default(131_072).describe('rows of the tall input A'),
    cols: z.number().int().min(1).max(1024).default(64).describe('columns of A (the "skinny" side)'),
    blockRows: z.number().int().min(1).default(2048).describe('rows per block (the last block may be shorter; every block needs >= cols rows)'),
    seed: z.number().int().nonnegative().default(1).describe('base seed of the input blocks'),
  })
  .strict()
  .refine((p) => blockSizes(p.rows, p.blockRows).every((rows) => rows >= p.cols), {
    message: 'every block (including the last, shorter one) needs at least cols rows',
    path: ['blockRows'],
  });
export type TallMatrixParams = z.output<typeof TallMatrixParamsSchema>;

export const TALL_MATRIX_PRESETS = {
  small: { rows: 4096, cols: 16, blockRows: 512 },
  medium: { rows: 131_072, cols: 64, blockRows: 2048 },
  large: { rows: 524_288, cols: 64, blockRows: 4096 },
} as const;

/** The input row blocks a-i as matrix.random tasks; also what the verifiers recompute. */
export function addTallInput(builder: DagBuilder, params: TallMatrixParams): BlockRef[] {
  return blockSizes(params.rows, params.blockRows).map((rows, i) => ({
    ref: builder.add(`a-${i}`, 'matrix.random', { args: { rows, cols: params.cols, seed: deriveSeed(params.seed, STREAM_A, i) } }),
    rows,
    cols: params.cols,
  }));
}

/** A, recomputed from the seeds exactly as the DAG's matrix.random tasks produce it. */
export function tallInput(params: TallMatrixParams): MatrixBlock {
  return stackRows(blockSizes(params.rows, params.blockRows).map((rows, i) => randomMatrix(rows, params.cols, deriveSeed(params.seed, STREAM_A, i))));
}

/** Outputs: the Q blocks `q-i` (addTsqr with an empty prefix), then R (`qr2#1`, `r-qr2#1`, ... by depth). */
function generate(params: TallMatrixParams): DagSpec {
  const builder = new DagBuilder();
  const blocks = addTallInput(builder, params);
  const { qBlocks, r } = addTsqr(builder, '', blocks, params.cols);
  return builder.build(`tsqr-${params.rows}x${params.cols}-b${params.blockRows}`, [...qBlocks.map((q) => q.ref), r.ref]);
}

/** Householder QR in double precision leaves residuals near 1e-15; allow about 1e4 times that. */
const RESIDUAL_MAX = 1e-11;
/** Up to this many flops (rows x cols^2) the verifier also factors A directly, for comparison. */
const DIRECT_QR_MAX_FLOPS = 2 ** 24;

function verify(params: TallMatrixParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  const sizes = blockSizes(params.rows, params.blockRows);
  const n = params.cols;
  return verifyWith(() => {
    const q = stackRows(sizes.map((rows, i) => outputMatrix(outputs, `q-${i}`, { rows, cols: n })));
    const r = outputMatrix(outputs, generate(params).outputs!.at(-1)!, { rows: n, cols: n });
    const a = tallInput(params);
    let belowDiagonal = 0;
    let smallestDiagonal = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i += 1) {
      smallestDiagonal = Math.min(smallestDiagonal, r.data[i * n + i]!);
      for (let j = 0; j < i; j += 1) belowDiagonal = Math.max(belowDiagonal, Math.abs(r.data[i * n + j]!));
    }
    const checks = [
      atMost('reconstruction ||QR - A||/||A||', relativeFrobeniusError(matmul(q, r), a), RESIDUAL_MAX),
      atMost('orthogonality max|QᵀQ - I|', columnOrthogonalityError(q), RESIDUAL_MAX),
      atMost('R upper triangular: max|R below diagonal|', belowDiagonal, 0),
      atLeast('R diagonal non-negative: min R_ii', smallestDiagonal, 0),
    ];
    // With the four checks above, R is unique for a full-rank A; at small sizes compare it with a
    // direct (untiled) Householder QR as well.
    if (params.rows * n * n <= DIRECT_QR_MAX_FLOPS) {
      checks.push(atMost('R vs direct Householder QR of A (max rel. diff)', maxRelativeDifference(r, qr(a).r), 1e-9));
    }
    return checks;
  });
}

export const tsqrWorkload: Workload<TallMatrixParams> = {
  name: 'tsqr',
  description: "Tall-and-skinny QR of a rows x cols random matrix in row blocks (Dask's direct TSQR, recursive when the stacked R's outgrow a block)",
  paramsSchema: TallMatrixParamsSchema,
  sizeParam: 'rows',
  blockParam: 'blockRows',
  presets: TALL_MATRIX_PRESETS,
  taskCountFormula:
    'p = ceil(rows/blockRows) blocks: p random + TSQR(p), TSQR(p) = 3p + 2 when p*cols <= blockRows (one level), else 3p + G + TSQR(G) with G = ceil(p / floor(blockRows/cols)) groups',
  taskCount: (params) => {
    const sizes = blockSizes(params.rows, params.blockRows);
    return sizes.length + tsqrTaskCount(sizes, params.cols);
  },
  generate,
  verify,
};
