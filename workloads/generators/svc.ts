import * as z from 'zod';
import type { DagSpec } from '../../src/model/dag-schema.js';
import type { Value } from '../../src/data/value.js';
import { predictLabels } from '../../src/ops/svc/pegasos.js';
import { separableChunk } from '../../src/ops/svc/separable-data.js';
import { blockSizes } from '../blocking.js';
import { DagBuilder } from '../dag-builder.js';
import { deriveSeed } from '../seeds.js';
import { addTreeReduction, treeReductionTaskCount } from '../tree-reduction.js';
import { atLeast, atMost, outputMatrix, verifyWith } from '../verify/checks.js';
import type { VerifyResult, Workload } from '../workload.js';

/**
 * Support-vector classification, chunked: a seeded linearly separable two-class data set
 * (svc.make-chunk) is trained by iterative parameter mixing: in each round every training chunk
 * runs Pegasos epochs (svc.train-chunk) from the current averaged weights, then the chunk weights
 * are averaged (a matrix.add tree, fan-in 16, and a matrix.scale by 1/chunks). After the last
 * round every test chunk is labelled (svc.predict, a 1 x rows row) and its agreement with the
 * true labels counted by one matmul (row · label column = correct - wrong); the counts are
 * summed. Outputs: `w-<rounds>` (1 x (features + 1)) and `agreement` (1 x 1), from which
 * accuracy = (testSamples + agreement) / (2 testSamples).
 */
const STREAM_MODEL = 1;
const STREAM_TRAIN = 2;
const STREAM_TEST = 3;
const STREAM_SHUFFLE = 4;
const SPLIT_EVERY = 16;
/** Accuracy the trained model must reach on held-out chunks of a separable set (margin 0.1). */
export const SVC_MIN_ACCURACY = 0.95;

export const SvcParamsSchema = z
  .object({
    samples: z.number().int().min(1).max(50_000_000).default(400_000).describe('training samples'),
    chunkRows: z.number().int().min(1).max(10_000_000).default(25_000).describe('samples per chunk (training and test)'),
    testSamples: z.number().int().min(1).max(50_000_000).default(100_000).describe('held-out samples to predict'),
    features: z.number().int().min(1).max(4096).default(16).describe('features per sample'),
    rounds: z.number().int().min(1).max(1000).default(5).describe('rounds of train-then-average'),
    epochs: z.number().int().min(1).max(1000).default(1).describe('Pegasos passes over its chunk per round'),
    lambda: z.number().positive().max(1).default(1e-4).describe('SVM regularization λ'),
    margin: z.number().nonnegative().max(1).default(0.1).describe('half-gap between the classes'),
    seed: z.number().int().nonnegative().default(1).describe('base seed of the data, model and shuffles'),
  })
  .strict();
export type SvcParams = z.output<typeof SvcParamsSchema>;

const modelSeed = (p: SvcParams) => deriveSeed(p.seed, STREAM_MODEL);
const testChunkSeed = (p: SvcParams, t: number) => deriveSeed(p.seed, STREAM_TEST, t);
export const svcWeightsRef = (p: SvcParams) => `w-${p.rounds}`;
export const SVC_AGREEMENT_REF = 'agreement';

