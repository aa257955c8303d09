/**
 * How far the simulator scales: wall time and peak RSS of simulating a binary tree reduction and a
 * layered random DAG of 10k / 100k / 1M tasks (AWS profile, 3,008 MB, Redis, all optimizations).
 * Each case runs in its own child process so that its peak RSS is its own.
 *
 *   npm run build && node dist/bench/sim-scale.js [--sizes 10000,100000,1000000] [--shapes tree,layered] [--no-reference]
 *
 * Targets (issue 7): 100,000 tasks under 30 s and 1,000,000 under 5 minutes on a 2-core machine,
 * under 4 GB of memory. Also prints the calibration check against WUKONG's tree reduction of 1,024
 * elements (1,023 tasks, 3 GB Lambdas; DESIGN.md §7): ~1.8 s at 0 ms per task, ~7.0 s at 500 ms.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DagSpec, TaskSpec } from '../src/model/dag-schema.js';
import { Xoshiro128StarStar } from '../src/ops/random/xoshiro128-star-star.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { AWS_PROFILE } from '../src/cost/profile.js';
import { simulate } from '../src/sim/simulator.js';
import { createDagTaskEstimator } from '../src/sim/task-estimates.js';
import { parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

const work = (id: string, ms: number, outputBytes: number, deps: string[] = []): TaskSpec => ({
  id,
  op: 'synthetic.work',
  args: { ms, outputBytes },
  ...(deps.length > 0 ? { deps } : {}),
});

/** A binary tree reduction of about `tasks` tasks: `ms` per task, 8-byte outputs (WUKONG's TR). */
export function treeReduction(tasks: number, ms = 100): DagSpec {
  const leaves = Math.floor((tasks + 1) / 2);
  const spec: TaskSpec[] = [];
  let level: string[] = [];
  for (let i = 0; i < leaves; i += 1) {
    spec.push(work(`l${i}`, ms, 8));
    level.push(`l${i}`);
  }
  for (let depth = 1; level.length > 1; depth += 1) {
    const next: string[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) {
      const id = `r${depth}-${j / 2}`;
      spec.push(work(id, ms, 8, [level[j] as string, level[j + 1] as string]));
      next.push(id);
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as string);
    level = next;
  }
  return { name: `tree-${spec.length}`, tasks: spec };
}

/**
 * A layered random DAG: sqrt(tasks) layers of sqrt(tasks) tasks; each task after the first layer
 * depends on 1-3 random tasks of the layer before. Run times 10-200 ms; one output in eight is
 * large (2 MB, over the 1 MiB threshold), the rest 1 KiB.
 */
export function layeredRandom(tasks: number, seed = 1): DagSpec {
  const random = Xoshiro128StarStar.fromInteger(seed);
  const below = (n: number) => random.nextUint32() % n;
  const width = Math.max(1, Math.round(Math.sqrt(tasks)));
  const layers = Math.max(1, Math.round(tasks / width));
  const spec: TaskSpec[] = [];
  for (let layer = 0; layer < layers; layer += 1) {
    for (let i = 0; i < width; i += 1) {
      const deps = new Set<string>();
      if (layer > 0) {
        const count = 1 + below(3);
        for (let k = 0; k < count; k += 1) deps.add(`n${layer - 1}-${below(width)}`);
      }
      spec.push(work(`n${layer}-${i}`, 10 + below(191), below(8) === 0 ? 2_000_000 : 1024, [...deps]));
    }
  }
  return { name: `layered-${spec.length}`, tasks: spec };
}

interface CaseResult {
  shape: string;
  tasks: number;
  buildMs: number;
  simulateMs: number;
  /** CPU time of the simulation: less sensitive than wall time to other load on the machine. */
  simulateCpuMs: number;
  events: number;
  executors: number;
  virtualMakespanS: number;
  peakRssMb: number;
}

