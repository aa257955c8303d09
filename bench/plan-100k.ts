/**
 * How long the built-in planners take on big DAGs. Target (issue #6): under 2 s for 100,000 tasks
 * for `uniform` and `nonuniform`. Printed apart: `predict`, asking the MetadataAccess (the
 * predictor as `wukong plan` builds it, no history) about every task; `algorithm`, the planner
 * on those answers; `plan`, one `plan()` call doing both; `planDag`, plan + schema + validation +
 * the shared estimate it attaches. `heft` is O(V · workers · tasks per worker), a
 * baseline for small DAGs: it runs only on sizes up to `--heft-max` tasks.
 *
 *   npm run build && node dist/bench/plan-100k.js [--tasks 10000,100000] [--runs 3] [--heft-max 10000]
 *
 * DAGs: a binary tree reduction (half the tasks are leaves; 1-200 ms each, 1 MB outputs) and the
 * seeded layered DAG of bench/validate-100k.ts (~316 layers of ~316 tasks, fan-in 1-5). Figures
 * are the median of `--runs` runs in ms, wall and CPU (the machine may be shared: CPU is the
 * steadier figure).
 */
import { fileURLToPath } from 'node:url';
import { Dag } from '../src/dag/dag.js';
import type { DagSpec, TaskSpec } from '../src/model/dag-schema.js';
import { emptyHistory } from '../src/metadata/metadata-history.js';
import { predictorForDag } from '../src/metadata/dag-descriptors.js';
import type { MetadataPredictor } from '../src/metadata/predictor.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import { planHeftCompact } from '../src/plan/algorithms/heft.js';
import { planNonuniformCompact } from '../src/plan/algorithms/nonuniform.js';
import { planUniformCompact } from '../src/plan/algorithms/uniform.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { bestTierIndex, predictTaskCosts, type TaskCosts } from '../src/plan/task-costs.js';
import { planDag } from '../src/plan/plan-dag.js';
import type { PlanOutput } from '../src/plan/planning-algorithm.js';
import { DEFAULT_TIERS } from '../src/plan/tiers.js';
import { Xoshiro128StarStar } from '../src/ops/random/xoshiro128-star-star.js';
import { layeredDag } from './validate-100k.js';
import { nonNegativeInt, parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

/** A binary tree reduction of about `taskCount` tasks: leaves, then pairwise sums to one root. */
export function treeDag(taskCount: number, seed: number): DagSpec {
  const random = Xoshiro128StarStar.fromInteger(seed);
  const task = (id: string, deps: string[]): TaskSpec => {
    const ms = 1 + (random.nextUint32() % 200);
    const spec: TaskSpec = { id, op: 'synthetic.work', args: { ms, outputBytes: 1_000_000, mode: 'sleep' }, hints: { durationMs: ms, outputBytes: 1_000_000 } };
    if (deps.length > 0) spec.deps = deps;
    return spec;
  };
  const tasks: TaskSpec[] = [];
  let level = Array.from({ length: Math.max(1, Math.ceil(taskCount / 2)) }, (_, i) => `leaf-${i}`);
  level.forEach((id) => tasks.push(task(id, [])));
  for (let depth = 1; level.length > 1; depth += 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const deps = level.slice(i, i + 2);
      const id = `r${depth}-${i / 2}`;
      tasks.push(task(id, deps));
      next.push(id);
    }
    level = next;
  }
  return { name: `tree-${tasks.length}`, tasks };
}

/** As `wukong plan` builds it: static task descriptors (keys, input and output sizes from op shapes), no history. */
function predictorFor(dag: Dag): MetadataPredictor {
  return predictorForDag(dag, createBuiltinRegistry(), emptyHistory());
}

