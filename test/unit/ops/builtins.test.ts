import { describe, expect, it } from 'vitest';
import { BUILTIN_OPS, createBuiltinRegistry } from '../../../src/ops/builtins.js';

const INF = Number.POSITIVE_INFINITY;

/** name -> [min inputs, max inputs, outputs]: the metadata the DAG validator relies on. */
const EXPECTED_SIGNATURES: Record<string, [number, number, number]> = {
  'synthetic.work': [0, INF, 1],
  'synthetic.bytes': [0, 0, 1],
  'synthetic.concat': [1, INF, 1],
  'matrix.random': [0, 0, 1],
  'matrix.fill': [0, 0, 1],
  'matrix.identity': [0, 0, 1],
  'matrix.add': [1, INF, 1],
  'matrix.sub': [2, 2, 1],
  'matrix.matmul': [2, 2, 1],
  'matrix.scale': [1, 1, 1],
  'matrix.sum': [1, 1, 1],
  'matrix.transpose': [1, 1, 1],
  'matrix.vstack': [1, INF, 1],
  'matrix.hstack': [1, INF, 1],
  'matrix.slice': [1, 1, 1],
  'matrix.qr': [1, 1, 2],
  'matrix.svd': [1, 1, 3],
  'svc.make-chunk': [0, 0, 2],
  'svc.train-chunk': [3, 3, 1],
  'svc.predict': [2, 2, 1],
  'table.read': [0, 0, 1],
  'table.write': [1, 1, 1],
  'table.filter': [1, 1, 1],
  'table.project': [1, 1, 1],
  'table.join': [2, 2, 1],
  'table.aggregate': [1, 1, 1],
  'table.concat': [1, INF, 1],
  'table.sql': [0, INF, 1],
};

/** Args each op accepts, so the generic checks below can exercise every op. */
const VALID_ARGS: Record<string, Record<string, unknown>> = {
  'synthetic.work': { ms: 0 },
  'synthetic.bytes': { bytes: 4 },
  'matrix.random': { rows: 2, cols: 3, seed: 1 },
  'matrix.fill': { rows: 2, cols: 2, value: 1.5 },
  'matrix.identity': { n: 3 },
  'matrix.scale': { factor: 2 },
  'matrix.slice': { rowStart: 0, rowEnd: 1, colStart: 0, colEnd: 1 },
  'svc.make-chunk': { rows: 4, features: 2, seed: 1, modelSeed: 2 },
  'svc.train-chunk': { lambda: 0.01 },
  'table.read': { source: 'trips.parquet' },
  'table.write': { target: 's3://bucket/out.arrow' },
  'table.filter': { where: [{ column: 'fare', op: '>', value: 0 }] },
  'table.project': { columns: ['fare'] },
  'table.join': { on: ['zone'] },
  'table.aggregate': { groupBy: ['zone'], aggregates: [{ fn: 'count', as: 'n' }] },
  'table.sql': { query: 'SELECT 1' },
};

describe('the built-in registry', () => {
  it('registers every built-in op once, with the declared arity and output count', () => {
    // Prepare / Act
    const registry = createBuiltinRegistry();

    // Assess
    expect(registry.names()).toEqual(Object.keys(EXPECTED_SIGNATURES).sort());
    expect(BUILTIN_OPS).toHaveLength(Object.keys(EXPECTED_SIGNATURES).length);
    for (const [name, [min, max, outputs]] of Object.entries(EXPECTED_SIGNATURES)) {
      const op = registry.get(name);
      expect({ name, min: op.arity.min, max: op.arity.max, outputs: op.outputs }).toEqual({ name, min, max, outputs });
      expect(op.description.length).toBeGreaterThan(10);
    }
  });

  it('gives each call a fresh registry that more ops can be added to', () => {
    const first = createBuiltinRegistry();
    first.register({ ...BUILTIN_OPS[0]!, name: 'custom.extra' });
    expect(first.lookup('custom.extra')).toBeDefined();
    expect(createBuiltinRegistry().lookup('custom.extra')).toBeUndefined();
    expect(() => first.register(BUILTIN_OPS[0]!)).toThrow(/already registered/);
  });

  it.each(BUILTIN_OPS.map((op) => [op.name]))('%s: args schema is strict and follows the {} convention', (name) => {
    const op = createBuiltinRegistry().get(name);
    const valid = VALID_ARGS[name] ?? {};
    // Ops with no required args accept {} (what omitted args in DAG JSON mean).
    expect(op.args.safeParse(valid).success).toBe(true);
    // Unknown keys are an error, like everywhere in DAG JSON.
    expect(op.args.safeParse({ ...valid, surprise: 1 }).success).toBe(false);
    // Something that is not an object never passes.
    expect(op.args.safeParse('not an object').success).toBe(false);
    if (VALID_ARGS[name]) expect(op.args.safeParse({}).success).toBe(false);
  });
});
