import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DagSpecSchema } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { executorFunction, startLambdaStack, type LambdaStack } from './lambda-stack.js';

/**
 * User ops on the Lambda path: `wukong bundle --ops` puts the user's module in the function's
 * bundle, the emulator runs it (Redis + s3rver), and an executor handed a DAG naming an op its
 * bundle lacks fails the run at once, naming the op and saying to rebundle.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TIERS = { '1769': 'wukong-user-ops-1769' } as const;
const dir = mkdtempSync(join(tmpdir(), 'wk-user-ops-lambda-'));
const opModule = join(dir, 'triple-ops.mjs');
writeFileSync(
  opModule,
  `import { defineOp } from '${join(ROOT, 'dist/src/api/index.js')}';
import { z } from '${join(ROOT, 'node_modules/zod/index.js')}';
export default defineOp({ name: 'lambdatest.triple', description: 'times three', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,
  run: ([m]) => [{ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => 3 * x) }] });
`,
);

let stack: LambdaStack;
beforeAll(async () => {
  stack = await startLambdaStack({ functionsByTier: TIERS, functions: (context) => [executorFunction(context, TIERS['1769'], 1769, 30)], opModules: [opModule] });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const dagWith = (op: string) =>
  DagSpecSchema.parse({ name: 'user-op-lambda', tasks: [{ id: 'a', op: 'matrix.fill', args: { rows: 2, cols: 3, value: 7 } }, { id: 'b', op, deps: ['a'] }] });

describe('user ops on the emulator (bundled with wukong bundle --ops)', () => {
  it('runs the bundled user op and returns what it computed', async () => {
    const spec = dagWith('lambdatest.triple');
    const outcome = await stack.run(spec, runDagFromSpec(spec), DEFAULT_WUKONG_OPTIONS, 1769);
    expect(outcome.failure, stack.recentLogs()).toBeUndefined();
    const value = outcome.outputs.get('b');
    expect(value?.kind).toBe('matrix');
    expect(value?.kind === 'matrix' && [...value.data]).toEqual([21, 21, 21, 21, 21, 21]);
  });

  it('an op the bundle lacks fails the run at once, naming it and saying to rebundle', async () => {
    const spec = dagWith('lambdatest.missing');
    const started = Date.now();
    const outcome = await stack.run(spec, runDagFromSpec(spec), DEFAULT_WUKONG_OPTIONS, 1769);
    expect(outcome.ok).toBe(false);
    expect(outcome.failure?.message).toMatch(/has no op lambdatest\.missing: .*rebundle with `wukong bundle --ops <module>`/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
