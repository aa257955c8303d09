import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTableSources } from '../../../src/ops/table/table-dag.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { findWorkload } from '../../../workloads/index.js';
import { generateValidDag } from '../../../workloads/replay-runner.js';
import { executorFunction, lambdaRunReport, startLambdaStack, type LambdaStack } from './lambda-stack.js';

/**
 * The pipeline workload on the Lambda path: the bundle carries DuckDB's native library
 * (dist-lambda/node_modules), executors in the emulator read the Parquet and CSV sources from
 * s3rver (AWS_ENDPOINT_URL_S3) with pushdown, pass tables through Redis and S3 as Arrow IPC, and
 * the outputs pass the workload's verifier. Needs `npm run build`.
 */
const TIERS = { '1769': 'wukong-pipeline-1769' } as const;
const PARAMS = { rows: 4000, files: 2, topK: 5, seed: 11 };
const pipeline = findWorkload('pipeline')!;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_S3;

let stack: LambdaStack;
beforeAll(async () => {
  stack = await startLambdaStack({ functionsByTier: TIERS, functions: (context) => [executorFunction(context, TIERS['1769'], 1769, 60)] });
  // The dataset is written and inspected from here, through the same variable the functions use.
  process.env.AWS_ENDPOINT_URL_S3 = stack.s3.endpoint;
}, 120_000);
afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
  else process.env.AWS_ENDPOINT_URL_S3 = savedEndpoint;
  await stack?.stop();
});

describe('the pipeline on the emulator (sources in s3rver)', () => {
  it('verifies, reading only the pushed-down columns from S3', async () => {
    const context = { dataRoot: `s3://${stack.s3.bucket}/data` };
    await pipeline.prepareData!(PARAMS, context);
    const { spec } = await checkTableSources(generateValidDag(pipeline, PARAMS, context), { pushdown: true });
    const outcome = await stack.run(spec, runDagFromSpec(spec), DEFAULT_WUKONG_OPTIONS, 1769);
    expect(outcome.failure, stack.recentLogs()).toBeUndefined();
    const verified = pipeline.verify(PARAMS, outcome.outputs);
    expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
    const report = lambdaRunReport(outcome, spec.name ?? 'pipeline', 'wukong');
    expect(report.summary.sourceBytes).toBeGreaterThan(0);
  });
});