function generate(params: SvcParams): DagSpec {
  const builder = new DagBuilder();
  const chunk = (id: string, rows: number, seed: number) =>
    builder.add(id, 'svc.make-chunk', { args: { rows, features: params.features, seed, modelSeed: modelSeed(params), margin: params.margin } });
  const trainSizes = blockSizes(params.samples, params.chunkRows);
  const train = trainSizes.map((rows, c) => chunk(`train-data-${c}`, rows, deriveSeed(params.seed, STREAM_TRAIN, c)));
  let weights = builder.add('w-0', 'matrix.fill', { args: { rows: 1, cols: params.features + 1, value: 0 } });
  for (let round = 1; round <= params.rounds; round += 1) {
    const trained = train.map((data, c) =>
      builder.add(`train-${round}-${c}`, 'svc.train-chunk', {
        deps: [`${data}#0`, `${data}#1`, weights],
        args: { lambda: params.lambda, epochs: params.epochs, seed: deriveSeed(params.seed, STREAM_SHUFFLE, round, c), stepOffset: (round - 1) * params.epochs * trainSizes[c]! },
      }),
    );
    const sum = addTreeReduction(builder, trained, { idPrefix: `w-${round}-sum-`, rootId: `w-${round}-sum`, splitEvery: SPLIT_EVERY });
    weights = builder.add(`w-${round}`, 'matrix.scale', { deps: [sum], args: { factor: 1 / trained.length } });
  }
  const testSizes = blockSizes(params.testSamples, params.chunkRows);
  const agreements = testSizes.map((rows, t) => {
    const data = chunk(`test-data-${t}`, rows, testChunkSeed(params, t));
    const predicted = builder.add(`predict-${t}`, 'svc.predict', { deps: [`${data}#0`, weights] });
    // One test chunk: no reduction follows, so its agreement is the output itself.
    const id = testSizes.length === 1 ? SVC_AGREEMENT_REF : `agree-${t}`;
    return builder.add(id, 'matrix.matmul', { deps: [predicted, `${data}#1`] });
  });
  const agreement = addTreeReduction(builder, agreements, { idPrefix: 'agreement-', rootId: SVC_AGREEMENT_REF, splitEvery: SPLIT_EVERY });
  return builder.build(`svc-${params.samples}x${params.features}-c${params.chunkRows}-r${params.rounds}`, [weights, agreement]);
}

function taskCount(params: SvcParams): number {
  const chunks = blockSizes(params.samples, params.chunkRows).length;
  const testChunks = blockSizes(params.testSamples, params.chunkRows).length;
  const perRound = chunks + treeReductionTaskCount(chunks, SPLIT_EVERY) + 1;
  return chunks + 1 + params.rounds * perRound + 3 * testChunks + treeReductionTaskCount(testChunks, SPLIT_EVERY);
}

function verify(params: SvcParams, outputs: ReadonlyMap<string, Value>): VerifyResult {
  return verifyWith(() => {
    const weights = outputMatrix(outputs, svcWeightsRef(params), { rows: 1, cols: params.features + 1 });
    const agreement = outputMatrix(outputs, SVC_AGREEMENT_REF, { rows: 1, cols: 1 }).data[0]!;
    // Recount with the returned weights on test chunks regenerated from their seeds.
    let expected = 0;
    blockSizes(params.testSamples, params.chunkRows).forEach((rows, t) => {
      const { x, y } = separableChunk(rows, params.features, testChunkSeed(params, t), modelSeed(params), params.margin);
      const labels = predictLabels(x, weights);
      for (let i = 0; i < rows; i += 1) expected += labels.data[i]! * y.data[i]!;
    });
    const accuracy = (params.testSamples + agreement) / (2 * params.testSamples);
    return [
      atMost('agreement vs a recount with the returned weights (|difference|)', Math.abs(agreement - expected), 0),
      atLeast('held-out accuracy', accuracy, SVC_MIN_ACCURACY),
    ];
  });
}

export const svcWorkload: Workload<SvcParams> = {
  name: 'svc',
  description: 'Linear SVM (Pegasos per chunk + parameter averaging over rounds) on a seeded separable data set; chunked prediction and accuracy',
  paramsSchema: SvcParamsSchema,
  sizeParam: 'samples',
  blockParam: 'chunkRows',
  presets: {
    small: { samples: 4000, chunkRows: 1000, testSamples: 2000, rounds: 3 },
    medium: { samples: 400_000, chunkRows: 25_000, testSamples: 100_000, rounds: 5 },
    large: { samples: 4_000_000, chunkRows: 100_000, testSamples: 1_000_000, rounds: 10 },
  },
  taskCountFormula:
    'C = ceil(samples/chunkRows), T = ceil(testSamples/chunkRows): C data + 1 init + rounds x (C train + sum tree (1 while 1 < C <= 16) + 1 scale) + 3T (data, predict, count) + sum tree over T',
  taskCount,
  generate,
  verify,
};
