import { describe, expect, it } from 'vitest';
import { matrix, type MatrixBlock, type Value } from '../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { OpInputError } from '../../../src/ops/op-input-error.js';
import { hiddenModel } from '../../../src/ops/svc/separable-data.js';

const registry = createBuiltinRegistry();

async function run(op: string, inputs: Value[], rawArgs: unknown = {}): Promise<MatrixBlock[]> {
  const def = registry.get(op);
  const outputs = await def.run(inputs, def.args.parse(rawArgs));
  expect(outputs).toHaveLength(def.outputs);
  return outputs.map((v) => {
    if (v.kind !== 'matrix') throw new Error(`${op} returned ${v.kind}`);
    return v;
  });
}

const chunk = (seed: number, rows = 500, features = 5, margin = 0.1) => run('svc.make-chunk', [], { rows, features, seed, modelSeed: 99, margin });

/** Fraction of rows whose predicted label (a 1 x m row) equals the label column. */
function accuracy(predicted: MatrixBlock, labels: MatrixBlock): number {
  let correct = 0;
  for (let i = 0; i < labels.rows; i += 1) if (predicted.data[i] === labels.data[i]) correct += 1;
  return correct / labels.rows;
}

describe('svc.make-chunk', () => {
  it('labels points by the hidden hyperplane, with every point at least margin away from it', async () => {
    // Act
    const [x, y] = await chunk(1);
    // Assess
    expect([x!.rows, x!.cols, y!.rows, y!.cols]).toEqual([500, 5, 500, 1]);
    const model = hiddenModel(5, 99);
    expect(Math.hypot(...model.weights)).toBeCloseTo(1, 12);
    const labels = new Set<number>();
    for (let i = 0; i < 500; i += 1) {
      let score = model.bias;
      for (let j = 0; j < 5; j += 1) score += model.weights[j]! * x!.data[i * 5 + j]!;
      expect(Math.abs(score)).toBeGreaterThanOrEqual(0.1 - 1e-12);
      expect(y!.data[i]).toBe(score >= 0 ? 1 : -1);
      labels.add(y!.data[i]!);
    }
    expect([...labels].sort()).toEqual([-1, 1]);
  });

  it('is deterministic per seed, and chunks of one data set share the model', async () => {
    const [a] = await chunk(1);
    const [again] = await chunk(1);
    const [other] = await chunk(2);
    expect(again!.data).toEqual(a!.data);
    expect(other!.data).not.toEqual(a!.data);
  });

  it('rejects bad args through its schema', () => {
    const args = registry.get('svc.make-chunk').args;
    expect(args.safeParse({ rows: 0, features: 2, seed: 1, modelSeed: 1 }).success).toBe(false);
    expect(args.safeParse({ rows: 2, features: 2, seed: 1, modelSeed: 1, margin: -1 }).success).toBe(false);
    expect(args.safeParse({ rows: 2 ** 20, features: 2 ** 10, seed: 1, modelSeed: 1 }).success).toBe(false);
    expect(args.safeParse({ rows: 2, features: 2, seed: 1, modelSeed: 1, extra: 1 }).success).toBe(false);
  });
});

describe('svc.train-chunk and svc.predict', () => {
  it('learns a separating hyperplane that generalizes to another chunk', async () => {
    // Prepare
    const [x, y] = await chunk(1, 2000);
    const [testX, testY] = await chunk(2, 2000);
    const zero = matrix(1, 6);
    // Act
    const [w] = await run('svc.train-chunk', [x!, y!, zero], { lambda: 1e-4, epochs: 3, seed: 5 });
    const [predicted] = await run('svc.predict', [testX!, w!]);
    // Assess
    expect([predicted!.rows, predicted!.cols]).toEqual([1, 2000]);
    expect(accuracy(predicted!, testY!)).toBeGreaterThan(0.97);
    expect(accuracy((await run('svc.predict', [testX!, zero]))[0]!, testY!)).toBeLessThan(0.75);
  });

  it('is deterministic, depends on the shuffle seed, and warm-starts from stepOffset', async () => {
    const [x, y] = await chunk(3, 300);
    const start = matrix(1, 6, Float64Array.of(1, -1, 0.5, 0, 2, 0.1));
    const train = async (args: Record<string, unknown>) => (await run('svc.train-chunk', [x!, y!, start], { lambda: 0.01, ...args }))[0]!.data;
    expect(await train({ seed: 1 })).toEqual(await train({ seed: 1 }));
    expect(await train({ seed: 1 })).not.toEqual(await train({ seed: 2 }));
    // At t = 1 Pegasos' first step discards the start; far into training it barely moves it.
    const late = await train({ seed: 1, stepOffset: 1_000_000 });
    const drift = Math.max(...late.map((v, i) => Math.abs(v - start.data[i]!)));
    expect(drift).toBeLessThan(0.05);
  });

  it('keeps the weights within the Pegasos ball of radius 1/sqrt(lambda)', async () => {
    const [x, y] = await chunk(4, 300);
    const [w] = await run('svc.train-chunk', [x!, y!, matrix(1, 6)], { lambda: 4, epochs: 2 });
    expect(Math.hypot(...w!.data)).toBeLessThanOrEqual(0.5 + 1e-12);
  });

  it('names the shapes when inputs do not fit', async () => {
    const [x, y] = await chunk(5, 10);
    await expect(run('svc.train-chunk', [x!, y!, matrix(1, 5)], { lambda: 1 })).rejects.toThrow(/weights must be 1x6 for 10x5 X, got 1x5/);
    await expect(run('svc.train-chunk', [x!, matrix(9, 1), matrix(1, 6)], { lambda: 1 })).rejects.toThrow(OpInputError);
    await expect(run('svc.predict', [x!, matrix(6, 1)])).rejects.toThrow(/svc.predict: weights must be 1x6/);
  });
});
