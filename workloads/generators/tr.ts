import * as z from 'zod';
import type { DagSpec } from '../../src/model/dag-schema.js';
import type { Value } from '../../src/data/value.js';
import { randomMatrix } from '../../src/ops/matrix/kernels/index.js';
import { DagBuilder } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';
import { addTreeReduction, reductionLevels, treeReductionTaskCount } from '../tree-reduction.js';
import { atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import type { VerifyResult, Workload } from '../workload.js';

/**
 * Tree reduction (WUKONG's TR benchmark): N numbers summed pairwise up a binary tree (Dask's
 * `split_every=2`). Each number is a 1x1 `matrix.random` leaf task; each inner node a
 * `matrix.add` of its group. Task count: N leaves + (N - 1) adds for splitEvery = 2. WUKONG's
 * "1,024 elements (1,023 tasks)" counts the N - 1 additions only: in Dask the N numbers are data
 * embedded in the graph, not tasks; here each is a leaf task (it has to come from somewhere), so
 * 1,024 elements give 2,047 tasks of which 1,023 are the paper's.
 *
 * `delayMs` > 0 reproduces the paper's "500 ms per task" variant: each reduction is a
 * `matrix.add {delayMs}` (sum, then sleep) with the delay as its `hints.durationMs`, so the result
 * is still checked against the exact sum and planners and the simulator know each task's time.
 */
const STREAM_LEAF = 1;
const ROOT_ID = 'sum';

export const TrParamsSchema = z
  .object({
    elements: z.number().int().min(2).max(500_000).default(1024).describe('numbers to sum (leaf tasks)'),
    splitEvery: z.number().int().min(2).max(1024).default(2).describe('fan-in of each reduction task (Dask split_every)'),
    delayMs: z.number().int().min(0).max(60_000).default(0).describe('ms each reduction task sleeps after its sum (the paper: 0 to 500)'),
    seed: z.number().int().nonnegative().default(1).describe('base seed of the leaves'),
  })
  .strict();
export type TrParams = z.output<typeof TrParamsSchema>;

const leafSeed = (params: TrParams, i: number) => deriveSeed(params.seed, STREAM_LEAF, i);


function generate(params: TrParams): DagSpec {
  const builder = new DagBuilder();
  const leaves = Array.from({ length: params.elements }, (_, i) =>
    builder.add(`x-${i}`, 'matrix.random', { args: { rows: 1, cols: 1, seed: leafSeed(params, i) } }),
  );
  const delay = params.delayMs > 0 ? { args: { delayMs: params.delayMs }, hints: { durationMs: params.delayMs } } : {};
  const root = addTreeReduction(builder, leaves, { idPrefix: 'sum-', rootId: ROOT_ID, splitEvery: params.splitEvery, ...delay });
  const suffix = params.delayMs > 0 ? `-delay${params.delayMs}ms` : '';
  return builder.build(`tr-${params.elements}-split${params.splitEvery}${suffix}`, [root]);
}

/** Folds the leaves up the same tree as the DAG, combining each group with `combine`. */
function foldTree<T>(leaves: readonly T[], splitEvery: number, combine: (group: T[]) => T): T {
  let current = [...leaves];
  for (const groups of reductionLevels(leaves.length, splitEvery)) {
    current = groups.map((group) => (group.length === 1 ? current[group[0]!]! : combine(group.map((i) => current[i]!))));
  }
  return current[0]!;
}

/** Neumaier's compensated sum: the reference the tree's rounding is measured against. */
function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const x of values) {
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function verify(params: TrParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  return verifyWith(() => {
    const leaves = Array.from({ length: params.elements }, (_, i) => randomMatrix(1, 1, leafSeed(params, i)));
    const got = outputMatrix(outputs, ROOT_ID, { rows: 1, cols: 1 }).data[0]!;
    const numbers = leaves.map((leaf) => leaf.data[0]!);
    // matrix.add sums its inputs left to right, so the same tree gives the same bits.
    const sameOrder = foldTree(numbers, params.splitEvery, (group) => group.reduce((sum, x) => sum + x));
    const absoluteSum = numbers.reduce((sum, x) => sum + Math.abs(x), 0);
    return [
      atMost('sum vs the same tree summed here (|difference|, bitwise)', Math.abs(got - sameOrder), 0),
      atMost('sum vs compensated exact sum: |error| / sum|x|', Math.abs(got - compensatedSum(numbers)) / absoluteSum, 1e-13),
    ];
  });
}

export const trWorkload: Workload<TrParams> = {
  name: 'tr',
  description: 'Tree reduction of N seeded numbers, pairwise (WUKONG TR; optional per-task delay)',
  paramsSchema: TrParamsSchema,
  sizeParam: 'elements',
  presets: {
    small: { elements: 64 },
    medium: { elements: 1024 },
    large: { elements: 16_384 },
  },
  taskCountFormula: 'N leaves + (N - 1) reductions for splitEvery = 2 (the paper counts the N - 1); in general N + the groups of >1 item on each level',
  taskCount: (params) => params.elements + treeReductionTaskCount(params.elements, params.splitEvery),
  generate,
  verify,
};
