/**
 * Planned mode vs WUKONG mode on the embedded backend: makespan of the example DAGs under a plan
 * that puts everything on one worker, random plans over 4 workers (with and without dup on every
 * task), and a random plan with parkAfterMs 0 (every wait parks), next to WUKONG mode.
 *
 *   npm run build && node dist/bench/planned-mode.js [--repeat 3] [--threads 2] [--only diamond,gemm-2x2]
 *
 * Figures are wall-clock ms on this machine (shared, loaded: compare rows, not absolute values).
 * Embedded threads are always warm, so prewarm is a no-op here and a park costs a local re-invoke.
 */
import { readFile } from 'node:fs/promises';
import type { DagSpec } from '../src/model/dag-schema.js';
import type { Plan } from '../src/model/annotated-dag.js';
import { runEmbedded } from '../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { randomPlan } from '../src/plan/random-plan.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  'Planned mode vs WUKONG mode on the embedded backend: makespan of the example DAGs under one-worker and random plans, next to WUKONG mode.',
  { options: { repeat: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' }, only: { type: 'string' } } },
  { notes: { only: 'diamond, gemm-2x2 and tree-reduction-16' } },
);
const repeat = positiveInt(values.repeat, '--repeat');
const threads = positiveInt(values.threads, '--threads');

function singleWorkerPlan(spec: DagSpec): Plan {
  const tasks: Plan['tasks'] = {};
  for (const t of spec.tasks) tasks[t.id] = { worker: 0, preload: false, prewarm: [], dup: false };
  return { algorithm: 'one-worker', sla: 'avg', tasks, workers: { '0': { memoryMb: 1769, vcpu: 1 } } };
}

// --only diamond,gemm-2x2: a subset of the examples (the CI smoke run uses one).
const examples = ['diamond', 'gemm-2x2', 'tree-reduction-16'].filter((name) => values.only === undefined || values.only.split(',').includes(name));
for (const name of examples) {
  const spec = JSON.parse(await readFile(new URL(`../../workloads/examples/${name}.json`, import.meta.url), 'utf8')) as DagSpec;
  const dag = runDagFromSpec(spec);
  const ids = spec.tasks.map((t) => t.id);
  const variants: { label: string; plan?: Plan; parkAfterMs?: number }[] = [
    { label: 'wukong' },
    { label: 'planned 1 worker', plan: singleWorkerPlan(spec) },
    { label: 'planned random 4 workers', plan: randomPlan(dag, ids, 42, { workers: 4 }) },
    { label: 'planned random 4 workers, dup all', plan: randomPlan(dag, ids, 42, { workers: 4, dupAll: true }) },
    { label: 'planned random 4 workers, park 0 ms', plan: randomPlan(dag, ids, 42, { workers: 4 }), parkAfterMs: 0 },
  ];
  for (const variant of variants) {
    const makespans: number[] = [];
    let executors = 0;
    let dups = 0;
    for (let i = 0; i < repeat; i += 1) {
      const outcome = await runEmbedded(
        {
          spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0, ...(variant.plan ? { plan: variant.plan } : {}), ...(variant.parkAfterMs === undefined ? {} : { parkAfterMs: variant.parkAfterMs }) },
          dag,
          outputRefs: dag.outputRefs(),
          deadlineMs: 60_000,
        },
        { threads, stores: MEMORY_STORES, invokeConcurrency: 16 },
      );
      if (!outcome.ok) throw new Error(`${name} / ${variant.label} failed: ${outcome.failure?.message}`);
      makespans.push(outcome.finishedAt - outcome.startedAt);
      executors = outcome.executors.length;
      dups = outcome.executors.flatMap((e) => e.tasks).filter((t) => t.dup).length;
    }
    makespans.sort((a, b) => a - b);
    const median = makespans[Math.floor(makespans.length / 2)] as number;
    console.log(`${name.padEnd(18)} ${variant.label.padEnd(38)} median makespan ${median.toFixed(1).padStart(8)} ms  executors ${String(executors).padStart(3)}  dup runs ${dups}`);
  }
}
