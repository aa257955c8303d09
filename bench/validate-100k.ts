/**
 * Times parse + validate + model of large DAGs (issue: 100,000 tasks in under 2 s).
 *
 *   npm run build && node dist/bench/validate-100k.js
 *
 * The DAG is layered and seeded: 1,000 tasks per layer, each depending on 1-3 tasks of the
 * layer before, as synthetic.work tasks.
 */
import { performance } from 'node:perf_hooks';
import type { DagSpec } from '../src/dag/schema.js';
import { validateDag } from '../src/dag/validate.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import { runDagFromSpec } from '../src/runtime/run-dag.js';
import { dagShape } from '../src/cli/dag-shape.js';

function layeredDag(tasks: number, seed: number): DagSpec {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const width = 1000;
  const spec: DagSpec = { name: `layered-${tasks}`, tasks: [] };
  for (let i = 0; i < tasks; i += 1) {
    const layer = Math.floor(i / width);
    const deps = layer === 0 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `t${(layer - 1) * width + Math.floor(rnd() * width)}`))];
    spec.tasks.push({ id: `t${i}`, op: 'synthetic.work', args: { ms: 1, outputBytes: 1024 }, ...(deps.length ? { deps } : {}) });
  }
  return spec;
}

const ops = createBuiltinRegistry();
for (const size of [10_000, 100_000]) {
  const text = JSON.stringify(layeredDag(size, 42));
  const best = { parse: Infinity, validate: Infinity, model: Infinity, total: Infinity };
  for (let round = 0; round < 3; round += 1) {
    const t0 = performance.now();
    const input = JSON.parse(text) as unknown;
    const t1 = performance.now();
    const result = validateDag(input, ops);
    if (!result.ok) throw new Error(`generated DAG is invalid: ${result.problems[0]?.message}`);
    const t2 = performance.now();
    const dag = runDagFromSpec(result.spec);
    const shape = dagShape(dag, result.spec.tasks.length);
    const t3 = performance.now();
    if (shape.tasks !== size) throw new Error('task count mismatch');
    best.parse = Math.min(best.parse, t1 - t0);
    best.validate = Math.min(best.validate, t2 - t1);
    best.model = Math.min(best.model, t3 - t2);
    best.total = Math.min(best.total, t3 - t0);
  }
  console.log(
    `${String(size).padStart(7)} tasks (${(text.length / 1e6).toFixed(1)} MB JSON): parse ${best.parse.toFixed(0)} ms, validate ${best.validate.toFixed(0)} ms, ` +
      `model + topological order + depth ${best.model.toFixed(0)} ms, total ${best.total.toFixed(0)} ms (best of 3)`,
  );
}