function runCase(shape: string, tasks: number): CaseResult {
  const t0 = performance.now();
  const spec = shape === 'tree' ? treeReduction(tasks) : layeredRandom(tasks);
  const dag = runDagFromSpec(spec);
  const buildMs = performance.now() - t0;
  const cpuAtStart = process.cpuUsage();
  const { report, stats } = simulate({
    dag,
    wukong: DEFAULT_WUKONG_OPTIONS,
    profile: AWS_PROFILE,
    estimator: createDagTaskEstimator(dag, AWS_PROFILE),
    seed: 1,
    memoryMb: 3008,
    storeKind: 'redis',
    dagName: spec.name ?? shape,
  });
  const cpu = process.cpuUsage(cpuAtStart);
  if (!report.ok) throw new Error(`simulation failed: ${report.failure?.message}`);
  return {
    shape,
    tasks: stats.tasks,
    buildMs: Math.round(buildMs),
    simulateMs: Math.round(stats.wallMs),
    simulateCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    events: stats.eventsProcessed,
    executors: stats.executors,
    virtualMakespanS: Number((report.makespanMs / 1000).toFixed(2)),
    // maxRSS is in KiB on Linux.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Median simulated makespan over seeds 1-9 of WUKONG's TR-1024 at `ms` per task (AWS profile). */
function treeReductionReferenceS(ms: number): number {
  const spec = treeReduction(1023, ms);
  const dag = runDagFromSpec(spec);
  const makespans = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(
    (seed) =>
      simulate({
        dag,
        wukong: DEFAULT_WUKONG_OPTIONS,
        profile: AWS_PROFILE,
        estimator: createDagTaskEstimator(dag, AWS_PROFILE),
        seed,
        memoryMb: 3008,
        storeKind: 'redis',
      }).report.makespanMs,
  );
  return (makespans.sort((a, b) => a - b)[4] as number) / 1000;
}

function main(): void {
  const { values } = parseBenchArgs(
    'How far the simulator scales: wall time and peak RSS of simulating a binary tree reduction and a layered random DAG of 10k / 100k / 1M tasks, each case in its own child process.',
    {
      options: {
        sizes: { type: 'string', default: '10000,100000,1000000' },
        shapes: { type: 'string', default: 'tree,layered' },
        case: { type: 'string' },
        tasks: { type: 'string' },
        'no-reference': { type: 'boolean', default: false },
      },
    },
    { notes: { case: 'internal: with --tasks, one case as JSON', tasks: 'internal: see --case' } },
  );
  if (values.case && values.tasks) {
    process.stdout.write(`${JSON.stringify(runCase(values.case, positiveInt(values.tasks, '--tasks')))}\n`);
    return;
  }
  if (!values['no-reference']) {
    const at0 = treeReductionReferenceS(0);
    const at500 = treeReductionReferenceS(500);
    process.stdout.write(`WUKONG TR-1024 (3 GB): simulated ${at0.toFixed(2)} s at 0 ms/task (paper ~1.8 s), ${at500.toFixed(2)} s at 500 ms/task (paper ~7.0 s)\n`);
  }
  const self = fileURLToPath(import.meta.url);
  const rows: CaseResult[] = [];
  for (const size of positiveIntList(values.sizes, '--sizes')) {
    for (const shape of values.shapes.split(',')) {
      const child = spawnSync(process.execPath, ['--max-old-space-size=3584', self, '--case', shape, '--tasks', String(size)], { encoding: 'utf8' });
      if (child.status !== 0) {
        process.stdout.write(`${shape} ${size}: failed (exit ${child.status})\n${child.stderr}\n`);
        continue;
      }
      const row = JSON.parse(child.stdout) as CaseResult;
      rows.push(row);
      process.stdout.write(
        `${row.shape.padEnd(8)} ${String(row.tasks).padStart(8)} tasks  build ${String(row.buildMs).padStart(6)} ms  simulate ${String(row.simulateMs).padStart(7)} ms (CPU ${row.simulateCpuMs} ms)  ` +
          `${String(row.events).padStart(9)} events  ${String(row.executors).padStart(7)} executors  virtual makespan ${row.virtualMakespanS} s  peak RSS ${row.peakRssMb} MB\n`,
      );
    }
  }
}

main();
