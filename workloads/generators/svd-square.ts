import * as z from 'zod';
import type { DagSpec } from '../../src/model/dag-schema.js';
import type { Value } from '../../src/data/value.js';
import { hstack, sub } from '../../src/ops/matrix/kernels/index.js';
import { addBlockedProduct, blockedProductTaskCount } from '../blocked-product.js';
import { blockSizes } from '../blocking.js';
import { DagBuilder, type BlockRef } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';
import { atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import { columnOrthogonalityError, frobeniusNorm, largestIncrease, multiplySvd, rowOrthogonalityError, stackRows } from '../verify/matrix-metrics.js';
import type { VerifyResult, Workload } from '../workload.js';
import { addKnownSpectrumMatrix, knownSingularValues, knownSpectrumBlocks, knownSpectrumTaskCount, type KnownSpectrumSpec } from './known-spectrum-matrix.js';
import { addTsqr, tsqrTaskCount } from './tsqr-graph.js';

/**
 * Rank-k SVD of a square n x n matrix in g x g blocks by randomized compression, as Dask's
 * `svd_compressed` (Halko, Martinsson & Tropp 2011) builds it:
 *
 *   l = min(max(20, k + oversampling), n)             (Dask's compression_level)
 *   Y = A·Ω,  Ω random n x l (row blocks)
 *   repeat powerIterations times:                      (Dask's iterator="power", with QR between)
 *     Q = tsqr(Y).Q;  Z = Aᵀ·Q;  Q' = tsqr(Z).Q;  Y = A·Q'
 *   Q = tsqr(Y).Q                                      (n x l, orthonormal columns)
 *   B = Qᵀ·A, then Bᵀ                                  (l x n in column blocks, transposed to row blocks)
 *   Bᵀ = W · S · Xᵀ by tall-skinny SVD (TSQR + svd of R)
 *   U = Q · X[:, :k],  S = S[:k],  Vt = (W[:, :k])ᵀ    (A ≈ Q·B = (Q·X) S Wᵀ)
 *
 * Block products are Dask matmul graphs (products + a sum per output block, split_every 16).
 * B is formed as Dask's svd_compressed forms it (`comp.dot(a)` with comp = Qᵀ, then
 * `a_compressed.T`; dask/array/linalg.py): A's blocks enter the product as they are, so without
 * power iterations no task transposes a block of A. The power iterations' Aᵀ· products use one
 * `matrix.transpose` task per block of A, shared by all of them (Dask's `data.T`). The input
 * is A with a known spectrum (see known-spectrum-matrix.ts), so the verifier checks S against the
 * true singular values. Outputs: `u-i` (b_i x k), `s` (1 x k), `vt-j` (k x b_j).
 */
const STREAM_OMEGA = 1;
const SPLIT_EVERY = 16;
const MIN_SUBSPACE = 20;

export const SvdSquareParamsSchema = z
  .object({
    n: z.number().int().min(1).max(65_536).default(2048).describe('rows and columns of A'),
    block: z.number().int().min(1).max(16_384).default(512).describe('block side of A (every block needs >= 2l rows, l the subspace size)'),
    rank: z.number().int().min(1).max(512).default(10).describe('k: singular triplets wanted'),
    oversampling: z.number().int().min(0).max(512).default(10).describe('extra sketch columns (l = min(max(20, k + oversampling), n))'),
    powerIterations: z.number().int().min(0).max(8).default(1).describe('power iterations, each re-orthonormalized by TSQR'),
    decay: z.number().positive().max(1).default(0.5).describe('spectrum: sigma_c = decay^c for c < l, then a flat tail decay^l up to rank 2l'),
    seed: z.number().int().nonnegative().default(1).describe('base seed of Ω and of A'),
  })
  .strict()
  .refine((p) => p.rank <= subspaceSize(p), { message: 'rank must be at most n', path: ['rank'] })
  .refine((p) => Math.min(...blockSizes(p.n, p.block)) >= 2 * subspaceSize(p), {
    message: 'every block (the last included) needs at least 2l rows, l = min(max(20, rank + oversampling), n)',
    path: ['block'],
  });
export type SvdSquareParams = z.output<typeof SvdSquareParamsSchema>;

/** l, Dask's compression_level(n, k) with its default min_subspace_size of 20. */
export function subspaceSize(p: { n: number; rank: number; oversampling: number }): number {
  return Math.min(Math.max(MIN_SUBSPACE, p.rank + p.oversampling), p.n);
}

/** A's spectrum: l distinct values, then a flat tail to rank 2l (so the sketch cannot hold it all). */
function spectrumOf(params: SvdSquareParams): KnownSpectrumSpec {
  const l = subspaceSize(params);
  return { blockSizes: blockSizes(params.n, params.block), rank: 2 * l, distinct: l, decay: params.decay, seed: params.seed };
}

function generate(params: SvdSquareParams): DagSpec {
  const sizes = blockSizes(params.n, params.block);
  const g = sizes.length;
  const l = subspaceSize(params);
  const k = params.rank;
  const builder = new DagBuilder();
  addKnownSpectrumMatrix(builder, spectrumOf(params));
  // Aᵀ's blocks feed only the power iterations (Dask's data.T); the final B is formed as Qᵀ·A.
  if (params.powerIterations > 0) for (let i = 0; i < g; i += 1) for (let j = 0; j < g; j += 1) builder.add(`at-${i}-${j}`, 'matrix.transpose', { deps: [`a-${j}-${i}`] });

  /** Block column (as row blocks of l columns) = A·X or Aᵀ·X for row blocks X. */
  const multiply = (name: string, matrixBlock: 'a' | 'at', x: readonly string[]): BlockRef[] =>
    addBlockedProduct(builder, {
      rowBlocks: g,
      innerBlocks: g,
      colBlocks: 1,
      left: (i, kk) => `${matrixBlock}-${i}-${kk}`,
      right: (kk) => x[kk]!,
      productId: (i, kk) => `${name}-mul-${i}-${kk}`,
      sumId: (i) => `${name}-${i}`,
      splitEvery: SPLIT_EVERY,
    }).map(([ref], i) => ({ ref: ref!, rows: sizes[i]!, cols: l }));
  const orthonormalize = (prefix: string, blocks: readonly BlockRef[]) => addTsqr(builder, prefix, blocks, l).qBlocks.map((q) => q.ref);

  const omega = sizes.map((b, j) => builder.add(`omega-${j}`, 'matrix.random', { args: { rows: b, cols: l, seed: deriveSeed(params.seed, STREAM_OMEGA, j) } }));
  let y = multiply('y0', 'a', omega);
  for (let it = 1; it <= params.powerIterations; it += 1) {
    const z = multiply(`z${it}`, 'at', orthonormalize(`p${it}-qy-`, y));
    y = multiply(`y${it}`, 'a', orthonormalize(`p${it}-qz-`, z));
  }
  const q = orthonormalize('q-', y);
  // B = Qᵀ·A as Dask forms it (svd_compressed: comp = q.T; comp.dot(a); then a_compressed.T): l x b_i
  // transposes of Q's blocks, one product per block of A (A's blocks are not transposed), a sum per
  // block column of B, then each l x b_j block of B transposed into a row block of Bᵀ.
  const qt = q.map((qi, i) => builder.add(`qt-${i}`, 'matrix.transpose', { deps: [qi] }));
  const b = addBlockedProduct(builder, {
    rowBlocks: 1,
    innerBlocks: g,
    colBlocks: g,
    left: (_, kk) => qt[kk]!,
    right: (kk, j) => `a-${kk}-${j}`,
    productId: (_, kk, j) => `b-mul-${kk}-${j}`,
    sumId: (_, j) => `b-${j}`,
    splitEvery: SPLIT_EVERY,
  })[0]!;
  const bt = b.map((ref, j) => ({ ref: builder.add(`bt-${j}`, 'matrix.transpose', { deps: [ref] }), rows: sizes[j]!, cols: l }));
  const btQr = addTsqr(builder, 'bt-', bt, l);
  const svdR = builder.add('svd-r', 'matrix.svd', { deps: [btQr.r.ref] });
  const x = builder.add('x', 'matrix.transpose', { deps: [`${svdR}#2`] });
  const xk = builder.add('x-k', 'matrix.slice', { deps: [x], args: { rowStart: 0, rowEnd: l, colStart: 0, colEnd: k } });
  const u = q.map((qi, i) => builder.add(`u-${i}`, 'matrix.matmul', { deps: [qi, xk] }));
  const s = builder.add('s', 'matrix.slice', { deps: [`${svdR}#1`], args: { rowStart: 0, rowEnd: 1, colStart: 0, colEnd: k } });
  const vt = btQr.qBlocks.map((qb, j) => {
    const w = builder.add(`w-${j}`, 'matrix.matmul', { deps: [qb.ref, `${svdR}#0`] });
    const wk = builder.add(`w-k-${j}`, 'matrix.slice', { deps: [w], args: { rowStart: 0, rowEnd: sizes[j]!, colStart: 0, colEnd: k } });
    return builder.add(`vt-${j}`, 'matrix.transpose', { deps: [wk] });
  });
  return builder.build(`svd-square-${params.n}-b${params.block}-k${k}-q${params.powerIterations}`, [...u, s, ...vt]);
}

function taskCount(params: SvdSquareParams): number {
  const sizes = blockSizes(params.n, params.block);
  const g = sizes.length;
  const l = subspaceSize(params);
  const tsqr = tsqrTaskCount(sizes, l);
  const product = blockedProductTaskCount(g, g, 1, SPLIT_EVERY);
  const sketch = g + product; // Ω blocks, then A·Ω
  const powerIteration = 2 * (tsqr + product);
  const compressed = g + blockedProductTaskCount(1, g, g, SPLIT_EVERY) + g; // Qᵀ blocks, Qᵀ·A, Bᵀ blocks
  const finish = tsqr + compressed + tsqr + 1 + 2 + g + 1 + 3 * g; // Q, Bᵀ, TSQR + svd of Bᵀ, X_k, U, S, W/slice/transpose
  const transposesOfA = params.powerIterations > 0 ? g * g : 0;
  return knownSpectrumTaskCount(spectrumOf(params)) + transposesOfA + sketch + params.powerIterations * powerIteration + finish;
}

function verify(params: SvdSquareParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  const sizes = blockSizes(params.n, params.block);
  const k = params.rank;
  return verifyWith(() => {
    const u = stackRows(sizes.map((rows, i) => outputMatrix(outputs, `u-${i}`, { rows, cols: k })));
    const s = outputMatrix(outputs, 's', { rows: 1, cols: k });
    const vt = hstack(sizes.map((cols, j) => outputMatrix(outputs, `vt-${j}`, { rows: k, cols })));
    const spec = spectrumOf(params);
    const sigma = knownSingularValues(spec);
    const a = stackRows(knownSpectrumBlocks(spec).map((row) => hstack(row)));
    let spectrumError = 0;
    for (let c = 0; c < k; c += 1) spectrumError = Math.max(spectrumError, Math.abs(s.data[c]! - sigma[c]!) / sigma[0]!);
    // The best rank-k approximation leaves exactly the tail of the spectrum (Eckart-Young).
    const optimal = Math.sqrt(sigma.slice(k).reduce((sum, x) => sum + x * x, 0));
    const achieved = frobeniusNorm(sub(a, multiplySvd(u, s, vt)));
    return [
      atMost('S vs the true spectrum: max|s - sigma| / sigma_0 over the top k', spectrumError, 1e-9),
      atMost('rank-k error vs optimal: (||A - U S Vt||_F - tail) / tail', Math.abs(achieved - optimal) / optimal, 1e-6),
      atMost('U orthonormal columns: max|UᵀU - I|', columnOrthogonalityError(u), 1e-10),
      atMost('Vt orthonormal rows: max|Vt Vtᵀ - I|', rowOrthogonalityError(vt), 1e-10),
      atMost('S descending: max(s[i+1] - s[i])', largestIncrease(s), 0),
    ];
  });
}

export const svdSquareWorkload: Workload<SvdSquareParams> = {
  name: 'svd-square',
  description: "Rank-k SVD of a square n x n matrix with a known spectrum by randomized compression (Dask svd_compressed with power iterations)",
  paramsSchema: SvdSquareParamsSchema,
  sizeParam: 'n',
  blockParam: 'block',
  presets: {
    small: { n: 256, block: 128, rank: 5 },
    medium: { n: 2048, block: 512 },
    large: { n: 4096, block: 512 },
  },
  taskCountFormula:
    'g = ceil(n/block), l = min(max(20, rank + oversampling), n), P = g^2 (+ g^2 sums when g > 1) per block product, T = TSQR(g blocks, l cols): A input 6g + g^2 + 2l + 4, A transposes g^2 when powerIterations > 0, Ω g, A·Ω P, per power iteration 2(T + P), then 2T + P + 4 + 6g (Q, Qᵀ blocks, Qᵀ·A, Bᵀ blocks, TSQR + svd of Bᵀ, X_k, S, U, Vt)',
  taskCount,
  generate,
  verify,
};
