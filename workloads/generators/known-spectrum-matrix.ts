import type { MatrixBlock } from '../../src/data/value.js';
import { identity, matmul, qr, randomMatrix, scale, slice, transpose, vstack } from '../../src/ops/matrix/kernels/index.js';
import type { DagBuilder } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';

/**
 * A square n x n matrix in g x g blocks whose singular values are known exactly, built by DAG
 * tasks from registered ops only, so that randomized SVD can be checked against the true spectrum
 * without an O(n^3) reference SVD:
 *
 *   A = U0 · diag(sigma) · V0ᵀ,  U0 = [Q_1; ...; Q_g] / sqrt(g),  V0 = [P_1; ...; P_g] / sqrt(g)
 *
 * where Q_i = qr(random b_i x r)#0 and P_j likewise. Each Q_i has orthonormal columns, so
 * U0ᵀU0 = (1/g) sum Q_iᵀQ_i = I: U0 and V0 have orthonormal columns and A's nonzero singular
 * values are exactly sigma (rank r). Block A_ij = Q_i · (diag(sigma)/g) · P_jᵀ.
 *
 * diag(sigma) itself is built as a vstack of scaled row slices of the identity, one per "step" of
 * equal values: sigma_c = decay^c for c < distinct, then one flat tail decay^distinct for
 * distinct <= c < r. Tasks: 2g random + 2g qr + 1 identity + 2 x steps (slice, scale) + 1 vstack
 * + g matmul (Q_i · D) + g transpose (P_jᵀ) + g^2 matmul (A_ij).
 */
export interface KnownSpectrumSpec {
  readonly blockSizes: readonly number[];
  /** Rank r (<= every block size). */
  readonly rank: number;
  /** Leading singular values that are distinct (decay^c); the rest of the r equal decay^distinct. */
  readonly distinct: number;
  readonly decay: number;
  readonly seed: number;
}

const STREAM_LEFT = 11;
const STREAM_RIGHT = 12;

/** The steps of equal singular values: [first row, end row, value]. */
function spectrumSteps(spec: KnownSpectrumSpec): [number, number, number][] {
  const steps: [number, number, number][] = [];
  for (let c = 0; c < Math.min(spec.distinct, spec.rank); c += 1) steps.push([c, c + 1, spec.decay ** c]);
  if (spec.rank > spec.distinct) steps.push([spec.distinct, spec.rank, spec.decay ** spec.distinct]);
  return steps;
}

/** All n singular values of A, descending (zeros beyond the rank). */
export function knownSingularValues(spec: KnownSpectrumSpec): number[] {
  const n = spec.blockSizes.reduce((sum, b) => sum + b, 0);
  const values = new Array<number>(n).fill(0);
  for (const [start, end, value] of spectrumSteps(spec)) values.fill(value, start, end);
  return values;
}

export function knownSpectrumTaskCount(spec: KnownSpectrumSpec): number {
  const g = spec.blockSizes.length;
  return 6 * g + g * g + 2 + 2 * spectrumSteps(spec).length;
}

/** Adds the tasks; block A_ij is the task `a-i-j`. */
export function addKnownSpectrumMatrix(builder: DagBuilder, spec: KnownSpectrumSpec): void {
  const g = spec.blockSizes.length;
  const r = spec.rank;
  const eye = builder.add('spectrum-eye', 'matrix.identity', { args: { n: r } });
  const rows = spectrumSteps(spec).map(([start, end, value], t) => {
    const part = builder.add(`spectrum-rows-${t}`, 'matrix.slice', { deps: [eye], args: { rowStart: start, rowEnd: end, colStart: 0, colEnd: r } });
    return builder.add(`spectrum-scaled-${t}`, 'matrix.scale', { deps: [part], args: { factor: value / g } });
  });
  const diagonal = builder.add('spectrum-diag', 'matrix.vstack', { deps: rows });
  const left = spec.blockSizes.map((b, i) => {
    builder.add(`gen-u-${i}`, 'matrix.random', { args: { rows: b, cols: r, seed: deriveSeed(spec.seed, STREAM_LEFT, i) } });
    builder.add(`gen-qu-${i}`, 'matrix.qr', { deps: [`gen-u-${i}`] });
    return builder.add(`gen-ud-${i}`, 'matrix.matmul', { deps: [`gen-qu-${i}#0`, diagonal] });
  });
  const right = spec.blockSizes.map((b, j) => {
    builder.add(`gen-v-${j}`, 'matrix.random', { args: { rows: b, cols: r, seed: deriveSeed(spec.seed, STREAM_RIGHT, j) } });
    builder.add(`gen-qv-${j}`, 'matrix.qr', { deps: [`gen-v-${j}`] });
    return builder.add(`gen-vt-${j}`, 'matrix.transpose', { deps: [`gen-qv-${j}#0`] });
  });
  for (let i = 0; i < g; i += 1) {
    for (let j = 0; j < g; j += 1) builder.add(`a-${i}-${j}`, 'matrix.matmul', { deps: [left[i]!, right[j]!] });
  }
}

/** The blocks A_ij, recomputed with the same kernels in the same order (so, bit for bit). */
export function knownSpectrumBlocks(spec: KnownSpectrumSpec): MatrixBlock[][] {
  const g = spec.blockSizes.length;
  const r = spec.rank;
  const eye = identity(r);
  const diagonal = vstack(spectrumSteps(spec).map(([start, end, value]) => scale(slice(eye, { rowStart: start, rowEnd: end, colStart: 0, colEnd: r }), value / g)));
  const left = spec.blockSizes.map((b, i) => matmul(qr(randomMatrix(b, r, deriveSeed(spec.seed, STREAM_LEFT, i))).q, diagonal));
  const right = spec.blockSizes.map((b, j) => transpose(qr(randomMatrix(b, r, deriveSeed(spec.seed, STREAM_RIGHT, j))).q));
  return left.map((l) => right.map((rt) => matmul(l, rt)));
}
