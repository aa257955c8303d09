import type { DagSpec } from '../../src/model/dag-schema.js';
import type { Value } from '../../src/data/value.js';
import { matmul, svd, transpose } from '../../src/ops/matrix/kernels/index.js';
import { blockSizes } from '../blocking.js';
import { DagBuilder } from '../dag-builder.js';
import { atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import { columnOrthogonalityError, largestIncrease, multiplySvd, relativeFrobeniusError, rowOrthogonalityError, stackRows } from '../verify/matrix-metrics.js';
import type { VerifyResult, Workload } from '../workload.js';
import { addTsqr, tsqrTaskCount } from './tsqr-graph.js';
import { addTallInput, TALL_MATRIX_PRESETS, tallInput, TallMatrixParamsSchema, type TallMatrixParams } from './tsqr.js';

/**
 * Dask's SVD of a tall-and-skinny matrix (`da.linalg.svd` -> `tsqr(compute_svd=True)`): TSQR,
 * then the SVD of the small R (R = U_R S Vt, one task), then U_i = Q_i · U_R per block.
 * Outputs: the U blocks, S (`svd#1`, a 1 x cols row) and Vt (`svd#2`).
 */
function generate(params: TallMatrixParams): DagSpec {
  const builder = new DagBuilder();
  const blocks = addTallInput(builder, params);
  const { qBlocks, r } = addTsqr(builder, '', blocks, params.cols);
  const svdR = builder.add('svd', 'matrix.svd', { deps: [r.ref] });
  const uBlocks = qBlocks.map((q, i) => builder.add(`u-${i}`, 'matrix.matmul', { deps: [q.ref, `${svdR}#0`] }));
  return builder.build(`svd-${params.rows}x${params.cols}-b${params.blockRows}`, [...uBlocks, `${svdR}#1`, `${svdR}#2`]);
}

const RESIDUAL_MAX = 1e-11;

function verify(params: TallMatrixParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  const sizes = blockSizes(params.rows, params.blockRows);
  const k = params.cols;
  return verifyWith(() => {
    const u = stackRows(sizes.map((rows, i) => outputMatrix(outputs, `u-${i}`, { rows, cols: k })));
    const s = outputMatrix(outputs, 'svd#1', { rows: 1, cols: k });
    const vt = outputMatrix(outputs, 'svd#2', { rows: k, cols: k });
    const a = tallInput(params);
    // The true spectrum of A from its Gram matrix: sigma_i = sqrt(eigenvalue_i(AᵀA)), no QR, no
    // blocks, no tree. Squaring costs accuracy only for tiny sigma_i, which random A does not have.
    const gramSpectrum = svd(matmul(transpose(a), a)).s;
    const reference = Array.from(gramSpectrum.data, Math.sqrt);
    let spectrumError = 0;
    for (let i = 0; i < k; i += 1) spectrumError = Math.max(spectrumError, Math.abs(s.data[i]! - reference[i]!) / reference[0]!);
    return [
      atMost('reconstruction ||U S Vt - A||/||A||', relativeFrobeniusError(multiplySvd(u, s, vt), a), RESIDUAL_MAX),
      atMost('U orthonormal columns: max|UᵀU - I|', columnOrthogonalityError(u), RESIDUAL_MAX),
      atMost('Vt orthonormal rows: max|Vt Vtᵀ - I|', rowOrthogonalityError(vt), RESIDUAL_MAX),
      atMost('S descending: max(s[i+1] - s[i])', largestIncrease(s), 0),
      atMost('S vs sqrt(eig(AᵀA)): max|s - s_true| / s_true[0]', spectrumError, 1e-10),
    ];
  });
}

export const svdWorkload: Workload<TallMatrixParams> = {
  name: 'svd',
  description: 'SVD of a tall-and-skinny rows x cols random matrix: TSQR, SVD of R, U = Q·U_R (Dask da.linalg.svd)',
  paramsSchema: TallMatrixParamsSchema,
  sizeParam: 'rows',
  blockParam: 'blockRows',
  presets: TALL_MATRIX_PRESETS,
  taskCountFormula: 'p = ceil(rows/blockRows): p random + TSQR(p) (see tsqr) + 1 svd + p matmul (U blocks)',
  taskCount: (params) => {
    const sizes = blockSizes(params.rows, params.blockRows);
    return 2 * sizes.length + tsqrTaskCount(sizes, params.cols) + 1;
  },
  generate,
  verify,
};