async function timed<T>(work: () => T | Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The algorithm alone, on predictions already made (what the planner itself costs). */
const ALGORITHMS: Record<string, (costs: TaskCosts) => unknown> = {
  uniform: (costs) => planUniformCompact(costs, bestTierIndex(costs)),
  nonuniform: (costs) => planNonuniformCompact(costs),
  heft: (costs) => planHeftCompact(costs, bestTierIndex(costs), 32),
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    "How long the built-in planners take on big DAGs (tree and layered), split into predicting task costs, the planner's algorithm, one plan() call and planDag.",
    { options: { tasks: { type: 'string', default: '10000,100000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' }, 'heft-max': { type: 'string', default: '10000' } } },
  );
  const sizes = positiveIntList(values.tasks, '--tasks');
  const runs = positiveInt(values.runs, '--runs');
  const seed = nonNegativeInt(values.seed, '--seed');
  const heftMax = nonNegativeInt(values['heft-max'], '--heft-max');
  console.log(`plan bench: median of ${runs} runs, node ${process.version}, tiers ${DEFAULT_TIERS.join(',')}; ms`);
  console.log('predict = asking MetadataAccess about every task (predictTaskCosts); algorithm = the planner on those answers; plan = both (one plan() call)');
  console.log('dag                 tasks  planner     predict-cpu  algorithm-cpu  algorithm-wall  plan-cpu  plan-wall  planDag-wall  workers  makespan-ms  cost-usd');
  for (const size of sizes) {
    for (const [shape, spec] of [['tree', treeDag(size, seed)], ['layered', layeredDag(size, seed)]] as const) {
      const dag = Dag.fromSpec(spec);
      for (const [name, algorithm] of Object.entries(BUILTIN_PLANNERS)) {
        if (name === 'heft' && dag.taskCount() > heftMax) continue;
        const walls: number[] = [];
        const cpus: number[] = [];
        const totals: number[] = [];
        const predictCpus: number[] = [];
        const algorithmCpus: number[] = [];
        const algorithmWalls: number[] = [];
        let output: PlanOutput | undefined;
        for (let r = 0; r < runs; r += 1) {
          const predictor = predictorFor(dag);
          const costs = await timed(() => predictTaskCosts(dag, predictor, 'median', DEFAULT_TIERS));
          predictCpus.push(costs.cpuMs);
          // Planners without a compact core (random) have no algorithm-only figure: printed as '-'.
          const algorithmOnly = ALGORITHMS[name];
          if (algorithmOnly) {
            const algorithmRun = await timed(() => algorithmOnly(costs.result));
            algorithmCpus.push(algorithmRun.cpuMs);
            algorithmWalls.push(algorithmRun.wallMs);
          }
          const metadata = predictorFor(dag);
          const once = await timed(() => algorithm.plan(dag, metadata, 'median', { tiers: DEFAULT_TIERS }));
          walls.push(once.wallMs);
          cpus.push(once.cpuMs);
          output = once.result;
          const total = await timed(() => planDag(dag, algorithm, { metadata: predictorFor(dag), sla: 'median', tiers: DEFAULT_TIERS }));
          totals.push(total.wallMs);
        }
        const workers = output ? Object.keys(output.workers).length : 0;
        console.log(
          [
            `${shape}-${size}`.padEnd(18),
            String(dag.taskCount()).padStart(7),
            ` ${name.padEnd(11)}`,
            median(predictCpus).toFixed(0).padStart(11),
            (algorithmCpus.length > 0 ? median(algorithmCpus).toFixed(0) : '-').padStart(14),
            (algorithmWalls.length > 0 ? median(algorithmWalls).toFixed(0) : '-').padStart(15),
            median(cpus).toFixed(0).padStart(9),
            median(walls).toFixed(0).padStart(10),
            median(totals).toFixed(0).padStart(13),
            String(workers).padStart(8),
            (output?.predicted?.makespanMs ?? NaN).toFixed(0).padStart(12),
            (output?.predicted?.costUsd ?? NaN).toFixed(6).padStart(9),
          ].join(' '),
        );
      }
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
